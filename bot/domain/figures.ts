/**
 * 统计口径: the figures of the weekly summary, the leader digest and /统计 (SPEC §5), computed
 * from tasks and the events of a period. Pure: the caller loads, this counts.
 *
 * Definitions (the same everywhere they are shown):
 * - period: [from, to) in instants; weeks and months are the office's local calendar weeks
 *   (Monday first) and months.
 * - new: tasks created in the period (cancelled ones included: they were assigned).
 * - done: tasks approved (state done) in the period.
 * - done on time: of those, the last submission (or the approval, if none was recorded)
 *   no later than the ORIGINAL deadline — an approved extension moves the due time for
 *   chasing but never makes late work count as on time. A task without a deadline is on time.
 * - on-time rate: done on time / done (null when nothing was done).
 * - open / overdue: open tasks (assigned, in progress, submitted) at `now`; overdue when the
 *   current due time has passed, with the working days since the due date.
 * - due next week: open tasks whose due time falls in the calendar week after `now`'s week.
 * - extensions, returns (退回), chases: events of the period (extension_approved, returned,
 *   chased + escalated).
 * People are counted as the task's lead assignee (主办); departments through the lead's
 * department (users without one fall under '').
 */
import { isOpen, leadOf } from './roles.js';
import type { Task, TaskEventKind } from './types.js';

/** The part of WorkCalendar (bot/domain/calendar.ts) the figures need. */
export interface FigureCalendar {
  /** 'YYYY-MM-DD' of an instant in the office's zone. */
  localDate(d: Date): string;
  /** The instant of a local date and 'HH:MM'. */
  at(ymd: string, hhmm: string): Date;
  /** Working days d with from < d ≤ to. */
  workdaysBetween(fromYmd: string, toYmd: string): number;
}

export type FigureTask = Pick<
  Task,
  | 'id'
  | 'number'
  | 'title'
  | 'chatId'
  | 'state'
  | 'creatorId'
  | 'supervisorId'
  | 'assignees'
  | 'dueAt'
  | 'originalDueAt'
  | 'createdAt'
  | 'submittedAt'
  | 'doneAt'
  | 'cancelledAt'
  | 'pendingExtension'
>;

export interface FigureEvent {
  taskId: number;
  kind: TaskEventKind | string;
  at: Date;
}

export interface Period {
  from: Date;
  to: Date;
}

export interface Counts {
  new: number;
  done: number;
  doneOnTime: number;
  /** 0…1, null when nothing was done in the period. */
  onTimeRate: number | null;
  open: number;
  overdue: number;
  /** Working days overdue, summed over the overdue tasks. */
  overdueWorkdays: number;
  dueNextWeek: number;
  extensions: number;
  returns: number;
  chases: number;
}

export interface RedItem {
  taskId: number;
  number: number;
  title: string;
  chatId: string;
  leadId: string | null;
  dueAt: Date;
  /** Working days since the due date (0 on the due date itself, after the due time). */
  overdueWorkdays: number;
}

/** A submitted task waiting for its reviewer: the clock is the reviewer's (SPEC §2). */
export interface ReviewItem {
  taskId: number;
  number: number;
  title: string;
  chatId: string;
  leadId: string | null;
  submittedAt: Date;
  /** Working days since the submission (0 on its day). */
  waitedWorkdays: number;
}

export interface DueItem {
  taskId: number;
  number: number;
  title: string;
  chatId: string;
  leadId: string | null;
  dueAt: Date;
}

export interface Figures {
  period: Period;
  totals: Counts;
  /**
   * Overdue open tasks, most overdue first: all totals.overdue of them, or the first ones when
   * tallied with a limit (FigureTally's `limits`).
   */
  red: RedItem[];
  /** Open tasks due next week, soonest first: all totals.dueNextWeek of them, or the first ones. */
  dueNextWeek: DueItem[];
  /** Submitted tasks waiting for their reviewer, longest wait first: all `reviewTotal`, or the first ones. */
  review: ReviewItem[];
  reviewTotal: number;
  byAssignee: Array<{ userId: string } & Counts>;
  byDepartment: Array<{ departmentId: string } & Counts>;
  byChat: Array<{ chatId: string } & Counts>;
}

