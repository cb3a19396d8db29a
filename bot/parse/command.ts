/**
 * Command text (SPEC §3) → a typed Command. Pure given `now`, the calendar and the bot's own
 * open_id; the verbs live here and nowhere else.
 *
 * Input is normalized first: zero-width characters (U+200B–U+200D, U+FEFF) go (a joiner inside
 * an emoji sequence stays), full-width spaces become spaces, runs of spaces collapse, and the
 * full-width forms that carry structure (！＃＠／％, digits and Latin letters) become ASCII.
 * Full-width ，：；（） are kept as typed — they belong to Chinese titles — and are accepted
 * wherever a separator is expected.
 *
 * Mentions are the message's `@_user_N` placeholders resolved through its `mentions` array;
 * the bot's own mention is dropped wherever it appears.
 * @example
 *   parseCommand('@_user_1 /交办 @_user_2 修复路灯 截止 周五 !紧急', mentions, ctx)
 *   // → { verb: 'assign', lead: 'ou_lead', co: [], title: '修复路灯', dueAt: <Fri 18:00>, priority: 'urgent', … }
 */
import type { Category, Priority } from '../domain/types.js';
import type { Mention } from '../lark/events.js';
import { usageOf, type UsageVerb } from '../errors.js';
import { ParseError, type ParseErrorCode } from './errors.js';
import { findDeadlinePhrase, parseTime, parseTimePrefix, type TimeContext, workdaySpanOf } from './time.js';
import type { Recurrence, SeriesSpec } from '../domain/series.js';
import { parseRecurrence, takeRecurrence } from './recurrence.js';

export type SettingsChange = {
  supervisorId?: string | null;
  /** null: anyone in the chat may assign. */
  assigners?: string[] | null;
  admins?: string[];
  workStart?: string;
  workEnd?: string;
  quiet?: { start: string; end: string } | null;
  digestWeekday?: number;
  digestTime?: string;
  /** 加急: for 紧急 tasks, and from this many overdue working days (0 = never). */
  urgentPriority?: boolean;
  urgentOverdueWorkdays?: number;
};

export type Command =
  | (Omit<AssignDraft, 'lead'> & {
      verb: 'assign';
      lead: string;
      /** 周期任务: a rule (每月5日前) instead of one deadline (bot/parse/recurrence.ts). */
      series?: SeriesSpec | null;
      /** 反馈 每周五: the cadence the lead is asked for progress on. */
      feedback?: Recurrence | null;
    })
  | {
      /**
       * /交办 without a 主办 or without a 事项 (nothing after the verb, or only part of it): what
       * was given, for the 交办 form to start from. Unreadable pieces are still refused.
       */
      verb: 'assign_form';
      draft: AssignDraft;
    }
  | { verb: 'accept'; taskNumber: number }
  | { verb: 'progress'; taskNumber: number; text: string; percent: number | null }
  | { verb: 'done'; taskNumber: number; note: string | null }
  | { verb: 'approve'; taskNumber: number; revisitAt: Date | null }
  | { verb: 'reject'; taskNumber: number; reason: string }
  | { verb: 'extend'; taskNumber: number; dueAt: Date; reason: string }
  | { verb: 'approve_extension'; taskNumber: number }
  | { verb: 'reject_extension'; taskNumber: number; reason: string | null }
  | { verb: 'chase'; taskNumber: number; note: string | null }
  | { verb: 'cancel'; taskNumber: number; reason: string | null }
  | { verb: 'show'; taskNumber: number }
  | { verb: 'due'; taskNumber: number; dueAt: Date; reason: string | null }
  | { verb: 'reassign'; taskNumber: number; lead: string; reason: string | null }
  | { verb: 'add_co'; taskNumber: number; ids: string[] }
  | { verb: 'remove_co'; taskNumber: number; ids: string[] }
  | { verb: 'edit'; taskNumber: number; field: 'title' | 'detail'; text: string }
  | { verb: 'list'; scope: ListScope; page: number }
  /** `/设置 反馈 #N 每周五` (or `/反馈周期 #N 每周五`); cadence null: 关闭. */
  | { verb: 'feedback'; taskNumber: number; cadence: Recurrence | null }
  | { verb: 'ledger'; period: 'month' | 'year' | 'all' }
  | { verb: 'import'; template: boolean }
  | { verb: 'stats'; period: 'week' | 'month' }
  | { verb: 'digest'; subscribe: boolean }
  | { verb: 'settings'; changes: SettingsChange | null }
  /** 请假: `person` null = the sender; the days from `from` to `to` (local dates, inclusive). */
  | { verb: 'leave'; person: string | null; from: string; to: string; deputies: string[] }
  /** 销假: the leave of `person` (null = the sender) ends now. */
  | { verb: 'back'; person: string | null }
  /**
   * Standing deputies (无 / none clears them): the sender's own (/设置 代理人 @a @b), or, said
   * explicitly, someone else's (/设置 代理人 @甲 为 @a @b, /settings deputies for @x: @a @b).
   */
  | { verb: 'deputies'; person: string | null; ids: string[] }
  /** A leave approval definition to subscribe to (/设置 请假审批 <code>). */
  | { verb: 'leave_approval'; code: string }
  | { verb: 'help' };

export type Verb = Command['verb'];
export type ListScope = 'mine' | 'chat' | 'overdue' | 'all' | 'review' | 'series';

/** What a /交办 gave, each piece possibly missing (see the `assign_form` command). */
export interface AssignDraft {
  lead: string | null;
  co: string[];
  title: string;
  dueAt: Date | null;
  /** N when the deadline was given as N working days (recomputed when the year's schedule comes). */
  dueWorkdays?: number | null;
  priority: Priority;
  category: Category | null;
  source: string | null;
}

