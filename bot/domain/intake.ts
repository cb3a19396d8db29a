/**
 * Batch intake (分解立项): the rows of a sheet (事项, 主办, 协办, 时限, 类别, 来源, 详情, 督办领导)
 * read into tasks to create, each row either ready, already present, or refused with its
 * problems. Pure: the table, the chat's members, the clock and the tasks already present in;
 * the plan out. The sheet's bytes are read in bot/intake-sheet.ts; the handler loads and commits.
 *
 * Names are matched against the chat's members: a name nobody in the chat has, or two of them
 * share, is a problem on its row — never a guess. 时限 is read by the same parser as commands
 * (bot/parse/time.ts), so `周五`, `3个工作日内` and `2026-12-31` mean what they mean in /交办.
 *
 * What identifies a row (so that a sheet imported twice, or a 台账 exported and re-imported into
 * another chat, doubles nothing): a row whose 编号 names a task of this tenant with the same 事项
 * is that task; otherwise a row is present when a task of this tenant, in any chat, has the same
 * 事项, the same 来源 (both compared with whitespace collapsed) and the same 主办. Two rows of one
 * sheet with the same identity: the second is refused as a repeat.
 */
import type { KeyTail } from '../i18n.js';
import { CATEGORIES, MAX_ASSIGNEES, MAX_TITLE_CHARS, MAX_NOTE_CHARS } from '../parse/command.js';
import { ParseError } from '../parse/errors.js';
import { parseTime, workdaySpanOf, type TimeContext } from '../parse/time.js';
import type { Category } from './types.js';

/** Lark's message resources can be 100 MB; a sheet for intake is refused past 10 MB. */
export const MAX_INTAKE_BYTES = 10 * 1024 * 1024;
/** Data rows read from one sheet; a longer one is refused as a whole. */
export const MAX_INTAKE_ROWS = 2000;
/** Characters in one cell; a longer cell is a problem on its row (详情 up to the note limit). */
export const MAX_CELL_CHARS = MAX_NOTE_CHARS;

export type IntakeColumn = 'number' | 'title' | 'lead' | 'co' | 'due' | 'category' | 'source' | 'detail' | 'supervisor';

/** The template's columns, in order (编号 is read when present: an exported 台账 has it). */
export const TEMPLATE_COLUMNS: readonly IntakeColumn[] = ['title', 'lead', 'co', 'due', 'category', 'source', 'detail', 'supervisor'];

/** Header words each column is known by (Chinese first: the template's own). */
export const COLUMN_HEADERS: Readonly<Record<IntakeColumn, readonly string[]>> = {
  number: ['编号', 'no', 'number'],
  title: ['事项', '事项名称', '任务', '工作任务', 'title', 'task'],
  lead: ['主办', '主办人', '牵头', '牵头人', 'lead'],
  co: ['协办', '协办人', 'co', 'co-assignees'],
  due: ['时限', '完成时限', '截止时间', '截止', 'due', 'deadline'],
  category: ['类别', 'category'],
  source: ['来源', 'source'],
  detail: ['详情', '具体内容', '内容', 'detail'],
  supervisor: ['督办领导', 'supervisor'],
};

/** One cell as the sheet reader gives it. */
export interface SheetCell {
  text: string;
  /** A date cell of an .xlsx, as the wall-clock date and time it shows. */
  date?: { ymd: string; hhmm: string };
  /** The cell holds a formula: its value is not read. */
  formula?: boolean;
}

export interface SheetTable {
  header: string[];
  /** Data rows with their row number in the sheet (1-based, the header's is 1 for a top header). */
  rows: Array<{ line: number; cells: SheetCell[] }>;
  /** The text was read as GBK (a CSV saved by Excel on a Chinese system). */
  gbk?: boolean;
}

export interface Member {
  openId: string;
  name: string;
}

/** A problem on a row: an i18n key under `intake.problem.` with its parameters (`column` is an IntakeColumn, named in the reader's language). */
export interface RowProblem {
  /** Its sentence is `intake.problem.<key>`. */
  key: KeyTail<'intake.problem.'>;
  params?: Record<string, string | number>;
}