/**
 * 催办次数 (SPEC §6), the one count: every 催办 sent — the daily group 催办 and a /催办 or its
 * button — is one 'chased' event and one more in tasks.chase_count (cards, /查看, the ledger).
 * A 督办 card to the supervisor is not a 催办 of the task.
 */
const CHASE_KINDS = new Set(['chased']);

export function emptyCounts(): Counts {
  return {
    new: 0,
    done: 0,
    doneOnTime: 0,
    onTimeRate: null,
    open: 0,
    overdue: 0,
    overdueWorkdays: 0,
    dueNextWeek: 0,
    extensions: 0,
    returns: 0,
    chases: 0,
  };
}

/**
 * 是否按时: for a done task, whether its last submission (or its approval) came no later
 * than the original deadline; null while the task is not done.
 */
export function isDoneOnTime(task: Pick<Task, 'state' | 'doneAt' | 'submittedAt' | 'originalDueAt' | 'dueAt'>): boolean | null {
  if (task.state !== 'done' || !task.doneAt) return null;
  const deadline = task.originalDueAt ?? task.dueAt;
  if (!deadline) return true;
  const finished = task.submittedAt ?? task.doneAt;
  return finished.getTime() <= deadline.getTime();
}

// Digests ask the same (due date, today) pair for many tasks and again per leader; the answer
// depends only on the calendar, so it is remembered per calendar object.
const workdayMemo = new WeakMap<object, Map<string, number>>();

function memoWorkdaysBetween(calendar: FigureCalendar, from: string, to: string): number {
  let memo = workdayMemo.get(calendar);
  if (!memo) workdayMemo.set(calendar, (memo = new Map()));
  const key = `${from}|${to}`;
  let n = memo.get(key);
  if (n === undefined) {
    if (memo.size > 10_000) memo.clear();
    n = calendar.workdaysBetween(from, to);
    memo.set(key, n);
  }
  return n;
}

/**
 * Working days an open task is overdue at `now`, or null when it is not overdue. A submitted
 * task is nobody's overdue item: it waits for its reviewer (on time is decided on approval).
 */
export function overdueWorkdaysOf(task: Pick<Task, 'state' | 'dueAt'>, now: Date, calendar: FigureCalendar): number | null {
  if (!isOpen(task) || task.state === 'submitted' || !task.dueAt || task.dueAt.getTime() >= now.getTime()) return null;
  return Math.max(0, memoWorkdaysBetween(calendar, calendar.localDate(task.dueAt), calendar.localDate(now)));
}

/** Working days a submitted task has waited for its reviewer at `now`, or null when it is not submitted. */
export function reviewWaitedWorkdaysOf(task: Pick<Task, 'state' | 'submittedAt'>, now: Date, calendar: FigureCalendar): number | null {
  if (task.state !== 'submitted' || !task.submittedAt) return null;
  return Math.max(0, memoWorkdaysBetween(calendar, calendar.localDate(task.submittedAt), calendar.localDate(now)));
}

// ---- local calendar arithmetic on 'YYYY-MM-DD' (time-zone free: the zone is in localDate/at) ----