export type ParseContext = TimeContext & { botOpenId: string };

export type ReplyIntent = { kind: 'done' } | { kind: 'progress'; text: string; percent: number | null };

export const MAX_TITLE_CHARS = 200;
export const MAX_NOTE_CHARS = 2000;
export const MAX_ASSIGNEES = 20;
const MAX_SOURCE_CHARS = 200;
const MAX_KEYWORD_TRIES = 8;

/**
 * Every verb with its Chinese and English spellings; the first is the canonical one shown in
 * help. English is matched case-insensitively.
 */
export const VERBS: Readonly<Record<Exclude<Verb, 'assign_form'>, readonly string[]>> = {
  assign: ['交办', 'assign'],
  accept: ['签收', 'accept'],
  progress: ['进展', 'progress'],
  done: ['办结', 'done'],
  approve: ['通过', 'approve'],
  reject: ['退回', 'reject'],
  extend: ['延期', 'extend'],
  approve_extension: ['同意延期', 'approve-extension', 'approve_extension'],
  reject_extension: ['驳回延期', 'reject-extension', 'reject_extension'],
  chase: ['催办', 'chase'],
  cancel: ['撤销', 'cancel'],
  show: ['查看', 'show'],
  due: ['改期', 'due'],
  reassign: ['转办', 'reassign'],
  add_co: ['加协办', 'add'],
  remove_co: ['减协办', 'remove'],
  edit: ['修改', 'edit'],
  list: ['任务', 'list'],
  ledger: ['台账', 'ledger'],
  import: ['导入', 'import'],
  stats: ['统计', 'stats'],
  digest: ['周报', 'digest'],
  settings: ['设置', 'settings'],
  leave: ['请假', 'leave'],
  back: ['销假', 'back'],
  deputies: ['代理人', 'deputies'],
  leave_approval: ['请假审批', 'leave-approval', 'leave_approval'],
  feedback: ['反馈周期', 'feedback'],
  help: ['帮助', 'help'],
};

/** Longest spelling first, so 同意延期 wins over 延期 and approve-extension over approve. */
const VERB_ALIASES: Array<{ alias: string; verb: Exclude<Verb, 'assign_form'>; latin: boolean }> = Object.entries(VERBS)
  .flatMap(([verb, aliases]) => aliases.map((alias) => ({ alias, verb: verb as Exclude<Verb, 'assign_form'>, latin: /^[a-z]/.test(alias) })))
  .sort((a, b) => b.alias.length - a.alias.length);

// Private-use characters stand in for mentions and removed keywords while the text is taken apart.
const M_OPEN = '\uE000';
const M_CLOSE = '\uE001';
const MARK = '\uE002';
const MENTION_RE = /\uE000(\d+)\uE001/g;
const SEP = '[\\s,，:：;；、]';

