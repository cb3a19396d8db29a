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
  /** 周期: the rule of the series the task is an instance of (每月5日前), if any. */
  series?: string;
  /** 最近催办: when the latest 催办 message went out (none before the first). */
  lastChaseAt?: Date | null;
  /** 已读: its first read by whom it was for; null = unread. */
  readAt?: Date | null;
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
  /** The language of the 最新进展 labels (default zh). */
  lang?: 'zh' | 'en';
  /** The latest 催办 of a task and its first read (db/reads.ts), when known. */
  readOf?: (task: T) => { sentAt: Date; readAt: Date | null } | null | undefined;
}

const PROGRESS_KINDS = new Set(['progress', 'submitted']);

/** 最新进展 per person: `张三（主办 50%）：卡在审批；赵六（协办）：数据已收集`. Empty when nobody reported on their own. */
export function personProgress(task: Pick<Task, 'assignees'>, nameOf: (openId: string) => string, lang: 'zh' | 'en'): string {
  const zh = lang === 'zh';
  return task.assignees
    .filter((a) => a.progress)
    .map((a) => {
      const p = a.progress!;
      const role = zh ? (a.role === 'lead' ? '主办' : '协办') : a.role === 'lead' ? 'lead' : 'co-assignee';
      const pct = p.percent !== null ? ` ${p.percent}%` : '';
      return zh ? `${nameOf(a.userId)}（${role}${pct}）：${p.text}` : `${nameOf(a.userId)} (${role}${pct}): ${p.text}`;
    })
    .join(zh ? '；' : '; ');
}

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
    // A submission stops the assignee's clock: submitted by the deadline, it is not late while it
    // waits for review (decided on approval); submitted after it, it is late already.
    const stoppedAt = task.state === 'submitted' && task.submittedAt ? task.submittedAt : input.now;
    if (onTime === null && open && original && original.getTime() < stoppedAt.getTime()) onTime = false;
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
      latestProgress: personProgress(task, input.nameOf, input.lang ?? 'zh') || (task.lastProgressText ?? latest.get(task.id)?.text ?? ''),
      doneAt: task.state === 'done' ? task.doneAt : null,
      onTime,
      extensions: task.extensionCount,
      chases: task.chaseCount,
      ...readColumns(input.readOf?.(task)),
    };
  });
}