export interface TaskDraft {
  title: string;
  leadId: string;
  coIds: string[];
  dueAt: Date | null;
  dueWorkdays: number | null;
  category: Category | null;
  source: string | null;
  detail: string | null;
  supervisorId: string | null;
  /** 编号 given in the sheet (an exported 台账), used only to recognize the task. */
  number: number | null;
}

export type IntakeRow =
  | { line: number; status: 'ready'; draft: TaskDraft }
  | { line: number; status: 'present'; number: number; title: string }
  | { line: number; status: 'problem'; problems: RowProblem[]; title: string };

export interface IntakePlan {
  rows: IntakeRow[];
  ready: number;
  present: number;
  problems: number;
}

/** The columns found in a header row; problems when 事项 or 主办 is missing or a column appears twice. */
export function mapColumns(header: readonly string[]): { columns: Partial<Record<IntakeColumn, number>>; missing: IntakeColumn[]; twice: string[] } {
  const columns: Partial<Record<IntakeColumn, number>> = {};
  const twice: string[] = [];
  header.forEach((raw, i) => {
    const h = normalizeHeader(raw);
    if (!h) return;
    for (const [col, words] of Object.entries(COLUMN_HEADERS) as Array<[IntakeColumn, readonly string[]]>) {
      if (!words.some((w) => normalizeHeader(w) === h)) continue;
      if (columns[col] !== undefined) twice.push(raw.trim());
      else columns[col] = i;
    }
  });
  const missing = (['title', 'lead'] as const).filter((c) => columns[c] === undefined);
  return { columns, missing, twice };
}

const normalizeHeader = (s: string) =>
  s
    .replace(/[\s*＊:：()（）]/g, '')
    .replace(/\(.*\)$/, '')
    .toLowerCase();

/** Whitespace collapsed and trimmed: how 事项 and 来源 are compared and stored. */
export function normalizeCell(s: string): string {
  return s.replace(/[\s\u3000]+/g, ' ').trim();
}

/** The identity of a ready row (see the file comment). */
export function rowIdentity(d: Pick<TaskDraft, 'title' | 'source' | 'leadId'>): string {
  return `${normalizeCell(d.title)}\u0001${normalizeCell(d.source ?? '')}\u0001${d.leadId}`;
}

/** What the store says is already there: tasks by 编号, and by identity. */
export interface PresentTasks {
  byNumber: ReadonlyMap<number, { title: string }>;
  byIdentity: ReadonlyMap<string, number>;
}

export interface IntakeContext {
  members: readonly Member[];
  time: TimeContext;
  present: PresentTasks;
}

const NAME_SPLIT = /[,，、;；/\s]+/;