// A zero-width joiner stays only where it joins two emoji (👨‍👩‍👧 is one picture); anywhere
// else it is invisible noise, e.g. inside a verb.
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}[\u{FE0F}\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/**
 * Normalizes message text: see the module comment. Newlines are kept (a progress report may
 * have several lines) but spaces around them go.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/[\u200B\u200C\uFEFF\uE000-\uE002]/g, '')
    .replace(STRAY_ZWJ, '')
    .replace(/[\uFF01\uFF03\uFF05\uFF0F\uFF20\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

interface Prepared {
  text: string;
  /** Non-bot mentions in order of appearance, indexed by the number in their sentinel. */
  mentions: Mention[];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces mention placeholders with sentinels (the bot's own with a space). */
function prepare(text: string, mentions: Mention[], botOpenId: string | null): Prepared {
  let s = normalizeText(text);
  const byKey = new Map(mentions.map((m) => [m.key, m]));
  const out: Mention[] = [];
  if (byKey.size > 0) {
    const keys = [...byKey.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
    // @_user_1 must not match inside @_user_12.
    const re = new RegExp(`(?:${keys.join('|')})(?![0-9])`, 'g');
    s = s.replace(re, (key) => {
      const m = byKey.get(key)!;
      if (botOpenId !== null && m.openId === botOpenId) return ' ';
      out.push(m);
      return `${M_OPEN}${out.length - 1}${M_CLOSE}`;
    });
    s = s
      .replace(/[^\S\n]+/g, ' ')
      .replace(/ ?\n ?/g, '\n')
      .trim();
  }
  return { text: s, mentions: out };
}

function fail(code: ParseErrorCode, verb: UsageVerb | undefined, params: Record<string, string | number> = {}): never {
  throw new ParseError(code, params, verb ? usageOf(verb) : undefined);
}

function chars(s: string): number {
  return [...s].length;
}

function clip(s: string, max = 40): string {
  const c = [...s];
  return c.length > max ? `${c.slice(0, max).join('')}…` : s;
}

/** Sentinels back to `@name`, markers out, spaces tidied, leading separators dropped. */
function renderFree(s: string, p: Prepared): string {
  return s
    .replace(MENTION_RE, (_, i: string) => {
      const m = p.mentions[Number(i)]!;
      return `@${m.name || m.key}`;
    })
    .replace(new RegExp(MARK, 'g'), ' ')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim()
    .replace(new RegExp(`^${SEP}+`), '')
    .trim();
}

function optionalNote(s: string, p: Prepared, verb: UsageVerb): string | null {
  const note = renderFree(s, p);
  if (!note) return null;
  const length = chars(note);
  if (length > MAX_NOTE_CHARS) fail('note_too_long', verb, { max: MAX_NOTE_CHARS, length });
  return note;
}

function requiredNote(s: string, p: Prepared, verb: UsageVerb, missing: ParseErrorCode): string {
  return optionalNote(s, p, verb) ?? fail(missing, verb);
}

/** Reads `#12`, `＃12` or a bare `12` at the start of the arguments. */
function takeTaskNumber(args: string, verb: UsageVerb): { taskNumber: number; rest: string } {
  const m = /^#\s*([0-9]+)(?![0-9A-Za-z_])/.exec(args) ?? /^([0-9]+)(?=$|[\s,，:：;；、。.!?])/.exec(args);
  if (!m) {
    if (args.startsWith('#') && !/^#\s*$/.test(args.split(/\s/)[0]!)) {
      fail('bad_task_number', verb, { text: clip(/^#\S*/.exec(args)![0]) });
    }
    fail('missing_task_number', verb);
  }
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) fail('bad_task_number', verb, { text: clip(`#${m[1]}`) });
  return { taskNumber: n, rest: args.slice(m[0].length).trim() };
}

/** `完成70%`, `进度 70%`, `70％` → 70; the first figure from 0 to 100. */
export function extractPercent(text: string): number | null {
  const re = /([0-9]{1,3}(?:\.[0-9]+)?)\s*[%％]/g;
  for (const m of text.matchAll(re)) {
    const v = Number(m[1]);
    if (v >= 0 && v <= 100) return Math.round(v);
  }
  return null;
}

/**
 * Parses a message to the bot. Returns null when it is not a command (after the bot's own
 * mention is removed it does not start with `/`); throws ParseError when it is a malformed one.
 */
export function parseCommand(text: string, mentions: Mention[], ctx: ParseContext): Command | null {
  const p = prepare(text, mentions, ctx.botOpenId);
  if (!p.text.startsWith('/')) return null;
  const afterSlash = p.text.slice(1).replace(/^\s+/, '');
  let verb: Exclude<Verb, 'assign_form'> | undefined;
  let args = '';
  for (const a of VERB_ALIASES) {
    if (afterSlash.slice(0, a.alias.length).toLowerCase() !== a.alias) continue;
    const next = afterSlash.charAt(a.alias.length);
    if (a.latin && /[A-Za-z0-9_-]/.test(next)) continue;
    verb = a.verb;
    args = afterSlash.slice(a.alias.length);
    break;
  }
  if (!verb) {
    const word = /^[^\s\uE000]*/.exec(afterSlash)![0];
    fail('unknown_verb', undefined, { verb: clip(word, 20) });
  }
  args = args.replace(new RegExp(`^${SEP}+`), '');
  try {
    return parseArgs(verb, args, p, ctx);
  } catch (err) {
    // Time errors come without a verb; the reply should still show this verb's usage.
    if (err instanceof ParseError && err.usage === undefined) throw new ParseError(err.code, err.params, usageOf(verb));
    throw err;
  }
}

function parseArgs(verb: Exclude<Verb, 'assign_form'>, args: string, p: Prepared, ctx: ParseContext): Command {
  switch (verb) {
    case 'assign':
      return parseAssign(args, p, ctx);
    case 'accept':
    case 'approve_extension':
    case 'show':
      return { verb, taskNumber: takeTaskNumber(args, verb).taskNumber };
    case 'progress': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      const body = optionalNote(rest, p, verb);
      if (!body) fail('empty_progress', verb);
      return { verb, taskNumber, text: body, percent: extractPercent(body) };
    }
    case 'done': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      return { verb, taskNumber, note: optionalNote(rest, p, verb) };
    }
    case 'approve': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      const kw = /^(?:回头看|revisit(?:\s+(?:on|at|in))?)(?![A-Za-z])\s*[:：]?\s*/i.exec(rest);
      if (!kw) return { verb, taskNumber, revisitAt: null };
      const when = rest.slice(kw[0].length).trim();
      if (!when) fail('missing_due', verb);
      const at = parseTimePrefix(when, ctx);
      if (!at) fail('bad_time', verb, { text: clip(when) });
      return { verb, taskNumber, revisitAt: at.at };
    }
    case 'reject': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      return { verb, taskNumber, reason: requiredNote(stripReasonLabel(rest), p, verb, 'missing_reason') };
    }
    case 'extend':
      return parseExtend(args, p, ctx);
    case 'reject_extension': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      return { verb, taskNumber, reason: optionalNote(stripReasonLabel(rest), p, verb) };
    }
    case 'cancel': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      return { verb, taskNumber, reason: optionalNote(stripReasonLabel(rest), p, verb) };
    }
    case 'chase': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      return { verb, taskNumber, note: optionalNote(rest, p, verb) };
    }
    case 'due': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      const body = rest.replace(new RegExp(`^${SEP}+`), '');
      if (!body) fail('missing_due', verb);
      const found = parseTimePrefix(body, ctx);
      if (!found) fail('bad_time', verb, { text: clip(body.split(/\s/)[0] ?? body) });
      return { verb, taskNumber, dueAt: found.at, reason: optionalNote(stripReasonLabel(found.rest.replace(new RegExp(`^${SEP}+`), '')), p, verb) };
    }
    case 'reassign': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      const { ids, rest: after } = takeMentions(rest, p);
      if (ids.length === 0) fail('missing_assignee', verb);
      if (ids.length > 1) fail('one_lead', verb, { count: ids.length });
      return { verb, taskNumber, lead: ids[0]!, reason: optionalNote(stripReasonLabel(after), p, verb) };
    }
    case 'add_co':
    case 'remove_co': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      const { ids, rest: after } = takeMentions(rest, p);
      if (ids.length === 0) fail('missing_assignee', verb);
      if (ids.length > MAX_ASSIGNEES) fail('too_many_assignees', verb, { max: MAX_ASSIGNEES, count: ids.length });
      // Only people: a word left over would be guessed at.
      const extra = renderFree(after, p);
      if (extra) fail('unexpected_text', verb, { text: clip(extra) });
      return { verb, taskNumber, ids };
    }
    case 'edit':
      return parseEdit(args, p, verb);
    case 'list':
      return parseList(args, verb);
    case 'ledger': {
      const period = pickWord(
        args,
        verb,
        {
          本月: 'month',
          这个月: 'month',
          month: 'month',
          'this month': 'month',
          本年: 'year',
          今年: 'year',
          全年: 'year',
          year: 'year',
          'this year': 'year',
          全部: 'all',
          所有: 'all',
          all: 'all',
        },
        'month',
      );
      return { verb, period };
    }
    case 'import':
      return { verb, template: pickWord(args, verb, { 模板: 'template', template: 'template' }, null) === 'template' };
    case 'stats': {
      const period = pickWord(
        args,
        verb,
        { 本周: 'week', 这周: 'week', week: 'week', 'this week': 'week', 本月: 'month', 这个月: 'month', month: 'month', 'this month': 'month' },
        'week',
      );
      return { verb, period };
    }
    case 'digest': {
      const choice = pickWord(
        args,
        verb,
        { 订阅: 'on', 开启: 'on', 打开: 'on', on: 'on', subscribe: 'on', 退订: 'off', 取消订阅: 'off', 关闭: 'off', off: 'off', unsubscribe: 'off' },
        null,
      );
      if (!choice) fail('missing_option', verb);
      return { verb, subscribe: choice === 'on' };
    }
    case 'settings': {
      // `/设置 反馈 #N 每周五`: a task's feedback cadence, not a chat setting.
      const fb = /^(?:反馈(?:周期)?|feedback)(?![A-Za-z])\s*[:：]?\s*/i.exec(args);
      if (fb) return parseArgs('feedback', args.slice(fb[0].length), p, ctx);
      // `/设置 代理人 …` and `/设置 请假审批 …` are the commands of their own name.
      const own = /^(代理人|deputies|请假审批|leave[-_ ]approval)(?![A-Za-z])\s*[:：]?\s*/i.exec(args);
      if (own) return parseArgs(/^(代理人|deputies)$/i.test(own[1]!) ? 'deputies' : 'leave_approval', args.slice(own[0].length), p, ctx);
      return { verb, changes: parseSettings(args, p, verb) };
    }
    case 'leave':
      return parseLeave(args, p, ctx);
    case 'back': {
      const ids = [...args.matchAll(MENTION_RE)].map((m) => p.mentions[Number(m[1])]!.openId);
      if (
        ids.length > 1 ||
        args
          .replace(MENTION_RE, '')
          .replace(new RegExp(`${SEP}+`, 'g'), '')
          .trim()
      )
        fail('bad_setting', verb, { text: clip(renderFree(args, p)) });
      return { verb, person: ids[0] ?? null };
    }
    case 'deputies': {
      // Someone else's deputies only in the explicit form, the person first: `@甲 为 @乙` or
      // `for @x: @a`. Anything else holding 为 / for (two people before it, none) is refused.
      let body = args.replace(new RegExp(`^${SEP}+`), '');
      let person: string | null = null;
      const other = /^\uE000(\d+)\uE001\s*为\s*|^for\s*\uE000(\d+)\uE001\s*[:：]\s*/i.exec(body);
      if (other) {
        person = p.mentions[Number(other[1] ?? other[2])]!.openId;
        body = body.slice(other[0].length);
      }
      if (NONE_WORDS.test(body) && !body.replace(NONE_WORDS, '').trim()) return { verb, person, ids: [] };
      const ids = [...new Set([...body.matchAll(MENTION_RE)].map((m) => p.mentions[Number(m[1])]!.openId))];
      if (
        !ids.length ||
        body
          .replace(MENTION_RE, '')
          .replace(new RegExp(`${SEP}+`, 'g'), '')
          .trim()
      )
        fail('bad_setting', verb, { text: clip(renderFree(args, p) || '?') });
      return { verb, person, ids };
    }
    case 'leave_approval': {
      // An approval definition code: letters, digits and '-' (e.g. 7C468A54-8745-2245-9675-08B7C63E7A85).
      const code = args.trim();
      if (!/^[A-Za-z0-9-]{4,64}$/.test(code)) fail('bad_setting', verb, { text: clip(renderFree(args, p) || '?') });
      return { verb, code: code.toUpperCase() };
    }
    case 'feedback': {
      const { taskNumber, rest } = takeTaskNumber(args, verb);
      const body = renderFree(rest, p);
      if (!body) fail('missing_option', verb);
      if (NONE_WORDS.test(body)) return { verb, taskNumber, cadence: null };
      return { verb, taskNumber, cadence: parseRecurrence(body) };
    }
    case 'help':
      return { verb };
  }
}

