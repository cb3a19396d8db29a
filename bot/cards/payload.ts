/**
 * The card-button payload codec: what a button carries in its callback `value`, written by the
 * card builders and read back by the card handlers — one shape, one place. A task button is
 * `{ a, task, n, v?, b? }`: the action name, the task's id and number, which card it sits on
 * (`v`: g group card, p an assignee's p2p card, d the /查看 detail, b a chase message whose
 * items `b` names) so the answer redraws the same card; a list button is `{ a: 'list', f, p }`.
 * A card may add fields of its own beside these (series_cancel: `s`, `w`, `r`).
 * Lark posts the value back as sent (card.action.trigger `action.value`,
 * https://open.feishu.cn/document/feishu-cards/card-callback-communication), but anyone can post
 * anything: the reader checks every field, and the handler still reloads the task and re-asks
 * roles.ts.
 */
import type { Task } from '../domain/types.js';

/** Buttons on a task: its changes, 查看, and the 回头看 answers. */
export type CardActionName =
  | 'accept'
  | 'progress'
  | 'submit'
  | 'approve'
  | 'reject'
  | 'approve_extension'
  | 'reject_extension'
  | 'extend'
  | 'chase'
  | 'show'
  | 'revisit_ok'
  | 'revisit_redo'
  | 'series_cancel'
  /** 调整: opens the edit card (bot/cards/edits.ts) in the clicker's p2p chat. */
  | 'edit_menu'
  /** The edit card's forms: 改期, 转办, 加协办, 减协办, 修改 标题 / 详情. */
  | 'edit_due'
  | 'edit_reassign'
  | 'edit_add'
  | 'edit_remove'
  | 'edit_title'
  | 'edit_detail';

/** The card a task button sits on. */
export type ButtonPlace = 'group' | 'assignee' | 'detail' | 'briefing';

const PLACE_CODE: Record<ButtonPlace, string> = { group: 'g', assignee: 'p', detail: 'd', briefing: 'b' };
const PLACE_OF = new Map(Object.entries(PLACE_CODE).map(([place, code]) => [code, place as ButtonPlace]));

export type ButtonValue = Record<string, unknown>;

/** A task button's value; `batch` (a chase message's item list, chase.ts batchRef) only with 'briefing'. */
export function taskValue(a: CardActionName, task: Pick<Task, 'id' | 'number'>, place?: ButtonPlace, batch?: string): ButtonValue {
  return {
    a,
    task: task.id,
    n: task.number,
    ...(place ? { v: PLACE_CODE[place] } : {}),
    ...(place === 'briefing' && batch !== undefined ? { b: batch } : {}),
  };
}

/** A task button as read back: null when the value is not one of `names` on a well-formed task id. */
export interface TaskPress<A extends string> {
  a: A;
  taskId: number;
  /** Unknown or absent: the handler falls back to the group card. */
  place: ButtonPlace | null;
  /** The chase message's item list, unparsed (chase.ts parseBatchRef checks it). */
  batch: unknown;
}

export function readTaskValue<A extends string>(value: ButtonValue, names: readonly A[]): TaskPress<A> | null {
  const a = value.a;
  const id = value.task;
  if (typeof a !== 'string' || !(names as readonly string[]).includes(a)) return null;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) return null;
  const place = typeof value.v === 'string' ? (PLACE_OF.get(value.v) ?? null) : null;
  return { a: a as A, taskId: id, place, batch: value.b };
}

/** The /任务 lists a list button pages through. */
export type ListFilter = 'mine' | 'chat' | 'overdue' | 'all' | 'review';
const LIST_FILTERS: readonly ListFilter[] = ['mine', 'chat', 'overdue', 'all', 'review'];

export function listValue(filter: ListFilter, page: number): ButtonValue {
  return { a: 'list', f: filter, p: page };
}

/** A list button as read back: an unknown list is 我的, an unreadable page the first. */
export function readListValue(value: ButtonValue): { filter: ListFilter; page: number } {
  const f = value.f;
  const filter = LIST_FILTERS.find((x) => x === f) ?? 'mine';
  const page = typeof value.p === 'number' ? value.p : 1;
  return { filter, page };
}

/** The buttons of a batch intake's preview (bot/cards/intake.ts): the file message, its file key, the rows it would create, the file's name. */
export type ImportAction = 'import_confirm' | 'import_cancel';

export function importValue(a: ImportAction, ref: { messageId: string; fileKey: string; fileName: string }, ready: number): ButtonValue {
  return { a, m: ref.messageId, k: ref.fileKey, n: ready, f: Array.from(ref.fileName).slice(0, 100).join('') };
}

export interface ImportPress {
  a: ImportAction;
  messageId: string;
  fileKey: string;
  /** Rows the preview showed as ready (for the answer's wording only: the import plans again). */
  ready: number;
  fileName: string;
}

/** Null unless the message id has Lark's shape (om_…) and the file key is a plain token. */
export function readImportValue(value: ButtonValue): ImportPress | null {
  const { a, m, k, n, f } = value;
  if (a !== 'import_confirm' && a !== 'import_cancel') return null;
  if (typeof m !== 'string' || !/^om_[A-Za-z0-9_-]{1,100}$/.test(m)) return null;
  if (typeof k !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(k)) return null;
  return {
    a,
    messageId: m,
    fileKey: k,
    ready: typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0,
    fileName: typeof f === 'string' ? Array.from(f).slice(0, 100).join('') : '',
  };
}