export function addDaysYmd(ymd: string, days: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekdayOf(ymd: string): number {
  const day = new Date(`${ymd}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday of the week containing ymd. */
export function weekStartYmd(ymd: string): string {
  return addDaysYmd(ymd, 1 - isoWeekdayOf(ymd));
}

/** ISO week label '2026-W49' of a local date (the week's Thursday decides the year). */
export function isoWeekKey(ymd: string): string {
  const thursday = addDaysYmd(ymd, 4 - isoWeekdayOf(ymd));
  const year = Number(thursday.slice(0, 4));
  const jan1 = new Date(`${year}-01-01T00:00:00Z`).getTime();
  const week = Math.floor((new Date(`${thursday}T00:00:00Z`).getTime() - jan1) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export type PeriodKind = 'week' | 'month' | 'year' | 'all';

/** The local week / month / year containing `now`, as [start, end of it); 'all' starts at 0. */
export function periodOf(kind: PeriodKind, now: Date, calendar: Pick<FigureCalendar, 'localDate' | 'at'>): Period {
  const today = calendar.localDate(now);
  switch (kind) {
    case 'week': {
      const start = weekStartYmd(today);
      return { from: calendar.at(start, '00:00'), to: calendar.at(addDaysYmd(start, 7), '00:00') };
    }
    case 'month': {
      const [y, m] = today.split('-').map(Number) as [number, number];
      const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
      return { from: calendar.at(`${today.slice(0, 7)}-01`, '00:00'), to: calendar.at(next, '00:00') };
    }
    case 'year': {
      const y = Number(today.slice(0, 4));
      return { from: calendar.at(`${y}-01-01`, '00:00'), to: calendar.at(`${y + 1}-01-01`, '00:00') };
    }
    case 'all':
      return { from: new Date(0), to: calendar.at(addDaysYmd(today, 1), '00:00') };
  }
}

/** The calendar week after now's week, [next Monday 00:00, the Monday after). */
export function nextWeekOf(now: Date, calendar: Pick<FigureCalendar, 'localDate' | 'at'>): Period {
  const next = addDaysYmd(weekStartYmd(calendar.localDate(now)), 7);
  return { from: calendar.at(next, '00:00'), to: calendar.at(addDaysYmd(next, 7), '00:00') };
}

const within = (d: Date | null, p: Period): boolean => d !== null && d.getTime() >= p.from.getTime() && d.getTime() < p.to.getTime();

/**
 * Whether a task belongs in a period's summary at all: it was open at some moment of the
 * period (created before its end, not closed before its start). A chat none of whose tasks
 * qualify gets no weekly summary.
 */
export function isActiveIn(task: Pick<Task, 'createdAt' | 'doneAt' | 'cancelledAt'>, period: Period): boolean {
  if (task.createdAt.getTime() >= period.to.getTime()) return false;
  const closed = task.doneAt ?? task.cancelledAt;
  return !closed || closed.getTime() >= period.from.getTime();
}

export interface FiguresInput {
  tasks: readonly FigureTask[];
  /** Events of these tasks; only those inside the period are counted. */
  events: readonly FigureEvent[];
  period: Period;
  now: Date;
  calendar: FigureCalendar;
  /** open_id → department id (users without one are counted under ''). */
  departmentOf?: (userId: string) => string | null | undefined;
}

function finish(c: Counts): Counts {
  c.onTimeRate = c.done > 0 ? c.doneOnTime / c.done : null;
  return c;
}

/**
 * The first `limit` items of a stream in `order`, keeping at most twice that many at a time
 * (no limit: all of them). What the cards show of a long list without holding all of it.
 */
export class FirstItems<T> {
  private items: T[] = [];
  /** Items offered, kept or not. */
  count = 0;
  constructor(
    private readonly order: (a: T, b: T) => number,
    private readonly limit = Infinity,
  ) {}

  add(item: T): void {
    this.count++;
    if (this.limit <= 0) return;
    this.items.push(item);
    if (this.items.length >= 2 * this.limit) this.items = this.items.sort(this.order).slice(0, this.limit);
  }

  /** The kept items in order (the first `limit` of all offered). */
  list(): T[] {
    return this.items.sort(this.order).slice(0, this.limit);
  }
}

/** A task as the figures read it: the lead assignee resolved (leadOf), no assignee list. */
export type FigureTaskCore = Omit<FigureTask, 'assignees'>;

export interface TallyLimits {
  /** Keep only the first red items (Figures.red); totals.overdue still counts them all. */
  red?: number;
  /** Keep only the first items due next week; totals.dueNextWeek still counts them all. */
  dueNextWeek?: number;
  /** Keep only the first submissions waiting for review; reviewTotal still counts them all. */
  review?: number;
}

const redOrder = (a: RedItem, b: RedItem) => b.overdueWorkdays - a.overdueWorkdays || a.dueAt.getTime() - b.dueAt.getTime() || a.number - b.number;
const dueOrder = (a: DueItem, b: DueItem) => a.dueAt.getTime() - b.dueAt.getTime() || a.number - b.number;
const reviewOrder = (a: ReviewItem, b: ReviewItem) =>
  b.waitedWorkdays - a.waitedWorkdays || a.submittedAt.getTime() - b.submittedAt.getTime() || a.number - b.number;

/**
 * computeFigures one task at a time, so a caller can feed tasks as they stream in and drop
 * them: per-task memory lives only between `addTask` and `release` (for the events of those
 * tasks); what remains is the counts per assignee, department and chat, and the red and
 * due-next-week lists (bounded with `limits`). `result()` is what computeFigures returns for
 * the same tasks and events, whatever the order they came in.
 */
export class FigureTally {
  private readonly totals = emptyCounts();
  private readonly people = new Map<string, Counts>();
  private readonly depts = new Map<string, Counts>();
  private readonly chats = new Map<string, Counts>();
  private readonly red: FirstItems<RedItem>;
  private readonly dueNext: FirstItems<DueItem>;
  private readonly review: FirstItems<ReviewItem>;
  /** Chat and lead of the tasks added since the last release, for their events. */
  private seen = new Map<number, { chatId: string; lead: string | null }>();
  private readonly nextWeek: Period;
  /** Tasks added (whether or not they counted anywhere). */
  tasks = 0;

  constructor(
    private readonly period: Period,
    private readonly now: Date,
    private readonly calendar: FigureCalendar,
    private readonly departmentOf?: (userId: string) => string | null | undefined,
    limits: TallyLimits = {},
  ) {
    this.nextWeek = nextWeekOf(now, calendar);
    this.red = new FirstItems(redOrder, limits.red);
    this.dueNext = new FirstItems(dueOrder, limits.dueNextWeek);
    this.review = new FirstItems(reviewOrder, limits.review);
  }

  private bucket(map: Map<string, Counts>, key: string): Counts {
    let c = map.get(key);
    if (!c) map.set(key, (c = emptyCounts()));
    return c;
  }

  private targetsOf(chatId: string, lead: string | null): Counts[] {
    const out = [this.totals, this.bucket(this.chats, chatId)];
    if (lead) out.push(this.bucket(this.people, lead), this.bucket(this.depts, this.departmentOf?.(lead) ?? ''));
    return out;
  }

  /** One task of the figures, with its lead assignee (leadOf). */
  addTask(task: FigureTaskCore, lead: string | null): void {
    const { period, now, calendar } = this;
    this.tasks++;
    this.seen.set(task.id, { chatId: task.chatId, lead });
    const isNew = within(task.createdAt, period);
    const doneInPeriod = task.state === 'done' && within(task.doneAt, period);
    const onTime = doneInPeriod && isDoneOnTime(task) === true;
    const open = isOpen(task);
    const overdueDays = open ? overdueWorkdaysOf(task, now, calendar) : null;
    const dueNextWeek = open && within(task.dueAt, this.nextWeek);
    if (!isNew && !doneInPeriod && !open) return;
    for (const c of this.targetsOf(task.chatId, lead)) {
      if (isNew) c.new++;
      if (doneInPeriod) c.done++;
      if (onTime) c.doneOnTime++;
      if (open) c.open++;
      if (overdueDays !== null) {
        c.overdue++;
        c.overdueWorkdays += overdueDays;
      }
      if (dueNextWeek) c.dueNextWeek++;
    }
    if (overdueDays !== null) {
      this.red.add({
        taskId: task.id,
        number: task.number,
        title: task.title,
        chatId: task.chatId,
        leadId: lead,
        dueAt: task.dueAt!,
        overdueWorkdays: overdueDays,
      });
    }
    const waited = reviewWaitedWorkdaysOf(task, now, calendar);
    if (waited !== null) {
      this.review.add({
        taskId: task.id,
        number: task.number,
        title: task.title,
        chatId: task.chatId,
        leadId: lead,
        submittedAt: task.submittedAt!,
        waitedWorkdays: waited,
      });
    }
    if (dueNextWeek) {
      this.dueNext.add({ taskId: task.id, number: task.number, title: task.title, chatId: task.chatId, leadId: lead, dueAt: task.dueAt! });
    }
  }

  /** An event, counted when it is inside the period and its task was added since the last release. */
  addEvent(e: FigureEvent): void {
    if (!within(e.at, this.period)) return;
    const task = this.seen.get(e.taskId);
    if (!task) return;
    const field: keyof Counts | null =
      e.kind === 'extension_approved' ? 'extensions' : e.kind === 'returned' ? 'returns' : CHASE_KINDS.has(e.kind) ? 'chases' : null;
    if (!field) return;
    for (const c of this.targetsOf(task.chatId, task.lead)) (c[field] as number)++;
  }

  /** Forgets the tasks added so far (their events must have been added). */
  release(): void {
    this.seen = new Map();
  }

  result(): Figures {
    const list = <K extends string>(map: Map<string, Counts>, key: K) =>
      [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, c]) => ({ [key]: k, ...finish({ ...c }) }) as { [P in K]: string } & Counts);
    return {
      period: this.period,
      totals: finish({ ...this.totals }),
      red: this.red.list(),
      dueNextWeek: this.dueNext.list(),
      review: this.review.list(),
      reviewTotal: this.review.count,
      byAssignee: list(this.people, 'userId'),
      byDepartment: list(this.depts, 'departmentId'),
      byChat: list(this.chats, 'chatId'),
    };
  }
}

/** Every figure of SPEC §5 for the given tasks (already narrowed to a chat, chats or a department). */
export function computeFigures(input: FiguresInput): Figures {
  const tally = new FigureTally(input.period, input.now, input.calendar, input.departmentOf);
  for (const task of input.tasks) tally.addTask(task, leadOf(task));
  for (const e of input.events) tally.addEvent(e);
  return tally.result();
}

export interface WeekRate {
  /** ISO week label, e.g. 2026-W49. */
  week: string;
  /** Monday of the week. */
  start: string;
  done: number;
  doneOnTime: number;
  onTimeRate: number | null;
}

/** onTimeTrend one task at a time (only the week counts are kept). */
export class TrendTally {
  private readonly bounds: number[];
  private readonly rows: WeekRate[];

  constructor(
    now: Date,
    calendar: Pick<FigureCalendar, 'localDate' | 'at'>,
    private readonly weeks = 8,
  ) {
    const thisWeek = weekStartYmd(calendar.localDate(now));
    const starts: string[] = [];
    for (let i = weeks - 1; i >= 0; i--) starts.push(addDaysYmd(thisWeek, -7 * i));
    this.bounds = starts.map((s) => calendar.at(s, '00:00').getTime());
    this.bounds.push(calendar.at(addDaysYmd(thisWeek, 7), '00:00').getTime());
    this.rows = starts.map((s) => ({ week: isoWeekKey(s), start: s, done: 0, doneOnTime: 0, onTimeRate: null }));
  }

  add(task: Pick<FigureTask, 'state' | 'doneAt' | 'submittedAt' | 'originalDueAt' | 'dueAt'>): void {
    const { bounds, rows, weeks } = this;
    if (task.state !== 'done' || !task.doneAt) return;
    const t = task.doneAt.getTime();
    if (t < bounds[0]! || t >= bounds[weeks]!) return;
    let i = 0;
    while (t >= bounds[i + 1]!) i++;
    rows[i]!.done++;
    if (isDoneOnTime(task)) rows[i]!.doneOnTime++;
  }

  result(): WeekRate[] {
    return this.rows.map((r) => ({ ...r, onTimeRate: r.done > 0 ? r.doneOnTime / r.done : null }));
  }
}

/** On-time rate of each of the `weeks` calendar weeks ending with now's week, oldest first. */
export function onTimeTrend(tasks: readonly FigureTask[], now: Date, calendar: Pick<FigureCalendar, 'localDate' | 'at'>, weeks = 8): WeekRate[] {
  const tally = new TrendTally(now, calendar, weeks);
  for (const task of tasks) tally.add(task);
  return tally.result();
}