/** Every mention in `s`, in order and once each; the rest of the text with them taken out. */
function takeMentions(s: string, p: Prepared): { ids: string[]; rest: string } {
  const ids: string[] = [];
  const rest = s.replace(MENTION_RE, (_, i: string) => {
    const id = p.mentions[Number(i)]!.openId;
    if (!ids.includes(id)) ids.push(id);
    return ' ';
  });
  return { ids, rest };
}

/** `/修改 #N 标题 新标题` or `/修改 #N 详情 …` (`title` / `detail`; a colon after the field is fine). */
function parseEdit(args: string, p: Prepared, verb: UsageVerb): Command {
  const { taskNumber, rest } = takeTaskNumber(args, verb);
  const m = /^(标题|事项|title|详情|内容|detail|details)(?![A-Za-z])\s*[:：]?\s*/i.exec(rest);
  if (!m) fail('missing_field', verb);
  const field = /^(标题|事项|title)$/i.test(m[1]!) ? 'title' : 'detail';
  const text = renderFree(rest.slice(m[0].length), p);
  if (!text) fail(field === 'title' ? 'missing_title' : 'missing_text', verb);
  const length = chars(text);
  const max = field === 'title' ? MAX_TITLE_CHARS : MAX_NOTE_CHARS;
  if (length > max) fail(field === 'title' ? 'title_too_long' : 'note_too_long', verb, { max, length });
  return { verb: 'edit', taskNumber, field, text };
}