function readColumns(mark: { sentAt: Date; readAt: Date | null } | null | undefined): Pick<LedgerRow, 'lastChaseAt' | 'readAt'> {
  return mark ? { lastChaseAt: mark.sentAt, readAt: mark.readAt } : { lastChaseAt: null, readAt: null };
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

/** How the 事件日志 words an event: names for ids, local times, the office's language. */
export interface EventWording {
  lang: 'zh' | 'en';
  /** An instant as the office reads it (DUBAN_TZ), e.g. `2026-12-01 18:00`. */
  when(d: Date): string;
}

/** 事件日志 rows in (task number, seq) order. */
export function eventLogRows(
  tasks: readonly Pick<Task, 'id' | 'number'>[],
  events: readonly LedgerEvent[],
  nameOf: (openId: string) => string,
  wording?: EventWording,
): EventLogRow[] {
  const numberOf = new Map(tasks.map((t) => [t.id, t.number]));
  return events
    .filter((e) => numberOf.has(e.taskId))
    .map((e) => ({
      number: numberOf.get(e.taskId)!,
      seq: e.seq,
      at: e.at,
      kind: e.kind,
      actor: nameOf(e.actorId),
      detail: wording ? summarizeEvent(e.kind, e.payload, nameOf, wording) : summarizePayload(e.payload),
      hash: e.hash,
    }))
    .sort((a, b) => a.number - b.number || a.seq - b.seq);
}

const SUMMARY_MAX = 300;
const PRIORITY_WORD = { zh: { urgent: '紧急', high: '重要' }, en: { urgent: 'urgent', high: 'high' } } as const;
const CATEGORY_WORD = {
  zh: { decision: '决策督查', special: '专项督查', livelihood: '民生督查' },
  en: { decision: 'decision', special: 'special', livelihood: 'livelihood' },
} as const;
const CHANNEL_WORD = { zh: { chat: '群内', p2p: '私聊', urgent: '加急' }, en: { chat: 'in the chat', p2p: 'in private', urgent: 'urgent buzz' } } as const;

/**
 * One line of what an event changed, as an office reads it: `主办 张三；协办 赵六；时限 2026-12-01 18:00`,
 * `延至 2026-12-04 18:00；理由：材料未齐`. Unknown keys are left out (the hash covers the payload).
 */
export function summarizeEvent(kind: string, payload: Record<string, unknown>, nameOf: (openId: string) => string, w: EventWording): string {
  const zh = w.lang === 'zh';
  const p = payload ?? {};
  const str = (k: string) => (typeof p[k] === 'string' && p[k] ? String(p[k]) : '');
  const date = (k: string) => {
    const v = p[k];
    const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : null;
    return d && !Number.isNaN(d.getTime()) ? w.when(d) : '';
  };
  const names = (k: string) => (Array.isArray(p[k]) ? (p[k] as unknown[]).map((x) => nameOf(String(x))) : []);
  const label = (zhWord: string, enWord: string, value: string) => (value ? `${zh ? zhWord : enWord}${zh ? ' ' : ': '}${value}` : '');
  const reason = (k = 'reason') => (str(k) ? `${zh ? '理由：' : 'reason: '}${str(k)}` : '');
  const parts: string[] = [];
  switch (kind) {
    case 'assigned': {
      parts.push(label('事项', 'title', str('title')));
      parts.push(label('主办', 'lead', str('lead') ? nameOf(str('lead')) : ''));
      parts.push(label('协办', 'co-assignees', names('co').join(zh ? '、' : ', ')));
      parts.push(label('时限', 'due', date('dueAt') || (zh ? '未设' : 'none')));
      const pr = str('priority') as keyof (typeof PRIORITY_WORD)['zh'];
      if (pr && PRIORITY_WORD[w.lang][pr]) parts.push(label('紧急程度', 'priority', PRIORITY_WORD[w.lang][pr]));
      const cat = str('category') as keyof (typeof CATEGORY_WORD)['zh'];
      if (cat && CATEGORY_WORD[w.lang][cat]) parts.push(label('类别', 'category', CATEGORY_WORD[w.lang][cat]));
      parts.push(label('来源', 'source', str('source')));
      break;
    }
    case 'accepted':
      if (p.implied) parts.push(zh ? '随进展或办结签收' : 'signed by reporting');
      if (typeof p.reaction === 'string') parts.push(zh ? `以表情回复 ${p.reaction} 签收` : `signed with a ${p.reaction} reaction`);
      break;
    case 'progress':
      if (typeof p.percent === 'number') parts.push(`${p.percent}%`);
      parts.push(str('text'));
      break;
    case 'submitted':
      parts.push(label('说明', 'note', str('note')));
      break;
    case 'approved':
      if (p.onTime === true) parts.push(zh ? '按时办结' : 'on time');
      if (p.onTime === false) parts.push(zh ? '超时办结' : 'late');
      parts.push(label('回头看', 'revisit', date('revisitAt')));
      break;
    case 'returned':
    case 'cancelled':
      parts.push(reason());
      break;
    case 'extension_requested':
      parts.push(label('申请延至', 'to', date('dueAt')));
      parts.push(label('原时限', 'was', date('previousDueAt')));
      parts.push(reason());
      break;
    case 'extension_approved':
      parts.push(label('延至', 'to', date('dueAt')));
      parts.push(label('原时限', 'was', date('previousDueAt')));
      // /改期 after the deadline: the decider moved it, and it counts as an approved extension.
      if (p.rescheduled === true) parts.push(zh ? '逾期后改期，计为批准延期' : 'moved after the deadline: counted as an approved extension');
      parts.push(reason());
      break;
    case 'due_changed':
      parts.push(label('改为', 'to', date('dueAt')));
      parts.push(label('原时限', 'was', date('previousDueAt') || (zh ? '未设' : 'none')));
      parts.push(zh ? '按时与否以新时限为准' : 'on time is judged against the new deadline');
      parts.push(reason());
      break;
    case 'reassigned':
      parts.push(label('原主办', 'from', str('from') ? nameOf(str('from')) : ''));
      parts.push(label('新主办', 'to', str('to') ? nameOf(str('to')) : ''));
      parts.push(reason());
      break;
    case 'co_added':
      parts.push(label('加协办', 'added', names('ids').join(zh ? '、' : ', ')));
      break;
    case 'co_removed':
      parts.push(label('减协办', 'removed', names('ids').join(zh ? '、' : ', ')));
      break;
    case 'edited': {
      const field = p.field === 'detail' ? (zh ? '详情' : 'detail') : zh ? '事项' : 'title';
      parts.push(label(field, field, str('text')));
      parts.push(label('原为', 'was', str('previous')));
      break;
    }
    case 'extension_rejected':
      parts.push(label('申请延至', 'asked for', date('dueAt')));
      parts.push(reason());
      break;
    case 'extension_expired':
      parts.push(label('申请延至', 'asked for', date('dueAt')));
      parts.push(zh ? '申请的时限已过' : 'the requested date had passed');
      break;
    case 'chased':
    case 'reminded':
    case 'escalated':
    case 'revisit_asked': {
      if (p.auto) parts.push(zh ? '自动' : 'automatic');
      if (typeof p.overdueDays === 'number') parts.push(zh ? `逾期第 ${p.overdueDays} 天` : `day ${p.overdueDays} overdue`);
      const to = names('to');
      if (to.length) parts.push(label('发给', 'to', to.join(zh ? '、' : ', ')));
      const ch = str('channel') as keyof (typeof CHANNEL_WORD)['zh'];
      if (ch && CHANNEL_WORD[w.lang][ch]) parts.push(CHANNEL_WORD[w.lang][ch]);
      parts.push(label('附言', 'note', str('note')));
      break;
    }
    case 'revisit_answered':
      if (p.holds === true) parts.push(zh ? '整改成效保持' : 'the fix holds');
      if (p.holds === false) {
        parts.push(zh ? '需要整改，重新办理' : 'needs rework; reopened');
        if (typeof p.round === 'number') parts.push(zh ? `整改第 ${p.round} 轮` : `rework round ${p.round}`);
        parts.push(label('整改时限', 'due', date('dueAt')));
        parts.push(label('要求', 'asked', str('note')));
      }
      break;
    default:
      return summarizePayload(p);
  }
  const line = parts
    .filter(Boolean)
    .join(zh ? '；' : '; ')
    .replace(/\s+/g, ' ');
  const chars = [...line];
  return chars.length > SUMMARY_MAX ? `${chars.slice(0, SUMMARY_MAX).join('')}…` : line;
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