/** Reads every row of a table into the plan. */
export function planIntake(table: SheetTable, ctx: IntakeContext): IntakePlan {
  const { columns } = mapColumns(table.header);
  const byName = new Map<string, Member[]>();
  for (const m of ctx.members) {
    const key = normalizeCell(m.name);
    if (key) byName.set(key, [...(byName.get(key) ?? []), m]);
  }
  const seen = new Map<string, number>();
  const rows: IntakeRow[] = [];
  for (const { line, cells } of table.rows) {
    const cell = (c: IntakeColumn): SheetCell => (columns[c] === undefined ? { text: '' } : (cells[columns[c]!] ?? { text: '' }));
    const problems: RowProblem[] = [];
    const text = (c: IntakeColumn, max: number): string => {
      const v = cell(c);
      if (v.formula) {
        problems.push({ key: 'formula', params: { column: c } });
        return '';
      }
      const s = c === 'detail' ? v.text.trim() : normalizeCell(v.text);
      if ([...s].length > max) {
        problems.push({ key: 'too_long', params: { column: c, max } });
        return '';
      }
      return s;
    };
    const title = text('title', MAX_TITLE_CHARS);
    const numberText = text('number', 20).replace(/^#/, '');
    const number = /^\d{1,9}$/.test(numberText) ? Number(numberText) : null;
    const person = (name: string, column: IntakeColumn): string | null => {
      const found = byName.get(normalizeCell(name.replace(/^@/, ''))) ?? [];
      if (found.length === 1) return found[0]!.openId;
      problems.push({ key: found.length === 0 ? 'no_member' : 'two_members', params: { column, name } });
      return null;
    };
    // An exported 台账 row is its task: recognized before anything else is checked.
    if (number !== null && title && ctx.present.byNumber.get(number)?.title === title) {
      rows.push({ line, status: 'present', number, title });
      continue;
    }
    if (!title) problems.push({ key: 'no_title' });
    const leadName = text('lead', 100);
    const leadId = leadName ? person(leadName, 'lead') : (problems.push({ key: 'no_lead' }), null);
    const coIds: string[] = [];
    for (const name of text('co', 500).split(NAME_SPLIT).filter(Boolean)) {
      const id = person(name, 'co');
      if (id && id !== leadId && !coIds.includes(id)) coIds.push(id);
    }
    if (coIds.length + 1 > MAX_ASSIGNEES) problems.push({ key: 'too_many', params: { max: MAX_ASSIGNEES } });
    const supervisorName = text('supervisor', 100);
    const supervisorId = supervisorName ? person(supervisorName, 'supervisor') : null;
    const categoryText = text('category', 20);
    const category = categoryText ? (CATEGORIES[categoryText] ?? CATEGORIES[categoryText.toLowerCase()] ?? null) : null;
    if (categoryText && !category) problems.push({ key: 'category', params: { text: categoryText } });
    const source = text('source', 200) || null;
    const detail = text('detail', MAX_CELL_CHARS) || null;
    const { dueAt, dueWorkdays } = readDue(cell('due'), ctx.time, problems);

    if (problems.length === 0 && leadId) {
      const draft: TaskDraft = { title, leadId, coIds, dueAt, dueWorkdays, category, source, detail, supervisorId, number };
      const identity = rowIdentity(draft);
      const existing = ctx.present.byIdentity.get(identity);
      if (existing !== undefined) {
        rows.push({ line, status: 'present', number: existing, title });
        continue;
      }
      const earlier = seen.get(identity);
      if (earlier !== undefined) {
        rows.push({ line, status: 'problem', problems: [{ key: 'repeat', params: { line: earlier } }], title });
        continue;
      }
      seen.set(identity, line);
      rows.push({ line, status: 'ready', draft });
    } else {
      rows.push({ line, status: 'problem', problems, title });
    }
  }
  return {
    rows,
    ready: rows.filter((r) => r.status === 'ready').length,
    present: rows.filter((r) => r.status === 'present').length,
    problems: rows.filter((r) => r.status === 'problem').length,
  };
}

/** 时限: empty (no deadline), a date cell (its day and time; midnight means the end of the working day), or text for the command parser. */
function readDue(cell: SheetCell, time: TimeContext, problems: RowProblem[]): { dueAt: Date | null; dueWorkdays: number | null } {
  if (cell.formula) {
    problems.push({ key: 'formula', params: { column: 'due' } });
    return { dueAt: null, dueWorkdays: null };
  }
  const text = normalizeCell(cell.text);
  if (!cell.date && !text) return { dueAt: null, dueWorkdays: null };
  const phrase = cell.date ? `${cell.date.ymd} ${cell.date.hhmm === '00:00' ? time.endOfDay : cell.date.hhmm}` : text;
  try {
    const dueAt = parseTime(phrase, time);
    return { dueAt, dueWorkdays: cell.date ? null : workdaySpanOf(text) };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    problems.push({ key: err.code === 'time_in_past' ? 'due_past' : err.code === 'time_too_far' ? 'due_far' : 'due_bad', params: { text: phrase } });
    return { dueAt: null, dueWorkdays: null };
  }
}