/** `理由：…` / `reason: …` — the label is not part of the reason. */
function stripReasonLabel(s: string): string {
  return s.replace(/^(?:(?:理由|原因)(?:\s*[:：]\s*|\s+)|reason\s*[:：]\s*)/i, '');
}

/** One optional word from a table (Chinese as typed, English in any case). */
function pickWord<T extends string, D extends T | null>(args: string, verb: UsageVerb, table: Record<string, T>, fallback: D): T | D {
  const word = args
    .replace(MENTION_RE, '')
    .replace(new RegExp(`${SEP}+`, 'g'), ' ')
    .trim()
    .toLowerCase();
  if (!word) return fallback;
  const hit = table[word];
  if (!hit) fail('bad_scope', verb, { text: clip(word) });
  return hit;
}

function parseList(args: string, verb: UsageVerb): Command {
  const scopes: Record<string, ListScope> = {
    周期: 'series',
    周期任务: 'series',
    series: 'series',
    recurring: 'series',
    待我审批: 'review',
    待审批: 'review',
    审批: 'review',
    待审核: 'review',
    review: 'review',
    我的: 'mine',
    我: 'mine',
    mine: 'mine',
    my: 'mine',
    本群: 'chat',
    群: 'chat',
    本群的: 'chat',
    chat: 'chat',
    group: 'chat',
    逾期: 'overdue',
    超期: 'overdue',
    overdue: 'overdue',
    全部: 'all',
    所有: 'all',
    all: 'all',
  };
  let scope: ListScope = 'mine';
  let page = 1;
  let s = args
    .replace(MENTION_RE, ' ')
    .replace(new RegExp(`${SEP}+`, 'g'), ' ')
    .trim();
  const pageRe = /(?:^|\s)(?:第\s*([0-9]+)\s*页|page\s*([0-9]+)|p([0-9]+))(?=\s|$)/i;
  const pm = pageRe.exec(s);
  if (pm) {
    page = Number(pm[1] ?? pm[2] ?? pm[3]);
    s = `${s.slice(0, pm.index)} ${s.slice(pm.index + pm[0].length)}`.trim();
  }
  for (const token of s ? s.split(' ') : []) {
    const hit = scopes[token.toLowerCase()];
    if (hit) scope = hit;
    else if (/^[0-9]+$/.test(token) && !pm) page = Number(token);
    else fail('bad_scope', verb, { text: clip(token) });
  }
  if (!Number.isSafeInteger(page) || page < 1 || page > 100_000) fail('bad_scope', verb, { text: String(page) });
  return { verb: 'list', scope, page };
}

// ---- /交办 --------------------------------------------------------------------------------

const PRIORITY_RE = /!\s*(紧急|急|urgent|重要|high|important)(?![A-Za-z])/gi;
const CATEGORY_FULL_RE = /#\s*(决策督查|专项督查|民生督查)/g;
const CATEGORY_SHORT_RE = /#\s*(决策|专项|民生|decision|special|livelihood)(?![A-Za-z\u4E00-\u9FFF])/gi;
export const CATEGORIES: Readonly<Record<string, Category>> = {
  决策督查: 'decision',
  决策: 'decision',
  decision: 'decision',
  专项督查: 'special',
  专项: 'special',
  special: 'special',
  民生督查: 'livelihood',
  民生: 'livelihood',
  livelihood: 'livelihood',
};
const DUE_KW_RE = /截止时间|截止日期|截止于|截止到|截止|截至|期限|时限|(?<![A-Za-z])(?:due(?:\s+date)?|deadline)(?![A-Za-z])/gi;
const SOURCE_KW_RE = /来源|(?<![A-Za-z])source(?![A-Za-z])/gi;

function isBoundaryBefore(s: string, index: number): boolean {
  return index === 0 || /[\s\uE001\uE002,，;；]/.test(s.charAt(index - 1));
}

