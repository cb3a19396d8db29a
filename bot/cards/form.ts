/**
 * Form components of card JSON 2.0, each built the way its documentation page describes, so a
 * card holding them passes Lark (and the fake's rules, bot/sandbox/fake-lark/rules.ts). Read
 * the submitted values back with FormValues (bot/lark/form.ts) under the same names.
 * Pages, under https://open.feishu.cn/document/feishu-cards/card-json-v2-components/:
 * containers/form-container (a form sits at the card's root, has a unique name, every
 * interactive component in it has a name unique in the card, and one button submits it with
 * `form_action_type: "submit"`), interactive-components/input, …/date-picker and the picker
 * and selector pages (`placeholder` is needed when no initial value is given; `required`
 * works only inside a form; person options are `{ value: open_id }`).
 * @example formContainer('assign', [textInput('title', { placeholder: '事项' }), submitButton('提交', { a: 'assign_form' }, 'assign_submit')])
 */
import type { Card } from './primitives.js';

const text = (content: string) => ({ tag: 'plain_text', content });

/** A labelled field: Lark puts `label` on inputs only, so other components get a line above them. */
export function fieldLabel(label: string, required = false): Card {
  return { tag: 'markdown', content: required ? `**${label}** <font color='red'>*</font>` : `**${label}**`, text_size: 'notation' };
}

/** A form container: `elements` are the fields and the buttons (form-container page). */
export function formContainer(name: string, elements: Card[]): Card {
  return { tag: 'form', name, vertical_spacing: '8px', elements };
}

export interface FieldOptions {
  placeholder?: string;
  required?: boolean;
}

/** `input`: one line, or several with `multiline` (input page: max_length in [1,1000]). */
export function textInput(name: string, o: FieldOptions & { value?: string; maxLength?: number; multiline?: boolean; label?: string } = {}): Card {
  return {
    tag: 'input',
    name,
    width: 'fill',
    ...(o.multiline ? { input_type: 'multiline_text', rows: 3, auto_resize: true, max_rows: 8 } : {}),
    ...(o.label ? { label: text(o.label), label_position: 'top' } : {}),
    ...(o.placeholder ? { placeholder: text(o.placeholder) } : {}),
    ...(o.value ? { default_value: o.value } : {}),
    max_length: Math.min(1000, Math.max(1, o.maxLength ?? 1000)),
    ...(o.required ? { required: true } : {}),
  };
}

/** `select_person`: one person. No `options`: Lark offers the chat's members (selector page). */
export function personSelect(name: string, o: FieldOptions & { value?: string | null; options?: string[] } = {}): Card {
  return {
    tag: 'select_person',
    name,
    width: 'fill',
    placeholder: text(o.placeholder ?? ''),
    ...(o.options?.length ? { options: o.options.map((value) => ({ value })) } : {}),
    ...(o.value ? { initial_option: o.value } : {}),
    ...(o.required ? { required: true } : {}),
  };
}

/** `multi_select_person`: several people; `selected_values` are the ones already chosen. */
export function personsSelect(name: string, o: FieldOptions & { values?: string[]; options?: string[] } = {}): Card {
  return {
    tag: 'multi_select_person',
    name,
    width: 'fill',
    placeholder: text(o.placeholder ?? ''),
    ...(o.options?.length ? { options: o.options.map((value) => ({ value })) } : {}),
    ...(o.values?.length ? { selected_values: o.values } : {}),
    ...(o.required ? { required: true } : {}),
  };
}

/** `select_static`: one of fixed options, each `{ text, value }`; `initial_option` is a value. */
export function staticSelect(name: string, choices: Array<{ value: string; label: string }>, o: FieldOptions & { value?: string | null } = {}): Card {
  return {
    tag: 'select_static',
    name,
    width: 'fill',
    placeholder: text(o.placeholder ?? ''),
    options: choices.map((c) => ({ text: text(c.label), value: c.value })),
    ...(o.value && choices.some((c) => c.value === o.value) ? { initial_option: o.value } : {}),
    ...(o.required ? { required: true } : {}),
  };
}

/** `date_picker`: `initial_date` is `yyyy-MM-dd` (date picker page). */
export function datePicker(name: string, o: FieldOptions & { value?: string | null } = {}): Card {
  return {
    tag: 'date_picker',
    name,
    width: 'fill',
    placeholder: text(o.placeholder ?? ''),
    ...(o.value ? { initial_date: o.value } : {}),
    ...(o.required ? { required: true } : {}),
  };
}

/** `picker_time`: `initial_time` is `HH:mm`. */
export function timePicker(name: string, o: FieldOptions & { value?: string | null } = {}): Card {
  return {
    tag: 'picker_time',
    name,
    width: 'fill',
    placeholder: text(o.placeholder ?? ''),
    ...(o.value ? { initial_time: o.value } : {}),
    ...(o.required ? { required: true } : {}),
  };
}

/**
 * The form's submit button: `form_action_type: "submit"` sends every field of the form as
 * `form_value`, with the button's callback `value` as `action.value` (form-container page).
 */
export function submitButton(label: string, value: Record<string, unknown>, name: string, type: 'primary' | 'danger' = 'primary'): Card {
  return { tag: 'button', name, text: text(label), type, form_action_type: 'submit', behaviors: [{ type: 'callback', value }] };
}

/** A button that puts the form back to its initial values, in the client only. */
export function resetButton(label: string, name: string): Card {
  return { tag: 'button', name, text: text(label), type: 'default', form_action_type: 'reset' };
}

/** Two or more components side by side in a form (a date and a time), each taking an equal share. */
export function sideBySide(elements: Card[]): Card {
  return {
    tag: 'column_set',
    flex_mode: 'none',
    horizontal_spacing: '8px',
    columns: elements.map((e) => ({ tag: 'column', width: 'weighted', weight: 1, elements: [e] })),
  };
}
