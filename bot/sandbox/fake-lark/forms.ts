/**
 * What Lark's client does when someone fills in a card's form and presses its submit button:
 * it collects every named component of that form container, refuses locally when a
 * `required` one is empty ("有必填项未填写", no callback is sent), and posts one
 * card.action.trigger whose `action` holds the button's callback `value`, its `name` and
 * `form_value` = { <component name>: <value> } in each component's documented shape:
 * input → the text; select_static → the option's value; multi_select_static → an array of
 * values; select_person → an open_id; multi_select_person → an array of open_ids;
 * date_picker → "yyyy-MM-dd +0800"; picker_time → "HH:mm +0800"; picker_datetime →
 * "yyyy-MM-dd HH:mm +0800" (form-container page and each picker's page, JSON 2.0:
 * https://open.feishu.cn/document/feishu-cards/card-json-v2-components/containers/form-container,
 * https://open.feishu.cn/document/feishu-cards/card-callback-communication).
 * A component left untouched sends its initial value; one with neither is left out.
 *
 * Input is what a person would pick: dates as `yyyy-MM-dd`, times as `HH:mm`, people as
 * open_ids. Asking for what the card does not offer (a field the form does not have, an
 * option it does not list, a person outside the chat) throws: the test is wrong, not the bot.
 */
import { FORM_FIELDS } from './rules.js';

type Json = Record<string, any>;

export interface FormField {
  tag: string;
  name: string;
  required: boolean;
  el: Json;
}

export interface FormSubmission {
  /** The submit button's callback value (action.value). */
  value: Json;
  /** The submit button's name (action.name). */
  name: string;
  formValue: Json;
}

/** The user's zone as Lark's pickers write it (the fake's users are in Asia/Shanghai). */
export const FAKE_UTC_OFFSET = '+0800';

function walk(node: unknown, visit: (el: Json) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    const el = node as Json;
    if (typeof el.tag === 'string') visit(el);
    for (const k of ['elements', 'columns']) if (Array.isArray(el[k])) walk(el[k], visit);
  }
}

/** The forms of a card, each with its named fields and submit buttons. */
export function formsOf(card: Json): Array<{ name: string; fields: FormField[]; submits: Json[] }> {
  const out: Array<{ name: string; fields: FormField[]; submits: Json[] }> = [];
  for (const el of (card?.body?.elements ?? []) as Json[]) {
    if (el?.tag !== 'form') continue;
    const fields: FormField[] = [];
    const submits: Json[] = [];
    walk(el.elements, (c) => {
      if (FORM_FIELDS.has(c.tag) && typeof c.name === 'string') fields.push({ tag: c.tag, name: c.name, required: c.required === true, el: c });
      if (c.tag === 'button' && c.form_action_type === 'submit') submits.push(c);
    });
    out.push({ name: String(el.name), fields, submits });
  }
  return out;
}

function initialOf(f: FormField): unknown {
  const e = f.el;
  switch (f.tag) {
    case 'input':
      return e.default_value;
    case 'select_static':
    case 'select_person':
      return e.initial_option;
    case 'multi_select_static':
    case 'multi_select_person':
      return Array.isArray(e.selected_values) && e.selected_values.length ? e.selected_values : undefined;
    case 'date_picker':
      return e.initial_date === undefined ? undefined : `${e.initial_date} ${FAKE_UTC_OFFSET}`;
    case 'picker_time':
      return e.initial_time === undefined ? undefined : `${e.initial_time} ${FAKE_UTC_OFFSET}`;
    case 'picker_datetime':
      return e.initial_datetime === undefined ? undefined : `${e.initial_datetime} ${FAKE_UTC_OFFSET}`;
  }
  return undefined;
}

