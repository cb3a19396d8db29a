/**
 * 督办事项 state machine (SPEC §2; who may act is domain/roles.ts). Pure: data and `now` in, a Decision
 * (the task's new state plus the events to append) or a Refusal out. Handlers for typed
 * commands, replies and card buttons all go through `decide`, so a button cannot do what the
 * command would refuse.
 *
 *             签收/进展 (assignee)        办结 (lead)              通过 (creator/supervisor)
 *  assigned ───────────────▶ in_progress ───────────▶ submitted ─────────────────────▶ done
 *                            ◀───────────── 退回 (creator/supervisor)
 *     └──────────── 撤销 (creator/supervisor) ─────────────▶ cancelled
 *
 * @example decide(task, { kind: 'accept' }, 'ou_lead', now) // → { task: {...state:'in_progress'}, events: [accepted] }
 */
import { mayAct, rolesOf, type ChatRoles } from './roles.js';
import type { Assignee, Category, OriginMessage, Priority, Task, TaskEvent, TaskState } from './types.js';

export type Action =
  /** 签收; `reaction` when it was an emoji on the task card (kept in the ledger). */
  | { kind: 'accept'; reaction?: string }
  | { kind: 'progress'; text: string; percent: number | null }
  /** 办结, with the file or image it was sent with, kept as evidence. */
  | { kind: 'submit'; note: string | null; evidence?: Evidence }
  | { kind: 'approve'; revisitAt: Date | null }
  | { kind: 'reject'; reason: string }
  | { kind: 'request_extension'; dueAt: Date; reason: string }
  | { kind: 'approve_extension' }
  | { kind: 'reject_extension'; reason: string | null }
  | { kind: 'chase'; note: string | null }
  | { kind: 'cancel'; reason: string | null }
  /** A file, image or link an assignee replied to the task's card with, kept as evidence. */
  | { kind: 'attach'; evidence: Evidence }
  /** /改期: before the deadline it moves the basis for on-time; after it, it is an approved extension. */
  | { kind: 'change_due'; dueAt: Date; reason: string | null }
  /** /转办: a new 主办; the old one leaves the task. */
  | { kind: 'reassign'; lead: string; reason: string | null }
  | { kind: 'add_co'; ids: string[] }
  | { kind: 'remove_co'; ids: string[] }
  /** /修改 标题|详情. */
  | { kind: 'edit'; field: 'title' | 'detail'; text: string };

export interface Evidence {
  type: 'file' | 'image' | 'link';
  /** File name, or the link itself; empty for an image. */
  name: string;
  /** The message that carried it, and a link that opens it in Feishu. */
  messageId: string;
  link: string;
}

export type ActionKind = Action['kind'];

export const ACTION_KINDS: readonly ActionKind[] = [
  'accept',
  'progress',
  'submit',
  'approve',
  'reject',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'chase',
  'cancel',
  'attach',
  'change_due',
  'reassign',
  'add_co',
  'remove_co',
  'edit',
];

/** The edits: who does what by when, changed by whoever decides on the task; each shown on its cards. */
export const EDIT_KINDS: ReadonlySet<ActionKind> = new Set(['change_due', 'reassign', 'add_co', 'remove_co', 'edit']);

/** At most this many assignees on a task (the parser's limit for /交办 too). */
export const MAX_TASK_ASSIGNEES = 20;
/** How much of an edited text the card's 最近变更 line keeps (the ledger event keeps it all). */
const EDIT_NOTE_TEXT_MAX = 200;

export type RefusalCode =
  /** accept / progress / extension asked by someone who is not 主办 or 协办. */
  | 'not_assignee'
  /** 办结 by a 协办: only the 主办 submits. */
  | 'not_lead'
  /** approve / reject / extension decisions / chase / cancel by anyone else. */
  | 'not_creator_or_supervisor'
  /** 通过 / 退回 of a submission by one of its own assignees. */
  | 'own_submission'
  /** The action does not apply in the task's current state; params.state says which. */
  | 'wrong_state'
  | 'already_accepted'
  | 'already_done'
  | 'cancelled'
  | 'no_pending_extension'
  | 'extension_pending'
  /** A task without a deadline cannot be extended. */
  | 'no_due'
  /** The new deadline is not later than the current one. */
  | 'extension_not_later'
  | 'due_in_past'
  | 'revisit_in_past'
  | 'reason_required'
  | 'text_required'
  /** /改期 to the deadline it already has. */
  | 'due_unchanged'
  /** /转办 to the current 主办. */
  | 'same_lead'
  /** /加协办 of someone already on the task; params.userId says who. */
  | 'already_assignee'
  /** /减协办 of someone who is not a 协办 (the 主办 is changed with /转办); params.userId says who. */
  | 'not_co'
  | 'too_many_assignees'
  /** /修改 to the text it already has. */
  | 'text_unchanged';