function parseAssign(args: string, p: Prepared, ctx: ParseContext): Command {
  const verb = 'assign';
  let s = args;

  // Assignees: every mention but the bot's, in order; the first is 主办.
  const ids: string[] = [];
  s = s.replace(MENTION_RE, (_, i: string) => {
    const id = p.mentions[Number(i)]!.openId;
    if (!ids.includes(id)) ids.push(id);
    return ' ';
  });
  if (ids.length > MAX_ASSIGNEES) fail('too_many_assignees', verb, { max: MAX_ASSIGNEES, count: ids.length });

  // Flags anywhere. A removed flag leaves a marker: a time or a source runs up to it.
  let priority: Priority = 'normal';
  s = s.replace(PRIORITY_RE, (_, word: string) => {
    const level: Priority = /紧急|急|urgent/i.test(word) ? 'urgent' : 'high';
    if (level === 'urgent' || priority === 'normal') priority = level;
    return MARK;
  });
  let category: Category | null = null;
  const takeCategory = (_: string, word: string) => {
    category ??= CATEGORIES[word.toLowerCase()] ?? CATEGORIES[word]!;
    return MARK;
  };
  s = s.replace(CATEGORY_FULL_RE, takeCategory).replace(CATEGORY_SHORT_RE, takeCategory);

  // 周期 (每月5日前), 反馈 每周五 and 提前N个工作日: taken out before 来源 and 截止 read the rest.
  const rec = takeRecurrence(s, MARK);
  s = rec.text;

  // 来源 runs to the next 截止/due keyword, flag or the end.
  let source: string | null = null;
  for (const m of [...s.matchAll(SOURCE_KW_RE)].slice(0, MAX_KEYWORD_TRIES)) {
    const start = m.index;
    let valueStart = start + m[0].length;
    const colon = /^\s*[:：]\s*/.exec(s.slice(valueStart));
    if (colon) valueStart += colon[0].length;
    const isLatin = /^s/i.test(m[0]);
    if (!colon && !isBoundaryBefore(s, start)) continue;
    let valueEnd = s.length;
    const markAt = s.indexOf(MARK, valueStart);
    if (markAt >= 0) valueEnd = markAt;
    for (const d of s.slice(valueStart, valueEnd).matchAll(DUE_KW_RE)) {
      valueEnd = valueStart + d.index;
      break;
    }
    const value = s
      .slice(valueStart, valueEnd)
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[,，;；]$/, '')
      .trim();
    if (!value) continue;
    // English "source" is also an ordinary word ("find the source of the leak"): without a colon
    // it needs a reference-looking value (a digit, a capital, a bracket or Chinese).
    if (isLatin && !colon && !/^\S*[0-9A-Z〔〕[\]【】（）()\u4E00-\u9FFF]/.test(value)) continue;
    const length = chars(value);
    if (length > MAX_SOURCE_CHARS) fail('note_too_long', verb, { max: MAX_SOURCE_CHARS, length });
    source = value;
    s = `${s.slice(0, start)}${MARK}${s.slice(valueEnd)}`;
    break;
  }

  // 截止/due: the time runs to the next marker; its longest readable prefix is the due time and
  // the rest goes back to the title. 截止 glued to the title only counts when a time follows.
  let dueAt: Date | null = null;
  let dueWorkdays: number | null = null;
  // Each candidate costs a prefix search; a real title has one or two.
  for (const m of [...s.matchAll(DUE_KW_RE)].slice(0, MAX_KEYWORD_TRIES)) {
    const start = m.index;
    let valueStart = start + m[0].length;
    const colon = /^\s*[:：]\s*/.exec(s.slice(valueStart));
    if (colon) valueStart += colon[0].length;
    const isLatin = /^[a-z]/i.test(m[0]);
    const after = s.slice(valueStart);
    if (isLatin && /^\s*to(?![A-Za-z])/i.test(after)) continue; // "due to the flood"
    const strong = isLatin || !!colon || isBoundaryBefore(s, start);
    const markAt = after.indexOf(MARK);
    const run = markAt >= 0 ? after.slice(0, markAt) : after;
    if (!run.trim()) {
      if (strong) fail('missing_due', verb);
      continue;
    }
    const found = parseTimePrefix(run, ctx);
    if (!found) {
      if (strong) fail('bad_time', verb, { text: clip(run.trim()) });
      continue;
    }
    if (rec.series) fail('recurrence_with_due', verb);
    dueAt = found.at;
    dueWorkdays = workdaySpanOf(found.time);
    s = `${s.slice(0, start)}${MARK}${found.rest}${markAt >= 0 ? after.slice(markAt) : ''}`;
    break;
  }
  // No 截止: a deadline phrase written into the title (3个工作日内办结, 周五前报送, in 3 workdays).
  if (!dueAt && !rec.series) {
    const phrase = findDeadlinePhrase(s, ctx);
    if (phrase) {
      dueAt = phrase.at;
      dueWorkdays = workdaySpanOf(s.slice(phrase.start, phrase.end));
      const glue = /[，；、：]$/.test(s.slice(0, phrase.start)) ? '' : MARK;
      s = `${s.slice(0, phrase.start)}${glue}${s.slice(phrase.end)}`;
    }
  }

  const title = s
    .replace(new RegExp(MARK, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(new RegExp(`^${SEP}+|${SEP}+$`, 'g'), '')
    .trim();
  const length = chars(title);
  if (length > MAX_TITLE_CHARS) fail('title_too_long', verb, { max: MAX_TITLE_CHARS, length });
  const extra = { ...(dueWorkdays ? { dueWorkdays } : {}), ...(rec.series ? { series: rec.series } : {}), ...(rec.feedback ? { feedback: rec.feedback } : {}) };
  // No 主办 or no 事项: the form asks for what is missing, starting from what was given.
  if (ids.length === 0 || !title) {
    return {
      verb: 'assign_form',
      draft: { lead: ids[0] ?? null, co: ids.slice(1), title, dueAt, ...(dueWorkdays ? { dueWorkdays } : {}), priority, category, source },
    };
  }
  return { verb, lead: ids[0]!, co: ids.slice(1), title, dueAt, ...extra, priority, category, source };
}

// ---- /延期 --------------------------------------------------------------------------------

function parseExtend(args: string, p: Prepared, ctx: ParseContext): Command {
  const verb = 'extend';
  const { taskNumber, rest } = takeTaskNumber(args, verb);
  const body = rest.replace(new RegExp(`^${SEP}+`), '');
  if (!body) fail('missing_due', verb);
  const found = parseTimePrefix(body, ctx);
  if (!found) fail('bad_time', verb, { text: clip(body.split(/\s/)[0] ?? body) });
  const reason = requiredNote(stripReasonLabel(found.rest.replace(new RegExp(`^${SEP}+`), '')), p, verb, 'missing_reason');
  return { verb, taskNumber, dueAt: found.at, reason };
}

// ---- /设置 --------------------------------------------------------------------------------

const NONE_WORDS = /^(?:无|没有|关闭|关|清除|清空|取消|none|off|clear|no)(?![A-Za-z])/i;
const EVERYONE_WORDS = /^(?:所有人|全部|任何人|所有成员|全体|all|everyone|anyone)(?![A-Za-z])/i;
const RANGE_RE = /^([0-9]{1,2})(?:[:：]([0-9]{2})|点)?\s*(?:-|~|～|—|–|至|到|to)\s*([0-9]{1,2})(?:[:：]([0-9]{2})|点)?/i;
const WEEKDAY_WORDS = [/^(?:周|星期|礼拜)\s*([一二三四五六日天1-7])/, /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?(?![A-Za-z])/i];
const ZH_WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const EN_WEEKDAY: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

function hhmm(h: string, m: string | undefined): string | null {
  const hour = Number(h);
  const minute = m === undefined ? 0 : Number(m);
  if (hour > 23 || minute > 59) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Range separators of a leave: 12月20日-12月25日, 12月20日至25日, 周一到周三, dec 20 to dec 25. */
const RANGE_SPLIT = /\s*(?:至|到|~|～|—|－|\s-\s|\bto\b)\s*|(?<=[日号])\s*-\s*/i;
/** How far back a leave may start (it is often recorded a day or two late). */
const LEAVE_BACK_DAYS = 31;

/**
 * `/请假 [@本人] <起>-<止> [代理人] [@代理人…]`: mentions before the days are the person on
 * leave (an admin recording it), mentions after them the deputies. One day alone is a one-day
 * leave. The start may lie up to a month back; the end may not be past.
 */
function parseLeave(args: string, p: Prepared, ctx: ParseContext): Command {
  const verb = 'leave';
  const at = (i: string) => p.mentions[Number(i)]!.openId;
  let s = args.trim();
  let person: string | null = null;
  const lead = /^\uE000(\d+)\uE001/.exec(s);
  if (lead) {
    person = at(lead[1]!);
    s = s.slice(lead[0].length).replace(new RegExp(`^${SEP}+`), '');
  }
  const firstMention = s.search(/\uE000/);
  const daysText = (firstMention < 0 ? s : s.slice(0, firstMention))
    .replace(/(?:代理人|代理|deputies|deputy)\s*[:：]?\s*$/i, '')
    .replace(new RegExp(`${SEP}+$`), '')
    .trim();
  const rest = firstMention < 0 ? '' : s.slice(firstMention);
  const deputies = [...new Set([...rest.matchAll(MENTION_RE)].map((m) => at(m[1]!)))].filter((d) => d !== person);
  if (
    rest
      .replace(MENTION_RE, '')
      .replace(new RegExp(`${SEP}+`, 'g'), '')
      .trim()
  )
    fail('bad_setting', verb, { text: clip(renderFree(rest, p)) });
  if (!daysText) fail('missing_due', verb);
  const cal = ctx.calendar;
  const back = { now: new Date(ctx.now.getTime() - LEAVE_BACK_DAYS * 86_400_000), calendar: cal, endOfDay: '23:59', lang: ctx.lang };
  // Relative words (明天, 周五) count from now; a date already begun or past (today, yesterday)
  // is read against a month back, since a leave is often recorded late.
  const day = (text: string, from: Date | null): string => {
    const c = from ? { ...back, now: from } : { ...back, now: ctx.now };
    try {
      return cal.localDate(parseTime(text, c));
    } catch (err) {
      if (from || !(err instanceof ParseError) || err.code !== 'time_in_past') throw err;
    }
    return cal.localDate(parseTime(text, back));
  };
  const parts = daysText
    .split(RANGE_SPLIT)
    .map((x) => x.trim())
    .filter(Boolean);
  if (!parts.length) fail('missing_due', verb);
  if (parts.length > 2) fail('bad_time', verb, { text: clip(daysText) });
  const from = day(parts[0]!, null);
  // The end is read after the start ("12月20日至25日" → the 25th of December).
  const endText = parts[1] ?? parts[0]!;
  const to = !parts[1]
    ? from
    : /^[0-9]{1,2}[日号]$/.test(endText)
      ? `${from.slice(0, 8)}${endText.replace(/[日号]/, '').padStart(2, '0')}`
      : day(endText, cal.at(from, '00:00'));
  const real = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(real.getTime()) || real.toISOString().slice(0, 10) !== to || to < from) fail('bad_time', verb, { text: clip(daysText) });
  if (to < cal.localDate(ctx.now)) fail('time_in_past', verb, { text: clip(daysText), time: to });
  return { verb, person, from, to, deputies };
}

function parseSettings(args: string, p: Prepared, verb: UsageVerb): SettingsChange | null {
  let s = args.trim();
  if (!s) return null;
  const changes: SettingsChange = {};
  const skipSep = () => {
    s = s.replace(new RegExp(`^${SEP}+`), '');
  };
  let item = s;
  const bad = (): never => fail('bad_setting', verb, { text: clip(renderFree(item.split(/\s+/).slice(0, 2).join(' '), p)) });
  const takeMentions = (): string[] => {
    const ids: string[] = [];
    for (;;) {
      skipSep();
      const m = /^\uE000(\d+)\uE001/.exec(s);
      if (!m) return ids;
      const id = p.mentions[Number(m[1])]!.openId;
      if (!ids.includes(id)) ids.push(id);
      s = s.slice(m[0].length);
    }
  };
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(s);
    if (m) s = s.slice(m[0].length);
    return m;
  };
  while ((skipSep(), s)) {
    item = s;
    if (take(/^(?:督办领导|督办人|领导|supervisor|leader)(?![A-Za-z])\s*[:：]?/i)) {
      skipSep();
      if (take(NONE_WORDS)) changes.supervisorId = null;
      else {
        const ids = takeMentions();
        if (ids.length !== 1) bad();
        changes.supervisorId = ids[0]!;
      }
    } else if (take(/^(?:交办人|assigners?)(?![A-Za-z])\s*[:：]?/i)) {
      skipSep();
      if (take(EVERYONE_WORDS)) changes.assigners = null;
      else {
        const ids = takeMentions();
        if (ids.length === 0) bad();
        changes.assigners = ids;
      }
    } else if (take(/^(?:管理员|admins?)(?![A-Za-z])\s*[:：]?/i)) {
      const ids = takeMentions();
      if (ids.length === 0) bad();
      changes.admins = ids;
    } else if (take(/^(?:工作时间|上班时间|(?:work(?:ing)?\s+)?hours)(?![A-Za-z])\s*[:：]?/i)) {
      skipSep();
      const r = take(RANGE_RE);
      const start = r && hhmm(r[1]!, r[2]);
      const end = r && hhmm(r[3]!, r[4]);
      if (!start || !end || start >= end) bad();
      changes.workStart = start!;
      changes.workEnd = end!;
    } else if (take(/^(?:免打扰|勿扰|quiet(?:\s+hours)?|dnd)(?![A-Za-z])\s*[:：]?/i)) {
      skipSep();
      if (take(NONE_WORDS)) changes.quiet = null;
      else {
        const r = take(RANGE_RE);
        const start = r && hhmm(r[1]!, r[2]);
        const end = r && hhmm(r[3]!, r[4]);
        if (!start || !end || start === end) bad();
        changes.quiet = { start: start!, end: end! };
      }
    } else if (take(/^(?:加急|urgent|buzz)(?![A-Za-z])\s*[:：]?/i)) {
      // 加急 紧急 | 逾期5天 | 紧急 逾期5天 | 关闭 — what the chase may buzz people for.
      skipSep();
      if (take(NONE_WORDS)) {
        changes.urgentPriority = false;
        changes.urgentOverdueWorkdays = 0;
      } else {
        let found = false;
        changes.urgentPriority = false;
        changes.urgentOverdueWorkdays = 0;
        for (;;) {
          skipSep();
          if (take(/^(?:紧急|urgent)(?![A-Za-z])/i)) {
            changes.urgentPriority = true;
            found = true;
            continue;
          }
          const m = take(/^(?:逾期|overdue\s*)([0-9]{1,2})\s*(?:个工作日|工作日|天|days?|workdays?)?(?![0-9A-Za-z])/i);
          if (m) {
            const n = Number(m[1]);
            if (n < 1) bad();
            changes.urgentOverdueWorkdays = n;
            found = true;
            continue;
          }
          break;
        }
        if (!found) bad();
      }
    } else if (take(/^(?:周报|digest)(?![A-Za-z])\s*[:：]?/i)) {
      let found = false;
      skipSep();
      for (const re of WEEKDAY_WORDS) {
        const m = take(re);
        if (!m) continue;
        const w = m[1]!;
        changes.digestWeekday = /^[1-7]$/.test(w) ? Number(w) : (ZH_WEEKDAY[w] ?? EN_WEEKDAY[w.toLowerCase().slice(0, 3)]!);
        found = true;
        break;
      }
      skipSep();
      const t = take(/^(?:at\s+)?([0-9]{1,2})(?:[:：]([0-9]{2})|点)(?![0-9])/i);
      if (t) {
        const v = hhmm(t[1]!, t[2]);
        if (!v) bad();
        changes.digestTime = v!;
        found = true;
      }
      if (!found) bad();
    } else bad();
  }
  return changes;
}

