/**
 * The inputs on a task card, where an action needs more than a press: 汇报进展 (what was done,
 * with an optional percent), 申请延期 (a new date, a time, and the reason) and 退回 (the reason).
 * Each is a JSON 2.0 form (bot/cards/form.ts); handlers/actions.ts reads it back with FormValues
 * under the names in FORM_FIELDS. Pure.
 */
import type { Lang, Task } from '../domain/types.js';
import { t } from '../i18n.js';
import { datePicker, formContainer, sideBySide, staticSelect, submitButton, textInput, timePicker } from './form.js';
import type { ButtonValue } from './payload.js';
import type { Card } from './primitives.js';

/** Names of the inputs inside the task cards' forms, read back from `form_value`. */
export const FORM_FIELDS = {
  progressText: 'progress_text',
  progressPercent: 'progress_percent',
  rejectReason: 'reject_reason',
  extendDate: 'extend_date',
  extendTime: 'extend_time',
  extendReason: 'extend_reason',
} as const;

/** The percents 汇报进展 offers (0–100 in tens). */
export const PERCENTS = Array.from({ length: 11 }, (_, i) => i * 10);

/** 汇报进展: the text, a percent (optional: "完成70%" in the text counts too), and the button. */
export function progressForm(task: Pick<Task, 'id' | 'percent'>, lang: Lang, label: string, value: ButtonValue): Card {
  const name = `progress_${task.id}`;
  return formContainer(name, [
    textInput(FORM_FIELDS.progressText, { placeholder: t(lang, 'task.card.progress_placeholder'), maxLength: 1000 }),
    sideBySide([
      staticSelect(
        FORM_FIELDS.progressPercent,
        PERCENTS.map((p) => ({ value: String(p), label: `${p}%` })),
        { placeholder: t(lang, 'form.progress.percent_placeholder') },
      ),
      submitButton(label, value, `${name}_submit`),
    ]),
  ]);
}

/** 申请延期: the new date (and time; the chat's end of day when left empty) and why. */
export function extensionForm(task: Pick<Task, 'id'>, lang: Lang, label: string, value: ButtonValue): Card {
  const name = `extend_${task.id}`;
  return formContainer(name, [
    sideBySide([
      datePicker(FORM_FIELDS.extendDate, { placeholder: t(lang, 'form.extend.date_placeholder') }),
      timePicker(FORM_FIELDS.extendTime, { placeholder: t(lang, 'form.extend.time_placeholder') }),
    ]),
    sideBySide([
      textInput(FORM_FIELDS.extendReason, { placeholder: t(lang, 'form.extend.reason_placeholder'), maxLength: 1000 }),
      submitButton(label, value, `${name}_submit`),
    ]),
  ]);
}

/** 退回: the reason and the button. */
export function rejectForm(task: Pick<Task, 'id'>, lang: Lang, label: string, value: ButtonValue): Card {
  const name = `reject_${task.id}`;
  return formContainer(name, [
    sideBySide([
      textInput(FORM_FIELDS.rejectReason, { placeholder: t(lang, 'task.card.reason_placeholder'), maxLength: 1000 }),
      submitButton(label, value, `${name}_submit`, 'danger'),
    ]),
  ]);
}