export interface Refusal {
  refused: RefusalCode;
  params?: { state?: TaskState; dueAt?: Date; userId?: string; max?: number };
}

export interface Decision {
  /** The task's new state; `version` is left for the store to bump. */
  task: Task;
  events: Array<Omit<TaskEvent, 'taskId'>>;
}

/** What `decide` reads of the task's chat: its configured 督办领导 (domain/roles.ts supervisorOf). */
/** The chat's 督办领导, and its admins (they review a submission nobody else can: roles.approversOf). */
export type DecideContext = Pick<ChatRoles, 'supervisorId' | 'admins'>;

/**
 * Whether the task's extension request can still be granted: its date is later than now and
 * than the current deadline. A stale one lapses when decided and leaves the digests.
 */
export function extensionIsLive(task: Pick<Task, 'pendingExtension' | 'dueAt'>, now: Date): boolean {
  const p = task.pendingExtension;
  if (!p) return false;
  return p.dueAt.getTime() > now.getTime() && (!task.dueAt || p.dueAt.getTime() > task.dueAt.getTime());
}

export function isRefusal(r: Decision | Refusal): r is Refusal {
  return 'refused' in r;
}

/** The edges of the diagram, used by the property tests and by `decide` itself. */
export const ALLOWED_TRANSITIONS: ReadonlyArray<readonly [TaskState, TaskState]> = [
  ['assigned', 'in_progress'],
  ['in_progress', 'submitted'],
  ['submitted', 'in_progress'],
  ['submitted', 'done'],
  ['assigned', 'cancelled'],
  ['in_progress', 'cancelled'],
  ['submitted', 'cancelled'],
  // 回头看 found a problem (需要整改): a 整改 round (reopenForRework), not a decide() action.
  ['done', 'in_progress'],
];

/**
 * 回头看 answered 需要整改: the done task opens again for a 整改 round, its deadline the one set by
 * whoever answered (on time is judged against it), the requirement shown on its cards as the
 * reason it came back. One event: revisit_answered { holds: false, round, dueAt, note }.
 */
export function reopenForRework(task: Task, a: { dueAt: Date; note: string | null; round: number }, actor: string, now: Date): Decision | Refusal {
  if (task.state !== 'done') return refuse('wrong_state', { state: task.state });
  if (a.dueAt.getTime() <= now.getTime()) return refuse('due_in_past');
  const note = a.note?.trim() || null;
  const next: Task = {
    ...task,
    assignees: task.assignees.map((x) => ({ ...x })),
    state: 'in_progress',
    updatedAt: now,
    doneAt: null,
    submittedAt: null,
    revisitAt: null,
    pendingExtension: null,
    dueAt: a.dueAt,
    originalDueAt: a.dueAt,
    returned: { reason: note ?? '', by: actor, at: now, rework: a.round },
  };
  const payload = { holds: false, revisitAt: task.revisitAt?.toISOString() ?? null, round: a.round, dueAt: a.dueAt.toISOString(), note };
  return { task: next, events: [{ kind: 'revisit_answered', actorId: actor, payload, at: now }] };
}

const refuse = (refused: RefusalCode, params?: Refusal['params']): Refusal => (params ? { refused, params } : { refused });

/**
 * Applies `action` by `actor` at `now`. Order of checks: closed tasks first (nothing moves a
 * done or cancelled task), then who may act, then whether the action fits the state.
 */
