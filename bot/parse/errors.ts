/**
 * A user's malformed command or time: an answer, not a bug. The boundary replies with
 * `parse_error.<code>` (bot/i18n/parse.ts) filled with `params`, followed by the usage line
 * when set (`usage.<verb>`, see usageOf in bot/errors.ts).
 */
import type { Usage } from '../errors.js';

export type ParseErrorCode =
  | 'unknown_verb'
  | 'missing_task_number'
  | 'bad_task_number'
  | 'missing_assignee'
  | 'missing_title'
  | 'title_too_long'
  | 'note_too_long'
  | 'too_many_assignees'
  | 'bad_time'
  | 'time_in_past'
  | 'time_too_far'
  | 'missing_reason'
  | 'missing_due'
  | 'bad_setting'
  | 'bad_scope'
  | 'empty_progress'
  | 'missing_option'
  | 'one_lead'
  | 'unexpected_text'
  | 'missing_field'
  | 'missing_text'
  /** A recurrence rule (每月5日前) that names no real day, or a rule-looking phrase that is none. */
  | 'bad_recurrence'
  /** A recurrence rule and a 截止 in one line: each instance's deadline comes from the rule. */
  | 'recurrence_with_due'
  /** 提前N个工作日 outside 1…20. */
  | 'bad_lead_days';

export const PARSE_ERROR_CODES: readonly ParseErrorCode[] = [
  'unknown_verb',
  'missing_task_number',
  'bad_task_number',
  'missing_assignee',
  'missing_title',
  'title_too_long',
  'note_too_long',
  'too_many_assignees',
  'bad_time',
  'time_in_past',
  'time_too_far',
  'missing_reason',
  'missing_due',
  'bad_setting',
  'bad_scope',
  'empty_progress',
  'missing_option',
  'one_lead',
  'unexpected_text',
  'missing_field',
  'missing_text',
  'bad_recurrence',
  'recurrence_with_due',
  'bad_lead_days',
];

export class ParseError extends Error {
  constructor(
    readonly code: ParseErrorCode,
    readonly params: Record<string, string | number> = {},
    /** The usage line that applies, e.g. usageOf('assign'). */
    readonly usage?: Usage,
  ) {
    super(code);
    this.name = 'ParseError';
  }
}
