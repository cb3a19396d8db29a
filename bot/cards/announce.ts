/**
 * What the bot says about a task change, as pure text and messages: the chat announcement that
 * tells everyone what happened, the p2p notices to whoever must act next, and a refusal as one
 * specific sentence about the task. Strings come from the catalogue (bot/i18n/task.ts); no I/O.
 */
import type { Action, Refusal } from '../domain/task.js';
import { approversOf, leadOf, reviewersOf } from '../domain/roles.js';
import type { OutMessage, Task } from '../domain/types.js';
import { UserError } from '../errors.js';
import { t as translate, type MessageKey } from '../i18n.js';
import { escapeText, truncate } from './escape.js';
import type { CardView } from './primitives.js';
import { dueText } from './task.js';
import { formatDateTime } from './time.js';

/** A mention inside a text message (not a card): `<at user_id="ou_…">name</at>`. */
export function atText(openId: string, view: Pick<CardView, 'names'>): string {
  if (!/^[A-Za-z0-9_-]+$/.test(openId) || openId === 'all') return '';
  return `<at user_id="${openId}">${escapeText(view.names?.[openId] ?? '')}</at>`;
}

/** A task title for a text message: short and with no tag in it. */
export function titleText(task: Task): string {
  return escapeText(truncate(task.title, 60));
}

/** The refusal as a specific sentence about this task. */
export function refusalError(r: Refusal, action: Action, task: Task, view: CardView): UserError {
  const n = task.number;
  const verb = tVerb(view, action);
  switch (r.refused) {
    case 'not_assignee':
    case 'not_creator_or_supervisor':
    case 'own_submission':
    case 'already_done':
    case 'cancelled':
      return new UserError(`task.refuse.${r.refused}`, { n, verb });
    case 'not_lead': {
      const lead = leadOf(task) ?? '';
      return new UserError('task.refuse.not_lead', { n, lead: view.names?.[lead] ?? lead });
    }
    case 'wrong_state': {
      const state = r.params?.state ?? task.state;
      if (state === 'submitted') return new UserError('task.refuse.wrong_state.submitted', { n, verb });
      return new UserError('task.refuse.wrong_state.not_submitted', { n, verb, state: stateName(view, state) });
    }
    case 'extension_pending':
    case 'extension_not_later':
      return new UserError(`task.refuse.${r.refused}`, { n, due: r.params?.dueAt ? formatDateTime(r.params.dueAt, view) : '' });
    case 'due_unchanged':
      return new UserError('task.refuse.due_unchanged', { n, due: r.params?.dueAt ? formatDateTime(r.params.dueAt, view) : '' });
    case 'same_lead':
    case 'already_assignee':
    case 'not_co': {
      const who = r.params?.userId ?? '';
      return new UserError(`task.refuse.${r.refused}`, { n, who: view.names?.[who] ?? who });
    }
    case 'too_many_assignees':
      return new UserError('task.refuse.too_many_assignees', { n, max: r.params?.max ?? 0 });
    case 'reason_required':
      return new UserError('task.refuse.reason_required', { n, usage: reasonUsage(view, action, n) });
    default:
      return new UserError(`task.refuse.${r.refused}`, { n });
  }
}

function tVerb(view: CardView, action: Action): string {
  return ctxT(view, `task.verb.${action.kind}`);
}
function stateName(view: CardView, state: Task['state']): string {
  return ctxT(view, `task.state.${state}`);
}
function reasonUsage(view: CardView, action: Action, n: number): string {
  return ctxT(view, action.kind === 'request_extension' ? 'task.usage.reason.extend' : 'task.usage.reason.reject', { n });
}

function ctxT(view: Pick<CardView, 'lang'>, key: MessageKey, params?: Record<string, string | number>): string {
  return translate(view.lang, key, params);
}

/** Whether an 同意延期 found the request lapsed (its date passed): dropped, the deadline unchanged. */
export function extensionLapsed(before: Task, next: Task): boolean {
  return Boolean(before.pendingExtension && !next.pendingExtension && next.dueAt?.getTime() === before.dueAt?.getTime());
}

/** p2p notices to whoever must act next: the reviewer of a submission or an extension request. */
export function notices(next: Task, before: Task, action: Action, view: CardView): OutMessage[] {
  const reviewers = reviewersOf(next, { supervisorId: view.chatSupervisorId ?? null });
  const p2p = (to: string, text: string): OutMessage => ({
    kind: 'send',
    to: { type: 'open_id', id: to },
    msgType: 'text',
    content: { text },
    taskId: next.id,
  });
  if (action.kind === 'submit' && before.state !== 'submitted') {
    return approversOf(next, { supervisorId: view.chatSupervisorId ?? null, admins: view.chatAdmins ?? [] }).map((r) =>
      p2p(r, ctxT(view, 'task.notice.review', { n: next.number, title: titleText(next) })),
    );
  }
  if (action.kind === 'request_extension' && next.pendingExtension) {
    const due = formatDateTime(next.pendingExtension.dueAt, view);
    return reviewers.map((r) => p2p(r, ctxT(view, 'task.notice.extension', { n: next.number, title: titleText(next), due })));
  }
  return [];
}