export function decide(task: Task, action: Action, actor: string, now: Date, ctx: DecideContext): Decision | Refusal {
  if (task.state === 'done') return refuse('already_done');
  if (task.state === 'cancelled') return refuse('cancelled');

  const who = rolesOf(task, actor, ctx);
  const notAllowed = mayAct(who, action.kind);
  if (notAllowed) return refuse(notAllowed);
  const ev = (kind: TaskEvent['kind'], payload: Record<string, unknown> = {}) => ({ kind, actorId: actor, payload, at: now });
  const next: Task = { ...task, assignees: task.assignees.map((a) => ({ ...a })), updatedAt: now };

  /** 签收 of `actor`, explicit or implied by a progress report or 办结. */
  const signFor = (implied: boolean, reaction?: string): Array<Omit<TaskEvent, 'taskId'>> => {
    const me = next.assignees.find((a) => a.userId === actor);
    if (!me || me.acceptedAt) return [];
    me.acceptedAt = now;
    if (next.state === 'assigned') next.state = 'in_progress';
    if (!next.acceptedAt) next.acceptedAt = now;
    return [ev('accepted', implied ? { implied: true } : reaction ? { reaction } : {})];
  };

  switch (action.kind) {
    case 'attach': {
      const { type, name, messageId, link } = action.evidence;
      return { task: next, events: [...signFor(true), ev('evidence', { type, name: name.slice(0, 200), messageId, link })] };
    }
    case 'accept': {
      if (task.state === 'submitted') return refuse('wrong_state', { state: task.state });
      if (who.assignee!.acceptedAt) return refuse('already_accepted');
      return { task: next, events: signFor(false, action.reaction) };
    }
    case 'progress': {
      if (task.state === 'submitted') return refuse('wrong_state', { state: task.state });
      const text = action.text.trim();
      if (!text && action.percent === null) return refuse('text_required');
      const events = signFor(true);
      next.lastProgressAt = now;
      next.lastProgressText = text || null;
      if (action.percent !== null) next.percent = clampPercent(action.percent);
      // Each person keeps their own word: the lead's percent is not put on a co-assignee's text.
      const author = next.assignees.find((a) => a.userId === actor);
      if (author) {
        author.progress = {
          text,
          percent: action.percent !== null ? clampPercent(action.percent) : (author.progress?.percent ?? null),
          at: now,
        };
      }
      events.push(ev('progress', { text, percent: action.percent === null ? null : clampPercent(action.percent) }));
      return { task: next, events };
    }
    case 'submit': {
      if (task.state === 'submitted') return refuse('wrong_state', { state: task.state });
      const events = signFor(true);
      next.state = 'submitted';
      next.submittedAt = now;
      next.returned = null;
      if (action.evidence) {
        const { type, name, messageId, link } = action.evidence;
        events.push(ev('evidence', { type, name: name.slice(0, 200), messageId, link }));
      }
      events.push(ev('submitted', { note: action.note?.trim() || null }));
      return { task: next, events };
    }
    case 'approve': {
      if (task.state !== 'submitted') return refuse('wrong_state', { state: task.state });
      if (action.revisitAt && action.revisitAt.getTime() <= now.getTime()) return refuse('revisit_in_past');
      next.state = 'done';
      next.doneAt = now;
      next.revisitAt = action.revisitAt;
      next.pendingExtension = null;
      const onTime = task.originalDueAt ?? task.dueAt;
      return {
        task: next,
        events: [
          ev('approved', {
            revisitAt: action.revisitAt,
            onTime: onTime ? (task.submittedAt ?? now).getTime() <= onTime.getTime() : null,
          }),
        ],
      };
    }
    case 'reject': {
      if (task.state !== 'submitted') return refuse('wrong_state', { state: task.state });
      const reason = action.reason.trim();
      if (!reason) return refuse('reason_required');
      next.state = 'in_progress';
      next.submittedAt = null;
      next.returnCount = task.returnCount + 1;
      next.returned = { reason, by: actor, at: now };
      return { task: next, events: [ev('returned', { reason })] };
    }
    case 'request_extension': {
      if (task.state === 'submitted') return refuse('wrong_state', { state: task.state });
      if (task.pendingExtension && extensionIsLive(task, now)) return refuse('extension_pending', { dueAt: task.pendingExtension.dueAt });
      if (!task.dueAt) return refuse('no_due');
      if (action.dueAt.getTime() <= now.getTime()) return refuse('due_in_past');
      if (action.dueAt.getTime() <= task.dueAt.getTime()) return refuse('extension_not_later', { dueAt: task.dueAt });
      const reason = action.reason.trim();
      if (!reason) return refuse('reason_required');
      next.pendingExtension = { dueAt: action.dueAt, reason, requestedBy: actor, requestedAt: now };
      return { task: next, events: [ev('extension_requested', { dueAt: action.dueAt, reason, previousDueAt: task.dueAt })] };
    }
    case 'approve_extension': {
      const pending = task.pendingExtension;
      if (!pending) return refuse('no_pending_extension');
      // A request whose date has passed (or no longer extends anything) cannot be granted: it
      // lapses, and the assignee is asked to request again.
      if (!extensionIsLive(task, now)) {
        next.pendingExtension = null;
        return { task: next, events: [ev('extension_expired', { dueAt: pending.dueAt, requestedBy: pending.requestedBy })] };
      }
      next.originalDueAt = task.originalDueAt ?? task.dueAt;
      next.dueAt = pending.dueAt;
      next.pendingExtension = null;
      next.extensionCount = task.extensionCount + 1;
      return {
        task: next,
        events: [ev('extension_approved', { dueAt: pending.dueAt, previousDueAt: task.dueAt, requestedBy: pending.requestedBy })],
      };
    }
    case 'reject_extension': {
      const pending = task.pendingExtension;
      if (!pending) return refuse('no_pending_extension');
      next.pendingExtension = null;
      return {
        task: next,
        events: [ev('extension_rejected', { dueAt: pending.dueAt, reason: action.reason?.trim() || null, requestedBy: pending.requestedBy })],
      };
    }
    case 'chase': {
      // A submitted task waits on the reviewer, not on the assignees.
      if (task.state === 'submitted') return refuse('wrong_state', { state: task.state });
      next.chaseCount = task.chaseCount + 1;
      return { task: next, events: [ev('chased', { note: action.note?.trim() || null, manual: true })] };
    }
    case 'change_due': {
      if (task.dueAt && action.dueAt.getTime() === task.dueAt.getTime()) return refuse('due_unchanged', { dueAt: task.dueAt });
      if (action.dueAt.getTime() <= now.getTime()) return refuse('due_in_past');
      const reason = action.reason?.trim() || null;
      next.dueAt = action.dueAt;
      // Past the deadline the move is an extension the decider granted: on-time is still judged
      // against the deadline that was missed. Before it, the new date is the deadline, full stop.
      const overdue = task.dueAt !== null && task.dueAt.getTime() < now.getTime();
      if (overdue) {
        next.originalDueAt = task.originalDueAt ?? task.dueAt;
        next.extensionCount = task.extensionCount + 1;
        if (task.pendingExtension && !extensionIsLive(next, now)) next.pendingExtension = null;
        return edited(next, ev('extension_approved', { dueAt: action.dueAt, previousDueAt: task.dueAt, requestedBy: actor, rescheduled: true, reason }));
      }
      next.originalDueAt = action.dueAt;
      if (task.pendingExtension && !extensionIsLive(next, now)) next.pendingExtension = null;
      return edited(next, ev('due_changed', { dueAt: action.dueAt, previousDueAt: task.dueAt, reason }));
    }
    case 'reassign': {
      // A submission is the old lead's work, waiting for its review: decide it first.
      if (task.state === 'submitted') return refuse('wrong_state', { state: task.state });
      const from = task.assignees.find((a) => a.role === 'lead')?.userId ?? null;
      if (from === action.lead) return refuse('same_lead', { userId: action.lead });
      const co = next.assignees.filter((a) => a.role === 'co' && a.userId !== action.lead);
      next.assignees = [{ userId: action.lead, role: 'lead', acceptedAt: null }, ...co];
      return edited(next, ev('reassigned', { from, to: action.lead, reason: action.reason?.trim() || null }));
    }
    case 'add_co': {
      const ids = [...new Set(action.ids)];
      const already = ids.find((id) => task.assignees.some((a) => a.userId === id));
      if (already) return refuse('already_assignee', { userId: already });
      if (task.assignees.length + ids.length > MAX_TASK_ASSIGNEES) return refuse('too_many_assignees', { max: MAX_TASK_ASSIGNEES });
      next.assignees.push(...ids.map((userId) => ({ userId, role: 'co' as const, acceptedAt: null })));
      return edited(next, ev('co_added', { ids }));
    }
    case 'remove_co': {
      const ids = [...new Set(action.ids)];
      const stranger = ids.find((id) => !task.assignees.some((a) => a.userId === id && a.role === 'co'));
      if (stranger) return refuse('not_co', { userId: stranger });
      next.assignees = next.assignees.filter((a) => !ids.includes(a.userId));
      return edited(next, ev('co_removed', { ids }));
    }
    case 'edit': {
      const text = action.text.trim();
      if (!text && action.field === 'title') return refuse('text_required');
      const previous = action.field === 'title' ? task.title : task.detail;
      if ((previous ?? '') === text) return refuse('text_unchanged');
      if (action.field === 'title') next.title = text;
      else next.detail = text || null;
      return edited(next, ev('edited', { field: action.field, text, previous: previous ?? null }));
    }
    case 'cancel': {
      next.state = 'cancelled';
      next.cancelledAt = now;
      next.pendingExtension = null;
      return { task: next, events: [ev('cancelled', { reason: action.reason?.trim() || null })] };
    }
  }
}

