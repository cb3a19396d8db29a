/**
 * Batch intake from a sheet (分解立项): someone who may assign sends an .xlsx or .csv in the
 * group — or replies to one with /导入 — and gets a preview card; 确认导入 creates every ready
 * row in one transaction with one summary in the group and one list to each assignee in p2p.
 * /导入 模板 sends the empty template.
 *
 * The file is fetched through Lark's message-resource API (bot/lark port: im/v1 message-resource
 * get, scope im:message, at most 100 MB there and MAX_INTAKE_BYTES here), after the event was
 * answered (deps.defer): reading a sheet never holds up the backlog. Nothing is stored between
 * the preview and the click: the confirmation reads the same file message again (its chat and
 * file key re-checked), plans again, and claims `import:<tenant>:<file message>` in the same
 * transaction as the tasks, so a second click — or a second confirmation of a stale preview —
 * creates nothing. Which rows are already present is asked again inside that transaction.
 */
import type { BotContext, CardAnswer } from '../bot/context.js';
import { readImportValue } from '../bot/cards/payload.js';
import { intakeAssigneeCard, intakeClosedCard, intakePreviewCard, type IntakeRef } from '../bot/cards/intake.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import type { Deps } from '../bot/deps.js';
import {
  MAX_INTAKE_BYTES,
  mapColumns,
  normalizeCell,
  planIntake,
  rowIdentity,
  type IntakePlan,
  type SheetTable,
  type TaskDraft,
} from '../bot/domain/intake.js';
import { mayAssign } from '../bot/domain/roles.js';
import { newTask } from '../bot/domain/task.js';
import type { Lang, OutMessage, Task } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import { t } from '../bot/i18n.js';
import { readSheet, SheetError, sheetKindOf, templateXlsx, type SheetKind } from '../bot/intake-sheet.js';
import { LarkApiError, ResourceTooLargeError, type LarkChatMember } from '../bot/lark/api.js';
import type { CardActionHandler, CommandHandler, FileHandler } from '../bot/router.js';
import { getChat, settingsOf } from '../db/chats.js';
import { commitBatch, commitChange } from '../db/commit.js';
import { importClaimed, presentTasks } from '../db/intake.js';

/** `/导入 模板` anywhere; `/导入` as a reply to a sheet in a group. */
export const importCommand: CommandHandler<'import'> = async (ctx, cmd, event) => {
  if (cmd.template) {
    ctx.reply(ctx.t('intake.template_sent'));
    const to = event.chatType === 'p2p' ? ({ type: 'open_id', id: ctx.actor } as const) : ({ type: 'chat_id', id: event.chatId } as const);
    ctx.send({ kind: 'file', to, fileName: ctx.t('intake.template_file_name'), bytes: await templateXlsx(ctx.lang) });
    return;
  }
  if (event.chatType === 'p2p') return ctx.reply(ctx.t('intake.group_only'));
  await requireAssigner(ctx, event.chatId);
  if (!event.parentId) return ctx.reply(ctx.t('intake.no_file'));
  let parent;
  try {
    parent = await ctx.deps.lark.getMessage(event.parentId);
  } catch (err) {
    return ctx.reply(ctx.t('intake.download_failed', { reason: reasonOf(err) }));
  }
  const fileKey = parent.content?.file_key;
  const fileName = typeof parent.content?.file_name === 'string' ? parent.content.file_name : '';
  if (parent.chatId !== event.chatId || parent.msgType !== 'file' || typeof fileKey !== 'string') return ctx.reply(ctx.t('intake.no_file'));
  const kind = sheetKindOf(fileName);
  if (!kind) return ctx.reply(ctx.t('intake.not_sheet', { name: fileName }));
  startPreview(ctx, event.chatId, kind, { messageId: parent.messageId, fileKey, fileName }, false);
};

/**
 * A file sent as a message. In p2p every file reaches the bot; in a group only with the scope
 * to read all group messages (im:message.group_msg) — there a sheet from someone who may not
 * assign, or one without the intake columns, is left alone (people share spreadsheets).
 */