/** The chat text that tells everyone what happened; null when the card update says enough. */
export function announcement(next: Task, before: Task, action: Action, actor: string, view: CardView): string | null {
  const n = next.number;
  const title = titleText(next);
  const due = next.dueAt ? formatDateTime(next.dueAt, view) : ctxT(view, 'task.due.none');
  const who = atText(actor, view);
  const lead = leadOf(next) ?? '';
  const reviewers = reviewersOf(next, { supervisorId: view.chatSupervisorId ?? null });
  const reviewerText = reviewers.map((r) => atText(r, view)).join(' ');
  const safe = (s: string | null | undefined) => (s ? escapeText(truncate(s, 300)) : '');
  switch (action.kind) {
    case 'accept':
      return ctxT(view, 'task.reply.accepted', { who, n, title });
    case 'progress':
      return ctxT(view, 'task.reply.progress', {
        n,
        percent: action.percent !== null ? ctxT(view, 'task.reply.percent_suffix', { percent: next.percent ?? 0 }) : '',
      });
    case 'submit': {
      const approvers = approversOf(next, { supervisorId: view.chatSupervisorId ?? null, admins: view.chatAdmins ?? [] });
      return ctxT(view, 'task.reply.submitted', { n, title, reviewer: approvers.map((r) => atText(r, view)).join(' ') });
    }
    case 'approve':
      return ctxT(view, 'task.reply.approved', {
        n,
        title,
        revisit: next.revisitAt ? ctxT(view, 'task.reply.approved_revisit', { at: formatDateTime(next.revisitAt, view) }) : '',
      });
    case 'reject':
      return ctxT(view, 'task.reply.returned', { n, lead: atText(lead, view), reason: safe(action.reason) });
    case 'request_extension':
      return ctxT(view, 'task.reply.extension_requested', {
        who,
        n,
        due: formatDateTime(action.dueAt, view),
        reason: safe(action.reason),
        reviewer: reviewerText,
      });
    case 'approve_extension':
      if (extensionLapsed(before, next)) {
        const requested = before.pendingExtension!;
        return ctxT(view, 'task.reply.extension_expired', {
          n,
          requested: formatDateTime(requested.dueAt, view),
          due,
          who: atText(requested.requestedBy, view),
        });
      }
      return ctxT(view, 'task.reply.extension_approved', {
        n,
        due,
        original: next.originalDueAt ? formatDateTime(next.originalDueAt, view) : due,
      });
    case 'reject_extension':
      return ctxT(view, 'task.reply.extension_rejected', {
        n,
        due,
        reason: action.reason ? ctxT(view, 'task.reply.reason_suffix', { reason: safe(action.reason) }) : '',
      });
    case 'chase':
      return ctxT(view, 'task.reply.chased', {
        n,
        title,
        lead: next.assignees.map((a) => atText(a.userId, view)).join(' '),
        due,
        note: action.note ? ctxT(view, 'task.reply.note_suffix', { note: safe(action.note) }) : '',
      });
    case 'cancel':
      return ctxT(view, 'task.reply.cancelled', {
        n,
        title,
        reason: action.reason ? ctxT(view, 'task.reply.reason_suffix', { reason: safe(action.reason) }) : '',
      });
    case 'attach':
      return ctxT(view, `task.reply.evidence_${action.evidence.type}`, { n, name: safe(action.evidence.name) });
    case 'change_due': {
      const reason = action.reason ? ctxT(view, 'task.reply.reason_suffix', { reason: safe(action.reason) }) : '';
      const left = dueText(next, view);
      if (next.extensionCount > before.extensionCount) {
        const original = next.originalDueAt ? formatDateTime(next.originalDueAt, view) : due;
        return ctxT(view, 'task.reply.due_extended', { n, title, due, left, original, reason });
      }
      return ctxT(view, 'task.reply.due_changed', { n, title, due, left, reason });
    }
    case 'reassign': {
      const from = leadOf(before);
      return ctxT(view, 'task.reply.reassigned', {
        n,
        title,
        to: atText(action.lead, view),
        from: from ? atText(from, view) : '',
        reason: action.reason ? ctxT(view, 'task.reply.reason_suffix', { reason: safe(action.reason) }) : '',
      });
    }
    case 'add_co':
    case 'remove_co':
      return ctxT(view, `task.reply.${action.kind === 'add_co' ? 'co_added' : 'co_removed'}`, {
        n,
        title,
        who: action.ids.map((id) => atText(id, view)).join(' '),
      });
    case 'edit':
      return action.field === 'title'
        ? ctxT(view, 'task.reply.edited_title', { n, title, previous: titleText(before) })
        : ctxT(view, 'task.reply.edited_detail', { n, title, text: safe(next.detail) });
  }
}
