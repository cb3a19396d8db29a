/**
 * /台账 /ledger [本月|本年|全部]: exports the 督查台账 as an .xlsx into the chat (SPEC §6).
 *
 * Who: in a group, the chat's admins (owner), its 督办领导, its configured assigners, and anyone
 * who assigned or supervises a task there — the people who answer for the chat's work; the
 * export covers the chat's tasks. In p2p, anyone, covering the tasks they created or supervise.
 * Period: every task open at any time this month / this year (carried-over work too), and those
 * created or closed in it; or all of them.
 *
 * The answer says how many tasks are coming; the workbook is built after the webhook has been
 * answered (deps.defer), so 10,000 tasks never hold up Lark's 3-second window, and it goes out
 * through the outbox as a file message (uploaded, then sent). It is read and written in pages
 * (ledgerWorkbook): bounded memory and short queries for a ledger of any size. A workbook
 * over Lark's 30 MB file limit, or with more content than the runtime's writer takes (checked
 * page by page before each goes in), is not queued; the chat is told to export a shorter period.
 */
import type { BotContext } from '../bot/context.js';
import { periodOf } from '../bot/domain/figures.js';
import { eventLogRows, ledgerRows } from '../bot/domain/ledger.js';
import { readsOfTasks } from '../db/reads.js';
import { lightOf } from '../bot/domain/light.js';
import { mayExportLedger } from '../bot/domain/roles.js';
import type { Lang, OutMessage, Recipient } from '../bot/domain/types.js';
import { t } from '../bot/i18n.js';
import { LedgerTooLargeError, writeLedgerXlsx } from '../bot/ledger-xlsx.js';
import type { CommandHandler } from '../bot/router.js';
import { settingsOf } from '../db/chats.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import { commitChange } from '../db/commit.js';
import { listChats, loadDirectory } from '../db/figures.js';
import { countLedgerTasks, hasTaskAnsweredBy, ledgerEventPages, ledgerTaskPages, type LedgerScope, type LedgerTaskRow } from '../db/ledger.js';
import type { Deps } from '../bot/deps.js';
import { ruleText } from '../bot/cards/series.js';
import { rulesOfTasks } from '../db/series.js';

async function mayExport(ctx: BotContext): Promise<boolean> {
  if (ctx.chatType === 'p2p') return mayExportLedger(ctx.actor, { p2p: true });
  const chat = await settingsForDecision(ctx.deps, ctx.tenantKey, ctx.chatId!);
  const answersForATaskThere = await hasTaskAnsweredBy(ctx.deps.db, ctx.tenantKey, ctx.chatId!, ctx.actor);
  return mayExportLedger(ctx.actor, { p2p: false, chat, answersForATaskThere });
}

export const ledger: CommandHandler<'ledger'> = async (ctx, cmd) => {
  if (!ctx.chatId) return;
  if (!(await mayExport(ctx))) return ctx.reply(ctx.t('ledger_not_allowed'));
  const { deps, tenantKey, now, lang } = ctx;
  const range = cmd.period === 'all' ? null : periodOf(cmd.period, now, deps.calendar);
  const scope: LedgerScope = {
    tenantKey,
    ...(ctx.chatType === 'p2p' ? { ownerId: ctx.actor } : { chatId: ctx.chatId }),
    ...(range ? { from: range.from, to: range.to } : {}),
  };
  const periodLabel = ctx.t(`ledger_period_${cmd.period}`);
  const n = await countLedgerTasks(deps.db, scope);
  if (n === 0) {
    // In p2p the ledger is of the tasks one assigned or supervises: someone with none is told so.
    const ownsAny = ctx.chatType !== 'p2p' || (range ? (await countLedgerTasks(deps.db, { tenantKey, ownerId: ctx.actor })) > 0 : false);
    return ctx.reply(ctx.t(ownsAny ? 'ledger_empty' : 'ledger_not_allowed_p2p', { period: periodLabel }));
  }
  ctx.reply(ctx.t('ledger_started', { n }));
  const to: Recipient = { type: 'chat_id', id: ctx.chatId };
  const fileName = t(lang, 'ledger_file_name', { period: periodLabel, date: deps.calendar.localDate(now) });
  deps.defer(() => exportLedger(deps, { scope, to, fileName, lang, now }));
};

/** Lark takes files of at most 30 MB (im/v1/files). */
export const LEDGER_MAX_BYTES = 30 * 1024 * 1024;

export interface LedgerJob {
  scope: LedgerScope;
  to: Recipient;
  fileName: string;
  lang: Lang;
  now: Date;
}

