/**
 * Digest cards, Lark card JSON 2.0 (SPEC §5): the weekly summary posted into each group, the
 * leader digest sent p2p to each subscribed leader, and the /统计 card. Pure: figures in,
 * card JSON out. Every piece of user text (titles, names, chat names) goes through escape.ts.
 *
 * The leader card puts exceptions first — newly overdue, waiting for the leader's review,
 * extension requests — each with one-tap buttons whose payload `{ a, task, n }` is the same
 * the task cards use (handlers/card-actions.ts reloads the task and re-checks permission).
 * Then the per-chat and per-department tables, a VChart bar chart of done vs overdue per
 * department and a line of the on-time rate over the last 8 weeks.
 *
 * Lark refuses cards over 30 KB: lists are capped with "…and N more", tables keep their
 * largest rows, and `fitDigestCard` trims table rows further when a card still does not fit.
 */
import { t, type KeyTail } from '../i18n.js';
import type { Assignee, Lang } from '../domain/types.js';
import type { Counts, DueItem, Figures, RedItem, ReviewItem, WeekRate } from '../domain/figures.js';
import { personProgress } from '../domain/ledger.js';
import { scoreFormula, scoreOf } from '../domain/score.js';
import { escapeInline, plainText, truncate } from './escape.js';
import { CARD_MAX_BYTES, cardBytes } from './size.js';
import { shortDate, shortDateTime } from './time.js';
import { taskValue } from './payload.js';
import { button as cardButton, buttonRow, md, shell, type Card } from './primitives.js';

export { cardBytes };
/** A digest card's limit: the request body's (size.ts). */
export const DIGEST_CARD_MAX_BYTES = CARD_MAX_BYTES;
const TITLE_SHOWN = 40;
const RED_SHOWN = 15;
const DUE_SHOWN = 10;
const EXCEPTIONS_SHOWN = 12;

/**
 * How many items of each list the cards show (the rest is "…and N more"): a digest built from
 * streamed tasks keeps only these many of each (FigureTally limits, LeaderDigestInput lists).
 */
export const DIGEST_SHOWN = { red: RED_SHOWN, dueNextWeek: DUE_SHOWN, exceptions: EXCEPTIONS_SHOWN } as const;
const TABLE_ROWS_MAX = 60;
const CHART_DEPARTMENTS_MAX = 12;

export interface DigestView {
  lang: Lang;
  /** The office's zone (DUBAN_TZ), for dates shown. */
  tz: string;
  now: Date;
  /** open_id → display name. */
  names?: Record<string, string>;
  /** chat_id → chat name. */
  chatNames?: Record<string, string>;
  /** department id → name. */
  departmentNames?: Record<string, string>;
  /** task id → its assignees who reported progress (each person's latest word), for the tasks listed. */
  progress?: ReadonlyMap<number, readonly Assignee[]>;
}

/** Characters of each person's latest word a digest line shows. */
const PROGRESS_SHOWN = 40;
/** People whose word a digest line shows (the lead first). */
const PROGRESS_PEOPLE = 3;

/**
 * The line under a listed task: each person's latest word with their name, the lead's with its
 * percent (bot/domain/ledger.ts personProgress); '' when nobody reported.
 */
function progressSuffix(taskId: number, view: DigestView): string {
  const people = view.progress?.get(taskId);
  if (!people?.length) return '';
  const shown = people
    .slice(0, PROGRESS_PEOPLE)
    .map((a) => (a.progress ? { ...a, progress: { ...a.progress, text: truncate(a.progress.text, PROGRESS_SHOWN) } } : a));
  const text = personProgress({ assignees: shown }, (u) => personName(u, view), view.lang);
  return text ? `\n  ${t(view.lang, 'digest_progress', { text: escapeInline(text) })}` : '';
}

// ───────────────────────── formatting ─────────────────────────

export function rateText(rate: number | null, lang: Lang): string {
  return rate === null ? t(lang, 'digest_rate_na') : `${Math.round(rate * 100)}%`;
}

function personName(openId: string | null, view: DigestView): string {
  if (!openId) return t(view.lang, 'digest_none');
  return view.names?.[openId] ?? openId;
}
function chatName(chatId: string, view: DigestView): string {
  return view.chatNames?.[chatId] ?? chatId;
}
function departmentName(id: string, view: DigestView): string {
  return id === '' ? t(view.lang, 'digest_no_department') : (view.departmentNames?.[id] ?? id);
}
const titleMd = (title: string) => escapeInline(truncate(title, TITLE_SHOWN));