// ---- replies to the bot's cards -----------------------------------------------------------

const DONE_WORDS = new Set(['完成', '已完成', '完成了', '办结', '已办结', 'done']);

/** Task numbers a reply names: `#12` or `＃12`, anywhere in it. */
const REPLY_REF_RE = /#\s*([0-9]{1,9})(?![0-9A-Za-z_])/g;

/**
 * A reply to a message that lists several tasks names the one it is about — `#12 初稿已完成`,
 * `初稿已完成（#12）`. The numbers named (each once, in order), and the text without them, for
 * parseReply.
 *
 * @example replyTaskRefs('#12 初稿已完成') // → { numbers: [12], text: '初稿已完成' }
 */
export function replyTaskRefs(text: string): { numbers: number[]; text: string } {
  const numbers: number[] = [];
  const rest = normalizeText(text).replace(REPLY_REF_RE, (_, n: string) => {
    const v = Number(n);
    if (!numbers.includes(v)) numbers.push(v);
    return ' ';
  });
  return {
    numbers,
    text: rest
      .replace(/[（(]\s*[)）]/g, '')
      .replace(/[^\S\n]+/g, ' ')
      .trim(),
  };
}

/**
 * A reply to one of the bot's task cards or messages (SPEC §3): `完成`/`办结`/`done` alone —
 * ignoring punctuation, spaces and mentions — submits the task; anything else is a progress
 * report. Mentions in the report are shown as `@name` when `mentions` is given; the bot's own
 * (`botOpenId`) is dropped.
 */
export function parseReply(text: string, mentions: Mention[] = [], botOpenId: string | null = null): ReplyIntent {
  const p = prepare(text, mentions, botOpenId);
  const bare = p.text
    .replace(MENTION_RE, '')
    .replace(/@_user_[0-9]+|@_all/g, '')
    .replace(/[\p{P}\p{S}\s]/gu, '')
    .toLowerCase();
  if (DONE_WORDS.has(bare)) return { kind: 'done' };
  const body = renderFree(p.text, p)
    .replace(/@_user_[0-9]+|@_all/g, '')
    .replace(/[^\S\n]+/g, ' ')
    .trim();
  if (!body) throw new ParseError('empty_progress', {}, usageOf('progress'));
  const length = chars(body);
  if (length > MAX_NOTE_CHARS) throw new ParseError('note_too_long', { max: MAX_NOTE_CHARS, length }, usageOf('progress'));
  return { kind: 'progress', text: body, percent: extractPercent(body) };
}