export const fileMessage: FileHandler = async (ctx, event) => {
  const a = event.attachment;
  if (a?.type !== 'file') return false;
  const kind = sheetKindOf(a.name);
  if (!kind) return false;
  if (event.chatType === 'p2p') {
    ctx.reply(ctx.t('intake.group_only'));
    return true;
  }
  const settings = await settingsForDecision(ctx.deps, ctx.tenantKey, event.chatId);
  if (!mayAssign(ctx.actor, settings)) return true;
  startPreview(ctx, event.chatId, kind, { messageId: event.messageId, fileKey: a.key, fileName: a.name }, true);
  return true;
};

async function requireAssigner(ctx: BotContext, chatId: string): Promise<void> {
  const settings = await settingsForDecision(ctx.deps, ctx.tenantKey, chatId);
  if (!mayAssign(ctx.actor, settings)) throw new UserError('intake.not_allowed');
}

const reasonOf = (err: unknown): string =>
  err instanceof LarkApiError ? (err.code > 0 ? String(err.code) : err.status ? `HTTP ${err.status}` : 'network') : 'error';

interface Job {
  deps: Deps;
  tenantKey: string;
  chatId: string;
  actor: string;
  lang: Lang;
  now: Date;
  /** The message the answer replies to. */
  replyTo: string;
}

function startPreview(ctx: BotContext, chatId: string, kind: SheetKind, ref: IntakeRef, quiet: boolean): void {
  const job: Job = {
    deps: ctx.deps,
    tenantKey: ctx.tenantKey,
    chatId,
    actor: ctx.actor,
    lang: ctx.lang,
    now: ctx.now,
    replyTo: ctx.messageId ?? ref.messageId,
  };
  ctx.deps.defer(() => preview(job, kind, ref, quiet));
}

/** The answer of a job: one reply to its message, committed on its own (the event was answered before). */
async function answer(job: Job, content: { text: string } | { card: Record<string, unknown> }): Promise<void> {
  const message: OutMessage =
    'text' in content
      ? { kind: 'reply', messageId: job.replyTo, chatId: job.chatId, msgType: 'text', content: { text: content.text } }
      : { kind: 'reply', messageId: job.replyTo, chatId: job.chatId, msgType: 'interactive', content: content.card };
  await commitChange(job.deps.db, { tenantKey: job.tenantKey, now: job.now, messages: [message] });
  job.deps.kickOutbox();
}

interface Read {
  table: SheetTable;
  plan: IntakePlan;
  members: LarkChatMember[];
}