const hr = (): Card => ({ tag: 'hr' });
/** Digest buttons are small: several sit on one line under each exception. */
const button = (label: string, value: Record<string, unknown>, type: 'primary' | 'default' = 'default'): Card =>
  cardButton(label, value, type, { size: 'small' });

function digestShell(title: string, template: string, elements: Card[]): Card {
  return shell({ title: { tag: 'plain_text', content: plainText(title, 120) }, template }, elements);
}

// ───────────────────────── shared blocks ─────────────────────────

export function figureLines(c: Counts, lang: Lang): string {
  return [
    t(lang, 'digest_figures', {
      new: c.new,
      done: c.done,
      onTime: c.doneOnTime,
      rate: rateText(c.onTimeRate, lang),
      open: c.open,
      overdue: c.overdue,
      dueNext: c.dueNextWeek,
    }),
    t(lang, 'digest_figures_more', { extensions: c.extensions, returns: c.returns, chases: c.chases }),
  ].join('\n');
}

function redLine(r: RedItem, view: DigestView, withChat: boolean): string {
  const params = { number: r.number, title: titleMd(r.title), lead: escapeInline(personName(r.leadId, view)), days: r.overdueWorkdays };
  const line = t(view.lang, r.overdueWorkdays > 1 ? 'digest_red_item' : r.overdueWorkdays === 1 ? 'digest_red_item_one' : 'digest_red_item_today', params);
  return `- ${line}${withChat ? ` · ${escapeInline(truncate(chatName(r.chatId, view), 20))}` : ''}${progressSuffix(r.taskId, view)}`;
}

/** 待审核: the submissions waiting for their reviewer, with the working days waited. */
function reviewBlock(review: readonly ReviewItem[], total: number, view: DigestView): string {
  const { lang } = view;
  const lines = [`**${t(lang, 'digest_review_title', { n: total })}**`];
  for (const r of review.slice(0, RED_SHOWN)) {
    const params = { number: r.number, title: titleMd(r.title), lead: escapeInline(personName(r.leadId, view)), days: r.waitedWorkdays };
    lines.push(`- ${t(lang, r.waitedWorkdays === 1 ? 'digest_review_item_one' : 'digest_review_item', params)}${progressSuffix(r.taskId, view)}`);
  }
  if (total > RED_SHOWN) lines.push(t(lang, 'digest_more', { n: total - RED_SHOWN }));
  return lines.join('\n');
}

/** The red list; `total` is how many there are (the list may hold only the first of them). */
function redBlock(red: readonly RedItem[], total: number, view: DigestView, withChat: boolean): string {
  const { lang } = view;
  const lines = [`**${t(lang, 'digest_red_title', { n: total })}**`];
  if (total === 0) lines.push(t(lang, 'digest_none'));
  for (const r of red.slice(0, RED_SHOWN)) lines.push(redLine(r, view, withChat));
  if (total > RED_SHOWN) lines.push(t(lang, 'digest_more', { n: total - RED_SHOWN }));
  return lines.join('\n');
}

function dueBlock(due: readonly DueItem[], total: number, view: DigestView): string {
  const { lang } = view;
  const lines = [`**${t(lang, 'digest_due_title', { n: total })}**`];
  if (total === 0) lines.push(t(lang, 'digest_none'));
  for (const d of due.slice(0, DUE_SHOWN)) {
    lines.push(
      '- ' +
        t(lang, 'digest_due_item', {
          number: d.number,
          title: titleMd(d.title),
          lead: escapeInline(personName(d.leadId, view)),
          due: shortDateTime(d.dueAt, view),
        }),
    );
  }
  if (total > DUE_SHOWN) lines.push(t(lang, 'digest_more', { n: total - DUE_SHOWN }));
  return lines.join('\n');
}

interface Column {
  name: string;
  label: string;
  type: 'text' | 'number';
}