/** An edit's decision: its one event, also kept on the task (texts shortened) for the cards' 最近变更. */
function edited(next: Task, event: Omit<TaskEvent, 'taskId'>): Decision {
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event.payload)) {
    payload[k] = typeof v === 'string' && [...v].length > EDIT_NOTE_TEXT_MAX ? `${[...v].slice(0, EDIT_NOTE_TEXT_MAX).join('')}…` : v;
  }
  next.lastEdit = { kind: event.kind, actorId: event.actorId, payload, at: event.at };
  return { task: next, events: [event] };
}

function clampPercent(p: number): number {
  return Math.max(0, Math.min(100, Math.round(p)));
}

export interface NewTaskInput {
  tenantKey: string;
  number: number;
  title: string;
  detail?: string | null;
  category: Category | null;
  source: string | null;
  priority: Priority;
  creatorId: string;
  supervisorId: string | null;
  chatId: string;
  leadId: string;
  coIds: string[];
  dueAt: Date | null;
  /** How a deadline given in working days was counted: kept so an imported holiday schedule can recount it. */
  dueRule?: DueRule | null;
  /** The chat message the task was made from (a /交办 replying to it with no title). */
  origin?: OriginMessage | null;
  now: Date;
}

/**
 * The task as assigned by /交办, with its first ledger event. The first mentioned person is
 * 主办, the rest 协办; a person mentioned twice is kept once, in the first role given.
 * `id` is 0 until the store assigns one.
 */
