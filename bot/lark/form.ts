/**
 * A submitted card form (`action.form_value` of card.action.trigger) read into typed values.
 * Lark sends one entry per named component of the form, keyed by the component's `name`
 * (form container page: https://open.feishu.cn/document/feishu-cards/card-json-v2-components/containers/form-container;
 * callback page: https://open.feishu.cn/document/feishu-cards/card-callback-communication). The value shapes:
 * - `input`: the text typed, a string;
 * - `select_static`: the chosen option's `value`, a string; `multi_select_static`: an array of them;
 * - `select_person`: the chosen person's open_id; `multi_select_person`: an array of open_ids
 *   (person selector pages: options are `{ value: open_id }` and what comes back is that value);
 * - `date_picker`: `"yyyy-MM-dd +0800"`, the date and the clicker's UTC offset
 *   (https://open.feishu.cn/document/feishu-cards/card-json-v2-components/interactive-components/date-picker);
 * - `picker_time`: `"HH:mm +0800"`; `picker_datetime`: `"yyyy-MM-dd HH:mm +0800"` (same page family).
 * An absent or empty field reads as nothing; a present value of the wrong shape is not what
 * Lark sends and is refused naming the field (FormFieldError), never guessed.
 */
import { UserError } from '../errors.js';
import { isLarkId } from './events.js';

/** A calendar date picked in a card, with the clicker's UTC offset in minutes when Lark gave one. */
export interface FormDate {
  /** 'YYYY-MM-DD'. */
  date: string;
  offsetMinutes: number | null;
}

/** A time of day picked in a card. */
export interface FormTime {
  /** 'HH:MM', 24-hour. */
  time: string;
  offsetMinutes: number | null;
}

/**
 * A form value that is not of the shape its component sends; `field` is the component's name
 * (a handler that knows the field's label may answer with that instead).
 */
export class FormFieldError extends UserError {
  constructor(readonly field: string) {
    super('form.bad_value', { field });
    this.name = 'FormFieldError';
  }
}

/** The submitted form of a card callback (an empty one for a plain button). */
export function formOf(event: { formValue: Record<string, unknown> }): FormValues {
  return new FormValues(event.formValue);
}

const OFFSET = /([+-])(\d{2}):?(\d{2})$/;

function offsetOf(s: string): { rest: string; offsetMinutes: number | null } {
  const m = OFFSET.exec(s);
  if (!m) return { rest: s.trim(), offsetMinutes: null };
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 14 || Number(m[3]) > 59) return { rest: s, offsetMinutes: NaN };
  return { rest: s.slice(0, m.index).trim(), offsetMinutes: m[1] === '-' ? -minutes : minutes };
}

function validDate(ymd: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/** Typed reading of one submitted form. Every getter names the component by its `name`. */
export class FormValues {
  constructor(readonly raw: Readonly<Record<string, unknown>> = {}) {}

  /** Whether the form carried anything at all (a plain button click carries no form_value). */
  get isEmpty(): boolean {
    return Object.keys(this.raw).length === 0;
  }

  private value(name: string): unknown {
    return Object.hasOwn(this.raw, name) ? this.raw[name] : undefined;
  }

  private string(name: string): string | null {
    const v = this.value(name);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new FormFieldError(name);
    return v.trim() === '' ? null : v;
  }

  /** An `input`: what was typed, '' when nothing. Not trimmed or normalized: the caller's rule does that. */
  text(name: string): string {
    return this.string(name) ?? '';
  }

  /** A `select_static`: the chosen option's value, or null. */
  option(name: string): string | null {
    const v = this.string(name);
    return v === null ? null : v.trim();
  }

  /** A `select_person`: the chosen open_id, or null. */
  person(name: string): string | null {
    const v = this.value(name);
    // Some clients send a single choice as a one-element array; either shape means one person.
    const one = Array.isArray(v) && v.length <= 1 ? (v[0] ?? null) : v;
    if (one === undefined || one === null || one === '') return null;
    if (!isLarkId('open_id', one)) throw new FormFieldError(name);
    return one;
  }

  /** A `multi_select_person`: the chosen open_ids, in order, without repeats. */
  persons(name: string): string[] {
    const v = this.value(name);
    if (v === undefined || v === null || v === '') return [];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => isLarkId('open_id', x))) throw new FormFieldError(name);
    return [...new Set(list as string[])];
  }

  /** A `multi_select_static`: the chosen values. */
  options(name: string): string[] {
    const v = this.value(name);
    if (v === undefined || v === null || v === '') return [];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === 'string')) throw new FormFieldError(name);
    return [...new Set(list as string[])];
  }

  /** A `date_picker`: `yyyy-MM-dd` with Lark's ` +0800` offset (or without one). */
  date(name: string): FormDate | null {
    const v = this.string(name);
    if (v === null) return null;
    const { rest, offsetMinutes } = offsetOf(v);
    if (Number.isNaN(offsetMinutes) || !validDate(rest)) throw new FormFieldError(name);
    return { date: rest, offsetMinutes };
  }

  /** A `picker_time`: `HH:mm` with Lark's ` +0800` offset (or without one). */
  time(name: string): FormTime | null {
    const v = this.string(name);
    if (v === null) return null;
    const { rest, offsetMinutes } = offsetOf(v);
    const m = /^(\d{1,2}):(\d{2})$/.exec(rest);
    if (Number.isNaN(offsetMinutes) || !m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new FormFieldError(name);
    return { time: `${m[1]!.padStart(2, '0')}:${m[2]}`, offsetMinutes };
  }
}

/**
 * A picked date (and time) as the text the command's time parser reads, so a form deadline
 * means exactly what the typed one would: `2026-12-01` (the chat's end of day) or, with a
 * time, `2026-12-01T15:00+08:00` — that instant in the clicker's zone when Lark gave the offset.
 */
export function pickedDeadlineText(date: FormDate, time: FormTime | null): string {
  if (!time) return date.date;
  const offset = time.offsetMinutes ?? date.offsetMinutes;
  if (offset === null) return `${date.date} ${time.time}`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date.date}T${time.time}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