/** A JSON 2.0 `table` (root level only, ≤ 5 per card, 10 rows a page). Cells are plain text. */
function table(columns: Column[], rows: Array<Record<string, string | number>>): Card {
  return {
    tag: 'table',
    page_size: 10,
    row_height: 'low',
    freeze_first_column: true,
    header_style: { text_align: 'left', text_size: 'normal', background_style: 'grey', bold: true, lines: 1 },
    columns: columns.map((c) => ({
      name: c.name,
      display_name: c.label,
      data_type: c.type,
      // A fixed width is 80–600 px (table page, columns.width): the narrowest that Lark accepts.
      width: c.type === 'number' ? '80px' : 'auto',
      horizontal_align: c.type === 'number' ? 'right' : 'left',
      ...(c.type === 'number' ? { format: { precision: 0 } } : {}),
    })),
    rows,
  };
}

const countColumns = (lang: Lang): Column[] => [
  { name: 'new', label: t(lang, 'digest_col_new'), type: 'number' },
  { name: 'done', label: t(lang, 'digest_col_done'), type: 'number' },
  { name: 'rate', label: t(lang, 'digest_col_rate'), type: 'text' },
  { name: 'open', label: t(lang, 'digest_col_open'), type: 'number' },
  { name: 'overdue', label: t(lang, 'digest_col_overdue'), type: 'number' },
];

const countCells = (c: Counts, lang: Lang) => ({
  new: c.new,
  done: c.done,
  rate: rateText(c.onTimeRate, lang),
  open: c.open,
  overdue: c.overdue,
});

/** Busiest first: most overdue, then most open, then most done. */
function byWeight<T extends Counts>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => b.overdue - a.overdue || b.open - a.open || b.done - a.done || b.new - a.new);
}

function countsTable(
  label: string,
  rows: ReadonlyArray<Counts & { key: string }>,
  nameOf: (key: string) => string,
  view: DigestView,
  withScore = false,
): Card[] {
  const { lang } = view;
  const kept = byWeight(rows).slice(0, TABLE_ROWS_MAX);
  const columns = [{ name: 'who', label, type: 'text' as const }, ...countColumns(lang)];
  if (withScore) columns.push({ name: 'score', label: t(lang, 'digest_col_score'), type: 'number' });
  const out: Card[] = [
    table(
      columns,
      kept.map((r) => ({ who: plainText(nameOf(r.key), 40), ...countCells(r, lang), ...(withScore ? { score: scoreOf(r).score } : {}) })),
    ),
  ];
  if (rows.length > kept.length) out.push(md(t(lang, 'digest_more', { n: rows.length - kept.length }), { text_size: 'notation' }));
  return out;
}

// ───────────────────────── weekly group summary ─────────────────────────

/** The weekly summary posted into a group: figures, the red list, due next week, per assignee. */
export function weeklySummaryCard(f: Figures, chatId: string, view: DigestView): Card {
  const { lang } = view;
  const period = t(lang, 'digest_period', { from: shortDate(f.period.from, view), to: shortDate(new Date(f.period.to.getTime() - 1), view) });
  const els: Card[] = [
    md(`${period}\n${figureLines(f.totals, lang)}`),
    hr(),
    md(redBlock(f.red, f.totals.overdue, view, false)),
    ...(f.reviewTotal ? [md(reviewBlock(f.review, f.reviewTotal, view))] : []),
    md(dueBlock(f.dueNextWeek, f.totals.dueNextWeek, view)),
  ];
  if (f.byAssignee.length) {
    els.push(md(`**${t(lang, 'digest_people_title')}**`));
    els.push(
      ...countsTable(
        t(lang, 'digest_col_person'),
        f.byAssignee.map((p) => ({ ...p, key: p.userId })),
        (k) => personName(k, view),
        view,
      ),
    );
  }
  const template = f.totals.overdue ? 'red' : 'blue';
  return fitDigestCard(digestShell(t(lang, 'digest_weekly_title', { chat: chatName(chatId, view) }), template, els));
}

// ───────────────────────── leader digest ─────────────────────────

export interface ExceptionTask {
  taskId: number;
  number: number;
  title: string;
  chatId: string;
  leadId: string | null;
  /** Working days a submission has waited for review (the waiting list). */
  waitedWorkdays?: number;
}

export interface LeaderDigestInput {
  figures: Figures;
  /** Open tasks that turned red during the period. */
  newlyRed: ReadonlyArray<ExceptionTask & { dueAt: Date }>;
  /** Submitted tasks where the leader is creator or supervisor. */
  waiting: readonly ExceptionTask[];
  /** Pending extension requests the leader may decide. */
  extensionRequests: ReadonlyArray<ExceptionTask & { dueAt: Date; reason: string; requestedBy: string }>;
  /** On-time rate, oldest week first. */
  trend: readonly WeekRate[];
  /** Whether the leader supervises any chat at all (else the card explains how to get some). */
  hasChats: boolean;
  /**
   * How many exceptions there are in all, when the three lists hold only the first
   * DIGEST_SHOWN.exceptions of each; omitted: the lists are whole.
   */
  exceptionTotal?: number;
}