/** A deadline of `workdays` working days after `from` (a local date), at `time` that day. */
export interface DueRule {
  workdays: number;
  from: string;
  time: string;
}

export function newTask(input: NewTaskInput): Decision {
  const seen = new Set<string>();
  const assignees: Assignee[] = [];
  for (const [userId, role] of [[input.leadId, 'lead'] as const, ...input.coIds.map((id) => [id, 'co'] as const)]) {
    if (seen.has(userId)) continue;
    seen.add(userId);
    assignees.push({ userId, role, acceptedAt: null });
  }
  const task: Task = {
    id: 0,
    tenantKey: input.tenantKey,
    number: input.number,
    title: input.title,
    detail: input.detail ?? null,
    category: input.category,
    source: input.source,
    priority: input.priority,
    state: 'assigned',
    creatorId: input.creatorId,
    supervisorId: input.supervisorId,
    chatId: input.chatId,
    assignees,
    dueAt: input.dueAt,
    originalDueAt: input.dueAt,
    revisitAt: null,
    percent: null,
    lastProgressAt: null,
    lastProgressText: null,
    pendingExtension: null,
    extensionCount: 0,
    returnCount: 0,
    chaseCount: 0,
    createdAt: input.now,
    updatedAt: input.now,
    acceptedAt: null,
    submittedAt: null,
    doneAt: null,
    cancelledAt: null,
    ...(input.origin ? { origin: input.origin } : {}),
    cardMessageId: null,
    cardSentAt: null,
    version: 0,
  };
  return {
    task,
    events: [
      {
        kind: 'assigned',
        actorId: input.creatorId,
        at: input.now,
        payload: {
          number: input.number,
          title: input.title,
          lead: input.leadId,
          co: assignees.filter((a) => a.role === 'co').map((a) => a.userId),
          dueAt: input.dueAt,
          ...(input.dueRule ? { dueRule: input.dueRule } : {}),
          ...(input.origin ? { origin: input.origin.messageId } : {}),
          priority: input.priority,
          category: input.category,
          source: input.source,
          supervisorId: input.supervisorId,
        },
      },
    ],
  };
}
