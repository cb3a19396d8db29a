/**
 * 督查台账: the rows of the ledger export (SPEC §6) and of its event-log sheet, from tasks and
 * their events. Pure; bot/ledger-xlsx.ts writes them to a workbook.
 *
 * Columns: 序号, 编号, 事项, 类别, 来源, 交办人, 主办, 协办, 交办时间, 时限, 状态, 亮灯, 最新进展,
 * 办结时间, 是否按时, 延期次数, 催办次数. 时限 is the current deadline (after approved
 * extensions); 是否按时 is judged against the original one (figures.ts isDoneOnTime), and an
 * open task already past its original deadline is marked not on time. The light is shown
 * for open tasks only: a closed task has nothing left to watch.
 */
import type { Category, Light, Task, TaskState } from './types.js';
import { isDoneOnTime } from './figures.js';
import { isOpen, leadOf } from './roles.js';

export type LedgerTask = Pick<
  Task,
  | 'id'
  | 'number'
  | 'title'
  | 'category'
  | 'source'
  | 'state'
  | 'creatorId'
  | 'assignees'
  | 'createdAt'
  | 'dueAt'
  | 'originalDueAt'
  | 'submittedAt'
  | 'doneAt'
  | 'lastProgressText'
  | 'lastProgressAt'
  | 'extensionCount'
  | 'chaseCount'
>;

export interface LedgerEvent {
  taskId: number;
  seq: number;
  kind: string;
  actorId: string;
  payload: Record<string, unknown>;
  at: Date;
  hash: string;
}

export interface LedgerRow {
  /** 序号 */
  index: number;
  /** 编号 */
  number: number;
  taskId: number;
  /** 事项 */
  title: string;
  /** 类别 */
  category: Category | null;
  /** 来源 */
  source: string | null;
  /** 交办人 (display name) */
  creator: string;
  /** 主办 */
  lead: string;
  /** 协办 */
  co: string[];
  /** 交办时间 */
  assignedAt: Date;
  /** 时限 (current) */
  dueAt: Date | null;
  /** Whether 时限 was moved by an approved extension. */
  extended: boolean;
  /** 状态 */
  state: TaskState;
  /** 亮灯, open tasks only */
  light: Light | null;
  /** 最新进展 */
  latestProgress: string;
  /** 办结时间 */
  doneAt: Date | null;
  /** 是否按时: null while open and not yet past the original deadline, or cancelled */
  onTime: boolean | null;
  /** 延期次数 */
  extensions: number;
  /** 催办次数 */
  chases: number;
}

export interface LedgerRowsInput<T extends LedgerTask = LedgerTask> {
  tasks: readonly T[];
  /** Any events of these tasks, in any order (used for the latest progress when the task lacks it). */
  events?: readonly LedgerEvent[];
  now: Date;
  /** Display name of an open_id. */
  nameOf: (openId: string) => string;
  /** The light of an open task (bot/domain/light.ts lightOf bound to now, calendar and settings). */
  lightOf: (task: T) => Light;
  /** 序号 of the first row (default 1): a ledger written page by page continues the count. */
  firstIndex?: number;
}

const PROGRESS_KINDS = new Set(['progress', 'submitted']);

function textOf(payload: Record<string, unknown>): string | null {
  for (const key of ['text', 'note', 'comment', 'reason']) {
    const v = payload[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return null;
}

/**
 * Ledger rows in task-number order. Rows depend only on their own task and its events, so a
 * ledger can be built a page of tasks at a time (with `firstIndex` carrying 序号 on).
 */
export function ledgerRows<T extends LedgerTask>(input: LedgerRowsInput<T>): LedgerRow[] {
  const latest = new Map<number, { at: number; seq: number; text: string }>();
  for (const e of input.events ?? []) {
    if (!PROGRESS_KINDS.has(e.kind)) continue;
    const text = textOf(e.payload);
    if (!text) continue;
    const prev = latest.get(e.taskId);
    if (!prev || prev.seq < e.seq) latest.set(e.taskId, { at: e.at.getTime(), seq: e.seq, text });
  }
  const sorted = [...input.tasks].sort((a, b) => a.number - b.number);
  const first = input.firstIndex ?? 1;
  return sorted.map((task, i) => {
    const lead = leadOf(task);
    const open = isOpen(task);
    const original = task.originalDueAt ?? task.dueAt;
    let onTime = isDoneOnTime(task);
    if (onTime === null && open && original && original.getTime() < input.now.getTime()) onTime = false;
    return {
      index: first + i,
      number: task.number,
      taskId: task.id,
      title: task.title,
      category: task.category,
      source: task.source,
      creator: input.nameOf(task.creatorId),
      lead: lead ? input.nameOf(lead) : '',
      co: task.assignees.filter((a) => a.userId !== lead).map((a) => input.nameOf(a.userId)),
      assignedAt: task.createdAt,
      dueAt: task.dueAt,
      extended: !!(task.dueAt && task.originalDueAt && task.dueAt.getTime() !== task.originalDueAt.getTime()),
      state: task.state,
      light: open ? input.lightOf(task) : null,
      latestProgress: task.lastProgressText ?? latest.get(task.id)?.text ?? '',
      doneAt: task.state === 'done' ? task.doneAt : null,
      onTime,
      extensions: task.extensionCount,
      chases: task.chaseCount,
    };
  });
}

export interface EventLogRow {
  number: number;
  seq: number;
  at: Date;
  kind: string;
  actor: string;
  /** The payload as canonical text (what was hashed), for an inspector to read. */
  detail: string;
  hash: string;
}

/** 事件日志 rows in (task number, seq) order. */
export function eventLogRows(tasks: readonly Pick<Task, 'id' | 'number'>[], events: readonly LedgerEvent[], nameOf: (openId: string) => string): EventLogRow[] {
  const numberOf = new Map(tasks.map((t) => [t.id, t.number]));
  return events
    .filter((e) => numberOf.has(e.taskId))
    .map((e) => ({
      number: numberOf.get(e.taskId)!,
      seq: e.seq,
      at: e.at,
      kind: e.kind,
      actor: nameOf(e.actorId),
      detail: summarizePayload(e.payload),
      hash: e.hash,
    }))
    .sort((a, b) => a.number - b.number || a.seq - b.seq);
}

function summarizePayload(payload: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(payload).sort()) {
    const v = payload[key];
    if (v === null || v === undefined || v === '') continue;
    parts.push(`${key}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.join('; ');
}