const action = (a: 'chase' | 'approve_extension' | 'show', e: ExceptionTask) => taskValue(a, { id: e.taskId, number: e.number });

function exceptionElements(input: LeaderDigestInput, view: DigestView): Card[] {
  const { lang } = view;
  const B = (k: KeyTail<'leader_btn_'>) => t(lang, `leader_btn_${k}`);
  const items: Array<{ text: string; buttons: Card[] }> = [];
  for (const e of input.extensionRequests) {
    items.push({
      text: t(lang, 'leader_extension', {
        number: e.number,
        title: titleMd(e.title),
        lead: escapeInline(personName(e.requestedBy, view)),
        due: shortDateTime(e.dueAt, view),
        reason: escapeInline(truncate(e.reason, 60)),
      }),
      buttons: [button(B('approve_extension'), action('approve_extension', e), 'primary'), button(B('show'), action('show', e))],
    });
  }
  for (const e of input.waiting) {
    items.push({
      text:
        t(lang, e.waitedWorkdays === 1 ? 'leader_waiting_one' : 'leader_waiting', {
          number: e.number,
          title: titleMd(e.title),
          lead: escapeInline(personName(e.leadId, view)),
          days: e.waitedWorkdays ?? 0,
        }) + progressSuffix(e.taskId, view),
      buttons: [button(B('show'), action('show', e), 'primary')],
    });
  }
  for (const e of input.newlyRed) {
    items.push({
      text:
        t(lang, 'leader_newly_red', {
          number: e.number,
          title: titleMd(e.title),
          lead: escapeInline(personName(e.leadId, view)),
          due: shortDateTime(e.dueAt, view),
        }) + progressSuffix(e.taskId, view),
      buttons: [button(B('chase'), action('chase', e), 'primary'), button(B('show'), action('show', e))],
    });
  }
  const total = input.exceptionTotal ?? items.length;
  const els: Card[] = [md(t(lang, 'leader_exceptions'))];
  if (total === 0) els.push(md(t(lang, 'leader_no_exceptions')));
  for (const item of items.slice(0, EXCEPTIONS_SHOWN)) {
    els.push(md(item.text), buttonRow(item.buttons));
  }
  if (total > EXCEPTIONS_SHOWN) els.push(md(t(lang, 'digest_more', { n: total - EXCEPTIONS_SHOWN })));
  return els;
}

/** VChart grouped bar: done this period vs overdue now, per department. */
export function departmentChart(f: Figures, view: DigestView): Card {
  const { lang } = view;
  const depts = byWeight(f.byDepartment).slice(0, CHART_DEPARTMENTS_MAX);
  const done = t(lang, 'leader_chart_done');
  const overdue = t(lang, 'leader_chart_overdue');
  const values = depts.flatMap((d) => {
    const name = plainText(departmentName(d.departmentId, view), 16);
    return [
      { department: name, kind: done, count: d.done },
      { department: name, kind: overdue, count: d.overdue },
    ];
  });
  return {
    tag: 'chart',
    aspect_ratio: '16:9',
    color_theme: 'brand',
    chart_spec: {
      type: 'bar',
      title: { text: t(lang, 'leader_chart_title') },
      data: [{ id: 'departments', values }],
      xField: ['department', 'kind'],
      yField: 'count',
      seriesField: 'kind',
      legends: { visible: true, orient: 'bottom' },
      label: { visible: true },
    },
  };
}

/**
 * VChart line: on-time rate (%) per ISO week; weeks with nothing done are left out. With no
 * week to show, a sentence says so: a chart with no values is an empty frame.
 */
export function trendChart(trend: readonly WeekRate[], view: DigestView): Card {
  const values = trend.filter((w) => w.onTimeRate !== null).map((w) => ({ week: w.week.slice(5), rate: Math.round(w.onTimeRate! * 100) }));
  if (values.length === 0) return md(t(view.lang, 'leader_trend_empty'));
  return {
    tag: 'chart',
    aspect_ratio: '2:1',
    color_theme: 'brand',
    chart_spec: {
      type: 'line',
      title: { text: t(view.lang, 'leader_trend_title') },
      data: [{ id: 'trend', values }],
      xField: 'week',
      yField: 'rate',
      point: { visible: true },
      label: { visible: true },
      axes: [{ orient: 'left', min: 0, max: 100 }],
    },
  };
}