/** Downloads, reads and plans the sheet; a sentence (already translated) when it cannot. */
async function readAndPlan(job: Job, kind: SheetKind, ref: IntakeRef, quiet: boolean): Promise<Read | { text: string } | null> {
  const { deps, lang } = job;
  let table: SheetTable;
  try {
    const bytes = await deps.lark.downloadResource(ref.messageId, ref.fileKey, 'file', MAX_INTAKE_BYTES);
    table = await readSheet(kind, bytes);
  } catch (err) {
    if (err instanceof ResourceTooLargeError) return { text: t(lang, 'intake.file.too_large', { mb: MAX_INTAKE_BYTES / 2 ** 20 }) };
    if (err instanceof SheetError) return { text: t(lang, `intake.file.${err.key}`, err.params) };
    if (err instanceof LarkApiError) return { text: t(lang, 'intake.download_failed', { reason: reasonOf(err) }) };
    throw err;
  }
  const cols = mapColumns(table.header);
  if (cols.missing.length)
    return quiet ? null : { text: t(lang, 'intake.columns_missing', { columns: cols.missing.map((c) => t(lang, `intake.column.${c}`)).join('、') }) };
  if (cols.twice.length) return { text: t(lang, 'intake.columns_twice', { columns: [...new Set(cols.twice)].join('、') }) };
  if (table.rows.length === 0) return { text: t(lang, 'intake.no_rows', { name: ref.fileName }) };
  let members: LarkChatMember[];
  try {
    members = await deps.lark.listChatMembers(job.chatId);
  } catch (err) {
    return { text: t(lang, 'intake.download_failed', { reason: reasonOf(err) }) };
  }
  const at = (col: number | undefined, cells: SheetTable['rows'][number]['cells']) => (col === undefined ? '' : normalizeCell(cells[col]?.text ?? ''));
  const numbers = table.rows.map((r) => Number(at(cols.columns.number, r.cells).replace(/^#/, ''))).filter((n) => Number.isSafeInteger(n) && n > 0);
  const titles = table.rows.map((r) => at(cols.columns.title, r.cells)).filter(Boolean);
  const present = await presentTasks(deps.db, job.tenantKey, { numbers, titles });
  const settings = settingsOf(await getChat(deps.db, job.chatId));
  const plan = planIntake(table, { members, present, time: { now: job.now, calendar: deps.calendar, endOfDay: settings.endOfDay, lang } });
  return { table, plan, members };
}

function viewOf(job: Job, members: readonly LarkChatMember[]) {
  const names = new Map(members.map((m) => [m.openId, m.name]));
  return { lang: job.lang, tz: job.deps.config.DUBAN_TZ, now: job.now, nameOf: (id: string) => names.get(id) || id };
}

async function preview(job: Job, kind: SheetKind, ref: IntakeRef, quiet: boolean): Promise<void> {
  try {
    const read = await readAndPlan(job, kind, ref, quiet);
    if (!read) return;
    if ('text' in read) return answer(job, read);
    const view = viewOf(job, read.members);
    await answer(job, { card: intakePreviewCard(read.plan, ref, view.nameOf(job.actor), view, { gbk: read.table.gbk }) });
  } catch (err) {
    job.deps.log.error({ err, job: 'intake' }, 'intake preview failed');
    await answer(job, { text: t(job.lang, 'intake.failed') }).catch(() => {});
  }
}

function refOf(value: Record<string, unknown>): { messageId: string; fileKey: string; n: number; name: string } {
  const press = readImportValue(value);
  if (!press) throw new UserError('card_unknown_action');
  return { messageId: press.messageId, fileKey: press.fileKey, n: press.ready, name: press.fileName };
}

/** 确认导入: the preview's buttons go at once; the import runs after the answer and posts its summary. */
export const confirmImport: CardActionHandler = async (ctx, event): Promise<CardAnswer> => {
  const ref = refOf(event.value);
  if (!ctx.chatId || !event.messageId) throw new UserError('card_unknown_action');
  await requireAssigner(ctx, ctx.chatId);
  const job: Job = { deps: ctx.deps, tenantKey: ctx.tenantKey, chatId: ctx.chatId, actor: ctx.actor, lang: ctx.lang, now: ctx.now, replyTo: event.messageId };
  ctx.deps.defer(() => runImport(job, ref));
  return {
    toast: { type: 'info', content: ctx.t('intake.toast.importing') },
    card: {
      type: 'raw',
      data: intakeClosedCard(ctx.t('intake.preview.title', { name: ref.name }), ctx.t('intake.importing', { n: ref.n })),
    } as unknown as Record<string, unknown>,
  };
};

export const cancelImport: CardActionHandler = async (ctx, event): Promise<CardAnswer> => {
  const ref = refOf(event.value);
  if (!ctx.chatId) throw new UserError('card_unknown_action');
  await requireAssigner(ctx, ctx.chatId);
  return {
    toast: { type: 'info', content: ctx.t('intake.toast.cancelled') },
    card: {
      type: 'raw',
      data: intakeClosedCard(ctx.t('intake.preview.title', { name: ref.name }), ctx.t('intake.cancelled', { name: ref.name })),
    } as unknown as Record<string, unknown>,
  };
};

async function runImport(job: Job, ref: { messageId: string; fileKey: string }): Promise<void> {
  const { deps, lang } = job;
  try {
    let parent;
    try {
      parent = await deps.lark.getMessage(ref.messageId);
    } catch (err) {
      return answer(job, { text: t(lang, 'intake.download_failed', { reason: reasonOf(err) }) });
    }
    const fileName = typeof parent.content?.file_name === 'string' ? parent.content.file_name : '';
    const kind = sheetKindOf(fileName);
    if (parent.chatId !== job.chatId || parent.content?.file_key !== ref.fileKey || !kind) return answer(job, { text: t(lang, 'intake.file_changed') });
    if (await importClaimed(deps.db, importKey(job, ref))) return answer(job, { text: t(lang, 'intake.already_done', { name: fileName }) });
    const read = await readAndPlan(job, kind, { ...ref, fileName }, false);
    if (!read) return;
    if ('text' in read) return answer(job, read);
    const { plan } = read;
    const view = viewOf(job, read.members);
    const who = view.nameOf(job.actor);
    const drafts = plan.rows.flatMap((r) => (r.status === 'ready' ? [r.draft] : []));
    if (drafts.length === 0) return answer(job, { text: t(lang, 'intake.done_none', { name: fileName, present: plan.present, problems: plan.problems }) });
    const chatName = (await getChat(deps.db, job.chatId))?.name || t(lang, 'intake.chat_fallback');
    let skipped = 0;
    const started = performance.now();
    const saved = await commitBatch(deps.db, {
      tenantKey: job.tenantKey,
      now: job.now,
      claims: [{ key: importKey(job, ref), kind: 'import' }],
      build: async (tx) => {
        // Asked again inside the transaction: a task created since the preview is not doubled.
        const present = await presentTasks(tx, job.tenantKey, { numbers: [], titles: drafts.map((d) => d.title) });
        const fresh = drafts.filter((d) => !present.byIdentity.has(rowIdentity(d)));
        skipped = drafts.length - fresh.length;
        return fresh.map((d) => newTaskOf(job, d));
      },
      messages: (tasks) =>
        tasks.length ? summaryMessages(job, tasks, { fileName, who, chatName, present: plan.present + skipped, problems: plan.problems }) : [],
    });
    if (saved === undefined) return answer(job, { text: t(lang, 'intake.already_done', { name: fileName }) });
    if (saved.length === 0)
      return answer(job, { text: t(lang, 'intake.done_none', { name: fileName, present: plan.present + skipped, problems: plan.problems }) });
    deps.kickOutbox();
    deps.log.info(
      {
        job: 'intake',
        chat_id: job.chatId,
        created: saved.length,
        present: plan.present + skipped,
        problems: plan.problems,
        commit_ms: Math.round(performance.now() - started),
      },
      'sheet imported',
    );
  } catch (err) {
    deps.log.error({ err, job: 'intake' }, 'intake import failed');
    await answer(job, { text: t(lang, 'intake.failed') }).catch(() => {});
  }
}

/** The claim of one file message's import: taken with its tasks, so it is imported once. */
const importKey = (job: Pick<Job, 'tenantKey'>, ref: { messageId: string }) => `import:${job.tenantKey}:${ref.messageId}`;

function newTaskOf(job: Job, d: TaskDraft) {
  const cal = job.deps.calendar;
  const { task, events } = newTask({
    tenantKey: job.tenantKey,
    number: 0,
    title: d.title,
    detail: d.detail,
    category: d.category,
    source: d.source,
    priority: 'normal',
    creatorId: job.actor,
    supervisorId: d.supervisorId,
    chatId: job.chatId,
    leadId: d.leadId,
    coIds: d.coIds,
    dueAt: d.dueAt,
    dueRule: d.dueAt && d.dueWorkdays ? { workdays: d.dueWorkdays, from: cal.localDate(job.now), time: cal.localTime(d.dueAt) } : null,
    now: job.now,
  });
  return { task, events };
}

/** One summary in the group (a reply to the preview), and one list per assignee in p2p. */
function summaryMessages(
  job: Job,
  tasks: readonly Task[],
  o: { fileName: string; who: string; chatName: string; present: number; problems: number },
): OutMessage[] {
  const { lang } = job;
  const numbers = tasks.map((x) => x.number);
  const text = t(lang, 'intake.done', {
    name: o.fileName,
    n: tasks.length,
    first: Math.min(...numbers),
    last: Math.max(...numbers),
    who: o.who,
    present: o.present ? t(lang, 'intake.done_present', { n: o.present }) : '',
    problems: o.problems ? t(lang, 'intake.done_problems', { n: o.problems }) : '',
  });
  const out: OutMessage[] = [{ kind: 'reply', messageId: job.replyTo, chatId: job.chatId, msgType: 'text', content: { text } }];
  const byPerson = new Map<string, Task[]>();
  for (const task of tasks) for (const a of task.assignees) byPerson.set(a.userId, [...(byPerson.get(a.userId) ?? []), task]);
  const view = { lang, tz: job.deps.config.DUBAN_TZ, now: job.now };
  for (const [person, list] of byPerson) {
    out.push({
      kind: 'send',
      to: { type: 'open_id', id: person },
      msgType: 'interactive',
      content: intakeAssigneeCard(list, person, o.who, o.chatName, view),
      purpose: 'other',
    });
  }
  return out;
}