function picked(f: FormField, input: unknown, chatMembers: ReadonlySet<string> | null): unknown {
  const e = f.el;
  const where = `form field ${f.name} (${f.tag})`;
  const staticValues = new Set(((e.options ?? []) as Json[]).map((o) => o.value));
  const personOffered = (id: unknown): boolean =>
    Array.isArray(e.options) && e.options.length ? (e.options as Json[]).some((o) => o.value === id) : chatMembers === null || chatMembers.has(id as string);
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  switch (f.tag) {
    case 'input': {
      if (typeof input !== 'string') throw new Error(`${where} takes text`);
      if (typeof e.max_length === 'number' && [...input].length > e.max_length)
        throw new Error(`${where}: the client stops typing at ${e.max_length} characters`);
      return input;
    }
    case 'select_static':
      if (!staticValues.has(input)) throw new Error(`${where} offers no option ${JSON.stringify(input)}`);
      return input;
    case 'multi_select_static':
      for (const v of list(input)) if (!staticValues.has(v)) throw new Error(`${where} offers no option ${JSON.stringify(v)}`);
      return list(input);
    case 'select_person':
      if (!personOffered(input)) throw new Error(`${where} does not offer ${String(input)}`);
      return input;
    case 'multi_select_person':
      for (const v of list(input)) if (!personOffered(v)) throw new Error(`${where} does not offer ${String(v)}`);
      return list(input);
    case 'date_picker':
      if (typeof input !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(input)) throw new Error(`${where} picks a date as yyyy-MM-dd`);
      return `${input} ${FAKE_UTC_OFFSET}`;
    case 'picker_time':
      if (typeof input !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(input)) throw new Error(`${where} picks a time as HH:mm`);
      return `${input} ${FAKE_UTC_OFFSET}`;
    case 'picker_datetime':
      if (typeof input !== 'string' || !/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d$/.test(input)) throw new Error(`${where} picks yyyy-MM-dd HH:mm`);
      return `${input} ${FAKE_UTC_OFFSET}`;
  }
  throw new Error(`${where}: the fake does not fill this kind of field`);
}

/**
 * The callback a press of a form's submit button produces. `button` names the submit button
 * when the card has more than one; `values` are what the person typed or picked, by field name
 * (a field set to '' or [] is cleared; one not given keeps its initial value).
 */
export function submitForm(card: Json, o: { button?: string; values: Record<string, unknown>; chatMembers?: ReadonlySet<string> | null }): FormSubmission {
  const forms = formsOf(card);
  const candidates = forms.flatMap((f) => f.submits.map((b) => ({ form: f, button: b })));
  const chosen = o.button ? candidates.filter((c) => c.button.name === o.button) : candidates;
  if (chosen.length !== 1) {
    throw new Error(
      o.button
        ? `the card has no submit button named ${o.button} (it has: ${candidates.map((c) => c.button.name).join(', ') || 'none'})`
        : `the card has ${candidates.length} submit buttons; say which (${candidates.map((c) => c.button.name).join(', ')})`,
    );
  }
  const { form, button } = chosen[0]!;
  const byName = new Map(form.fields.map((f) => [f.name, f]));
  for (const k of Object.keys(o.values)) if (!byName.has(k)) throw new Error(`form ${form.name} has no field ${k} (it has: ${[...byName.keys()].join(', ')})`);
  const formValue: Json = {};
  for (const f of form.fields) {
    const given = Object.hasOwn(o.values, f.name) ? o.values[f.name] : undefined;
    const cleared = given === '' || (Array.isArray(given) && given.length === 0);
    const v = cleared ? undefined : given === undefined ? initialOf(f) : picked(f, given, o.chatMembers ?? null);
    if (v === undefined) {
      // The client itself refuses: "有必填项未填写", and no callback is sent (form-container page).
      if (f.required) throw new RequiredFieldEmpty(f.name);
      continue;
    }
    formValue[f.name] = v;
  }
  const behavior = ((button.behaviors ?? []) as Json[]).find((b) => b.type === 'callback');
  return { value: (behavior?.value as Json) ?? {}, name: String(button.name ?? ''), formValue };
}

/** The client did not send the form: a required field was empty. */
export class RequiredFieldEmpty extends Error {
  constructor(readonly field: string) {
    super(`Lark's client sends no callback: required field ${field} is empty (有必填项未填写)`);
    this.name = 'RequiredFieldEmpty';
  }
}