/** The leader's weekly card: exceptions with buttons first, then tables and charts. */
export function leaderDigestCard(input: LeaderDigestInput, view: DigestView): Card {
  const { lang } = view;
  const f = input.figures;
  const period = t(lang, 'digest_period', { from: shortDate(f.period.from, view), to: shortDate(new Date(f.period.to.getTime() - 1), view) });
  const els: Card[] = [...exceptionElements(input, view), hr(), md(`${period}\n${figureLines(f.totals, lang)}`)];
  if (!input.hasChats) els.push(md(t(lang, 'leader_no_chats')));
  els.push(md(redBlock(f.red, f.totals.overdue, view, true)));
  if (f.byChat.length) {
    els.push(md(t(lang, 'leader_by_chat')));
    els.push(
      ...countsTable(
        t(lang, 'digest_col_chat'),
        f.byChat.map((c) => ({ ...c, key: c.chatId })),
        (k) => chatName(k, view),
        view,
      ),
    );
  }
  if (f.byDepartment.length) {
    els.push(md(t(lang, 'leader_by_department')));
    els.push(
      ...countsTable(
        t(lang, 'digest_col_department'),
        f.byDepartment.map((d) => ({ ...d, key: d.departmentId })),
        (k) => departmentName(k, view),
        view,
      ),
    );
    els.push(departmentChart(f, view));
  }
  els.push(trendChart(input.trend, view));
  const urgent = (input.exceptionTotal ?? input.extensionRequests.length + input.waiting.length + input.newlyRed.length) > 0;
  return fitDigestCard(digestShell(t(lang, 'leader_title'), urgent ? 'orange' : 'blue', els));
}

// ───────────────────────── /统计 ─────────────────────────

/** /统计: the figures for the chat (or the asker's own tasks in p2p) with scores and the formula. */
export function statsCard(f: Figures, scopeLabel: string, periodLabel: string, view: DigestView): Card {
  const { lang } = view;
  const els: Card[] = [
    md(figureLines(f.totals, lang)),
    hr(),
    md(redBlock(f.red, f.totals.overdue, view, false)),
    ...(f.reviewTotal ? [md(reviewBlock(f.review, f.reviewTotal, view))] : []),
    md(dueBlock(f.dueNextWeek, f.totals.dueNextWeek, view)),
  ];
  if (f.byAssignee.length) {
    els.push(md(t(lang, 'stats_people_title')));
    els.push(
      ...countsTable(
        t(lang, 'digest_col_person'),
        f.byAssignee.map((p) => ({ ...p, key: p.userId })),
        (k) => personName(k, view),
        view,
        true,
      ),
    );
  }
  if (f.byDepartment.length) {
    els.push(md(t(lang, 'stats_department_title')));
    els.push(
      ...countsTable(
        t(lang, 'digest_col_department'),
        f.byDepartment.map((d) => ({ ...d, key: d.departmentId })),
        (k) => departmentName(k, view),
        view,
        true,
      ),
    );
  }
  els.push(md(scoreFormula(lang), { text_size: 'notation' }));
  return fitDigestCard(digestShell(t(lang, 'stats_title', { scope: scopeLabel, period: periodLabel }), 'blue', els));
}

// ───────────────────────── size ─────────────────────────

/** Halves the largest table until the card is under the limit (tables are the only unbounded part). */
export function fitDigestCard(card: Card): Card {
  if (cardBytes(card) <= DIGEST_CARD_MAX_BYTES) return card;
  const elements = (card.body as { elements: Card[] }).elements;
  for (let guard = 0; guard < 40 && cardBytes(card) > DIGEST_CARD_MAX_BYTES; guard++) {
    const tables = elements.filter((e) => e.tag === 'table') as Array<{ rows: unknown[] }>;
    const largest = tables.reduce<{ rows: unknown[] } | null>((a, b) => (!a || b.rows.length > a.rows.length ? b : a), null);
    if (!largest || largest.rows.length <= 1) break;
    largest.rows = largest.rows.slice(0, Math.ceil(largest.rows.length / 2));
  }
  return card;
}