export interface LedgerExportOptions {
  /** Tasks read and written per page (default LEDGER_PAGE_SIZE). */
  pageSize?: number;
  /** The largest file sent (default LEDGER_MAX_BYTES); a larger one is refused with a message. */
  maxBytes?: number;
  /** The most content the workbook takes (default the writer's bound, bot/ledger-xlsx.ts MAX_CONTENT_BYTES). */
  maxContentBytes?: number;
}

/** Builds the workbook and queues it as a file message; a failure is logged and told to the chat. */
export async function exportLedger(deps: Deps, job: LedgerJob, opts: LedgerExportOptions = {}): Promise<void> {
  const { scope, to, fileName, lang, now } = job;
  let message: OutMessage;
  try {
    const bytes = await ledgerWorkbook(deps, job, opts);
    message = { kind: 'file', to, fileName, bytes };
  } catch (err) {
    const tooLarge = err instanceof LedgerTooLargeError;
    if (tooLarge) deps.log.warn({ job: 'ledger', max_bytes: err.maxBytes, bound: err.bound }, 'ledger export too large');
    else deps.log.error({ err, job: 'ledger' }, 'ledger export failed');
    const mb = tooLarge ? Math.round((err.maxBytes / 2 ** 20) * 10) / 10 : 0;
    const text = tooLarge ? t(lang, err.bound === 'file' ? 'ledger_too_large' : 'ledger_too_much', { mb }) : t(lang, 'ledger_failed');
    message = { kind: 'send', to, msgType: 'text', content: { text } };
  }
  await commitChange(deps.db, { tenantKey: scope.tenantKey, now, messages: [message] });
  deps.kickOutbox();
}

/**
 * The .xlsx of a ledger export, read and written a page of tasks at a time: first every page
 * of tasks into sheet 督查台账, then every page of events into 事件日志 (the same tasks: those
 * numbered up to the last one the first pass wrote). Memory stays at a page plus the file,
 * and each query is short, whatever the size of the ledger. Throws LedgerTooLargeError past
 * `maxBytes`.
 */
export async function ledgerWorkbook(
  deps: Pick<Deps, 'db' | 'calendar' | 'config'>,
  job: Omit<LedgerJob, 'to' | 'fileName'>,
  opts: LedgerExportOptions = {},
): Promise<Uint8Array> {
  const { scope, lang, now } = job;
  const directory = await loadDirectory(deps.db, scope.tenantKey);
  const settings = new Map((await listChats(deps.db, scope.tenantKey)).map((c) => [c.chatId, settingsOf(c)]));
  const nameOf = (id: string) => (id === 'bot' ? t(lang, 'ledger_bot') : (directory.names[id] ?? id));
  const light = (task: LedgerTaskRow) => lightOf(task, now, deps.calendar, settings.get(task.chatId) ?? settingsOf(null));
  let written = 0;
  let lastNumber = 0;
  async function* rows() {
    for await (const page of ledgerTaskPages(deps.db, scope, { pageSize: opts.pageSize })) {
      // 周期: the rule of each instance's series, in words.
      const rules = await rulesOfTasks(
        deps.db,
        page.tasks.map((task) => task.id),
      );
      const seriesOf = new Map(page.tasks.flatMap((task) => (rules.has(task.id) ? [[task.number, ruleText(rules.get(task.id)!, lang)] as const] : [])));
      const reads = await readsOfTasks(
        deps.db,
        page.tasks.map((task) => task.id),
      );
      yield ledgerRows({
        tasks: page.tasks,
        events: page.events,
        now,
        nameOf,
        lightOf: light,
        firstIndex: written + 1,
        lang,
        readOf: (task) => reads.get(task.id)?.chase,
      }).map((r) => (seriesOf.has(r.number) ? { ...r, series: seriesOf.get(r.number)! } : r));
      written += page.tasks.length;
      lastNumber = page.tasks[page.tasks.length - 1]!.number;
    }
  }
  async function* events() {
    if (written === 0) return;
    for await (const page of ledgerEventPages(deps.db, scope, { pageSize: opts.pageSize, maxNumber: lastNumber })) {
      yield eventLogRows(page.tasks, page.events, nameOf, { lang, when: (d) => `${deps.calendar.localDate(d)} ${deps.calendar.localTime(d)}` });
    }
  }
  return writeLedgerXlsx({ rows: rows(), events: events() }, lang, {
    timeZone: deps.config.DUBAN_TZ,
    maxBytes: opts.maxBytes ?? LEDGER_MAX_BYTES,
    ...(opts.maxContentBytes ? { maxContentBytes: opts.maxContentBytes } : {}),
  });
}
