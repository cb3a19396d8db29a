/**
 * The 交办 form (新建督办): what /交办 asks for, as a card JSON 2.0 form — 事项, 详情, 主办,
 * 协办, 截止 (a date and a time picker, or a shortcut such as 3个工作日内), 类别, 紧急程度,
 * 来源/文号, 督办领导 — with whatever was already given filled in. Pure.
 * Submitting it sends `{ a: 'assign_form' }` with every field in `form_value`
 * (handlers/assign-form.ts reads it with FormValues under the names in ASSIGN_FIELDS).
 * Components as their pages describe them (bot/cards/form.ts).
 */
import type { Category, Lang, Priority } from '../domain/types.js';
import { t, type KeyTail } from '../i18n.js';
import {
  datePicker,
  fieldLabel,
  formContainer,
  personSelect,
  personsSelect,
  resetButton,
  sideBySide,
  staticSelect,
  submitButton,
  textInput,
  timePicker,
} from './form.js';
import { md, shell, type Card } from './primitives.js';

/** The names of the form's components, read back from `form_value`. */
export const ASSIGN_FIELDS = {
  title: 'title',
  detail: 'detail',
  lead: 'lead',
  co: 'co',
  dueDate: 'due_date',
  dueTime: 'due_time',
  dueShortcut: 'due_quick',
  category: 'category',
  priority: 'priority',
  source: 'source',
  supervisor: 'supervisor',
} as const;
export type AssignField = keyof typeof ASSIGN_FIELDS;

export const ASSIGN_SUBMIT = 'assign_submit';

/**
 * 截止 shortcuts: each value is a phrase the command's time parser reads (bot/parse/time.ts),
 * so a shortcut means exactly what typing it after 截止 would.
 */
export const DUE_SHORTCUTS: ReadonlyArray<{ value: string; phrase: string; zh: string; en: string }> = [
  { value: 'd1', phrase: '明天', zh: '明天下班前', en: 'Tomorrow' },
  { value: 'w3', phrase: '3个工作日内', zh: '3个工作日内', en: 'Within 3 workdays' },
  { value: 'w5', phrase: '5个工作日内', zh: '5个工作日内', en: 'Within 5 workdays' },
  { value: 'w10', phrase: '10个工作日内', zh: '10个工作日内', en: 'Within 10 workdays' },
  { value: 'fri', phrase: '周五', zh: '本周五（今天已过则下周五）', en: 'Friday' },
  { value: 'nfri', phrase: '下周五', zh: '下周五', en: 'Next Friday' },
  { value: 'eom', phrase: '月底', zh: '月底', en: 'End of the month' },
];

const CATEGORIES: Category[] = ['decision', 'special', 'livelihood'];
const PRIORITIES: Priority[] = ['normal', 'high', 'urgent'];

/** What the form shows: the values to start from (all optional). */
export interface AssignFormValues {
  title?: string;
  detail?: string;
  lead?: string | null;
  co?: string[];
  /** 'YYYY-MM-DD' in the office's zone. */
  dueDate?: string | null;
  /** 'HH:MM'. */
  dueTime?: string | null;
  dueShortcut?: string | null;
  category?: Category | null;
  priority?: Priority;
  source?: string;
  supervisor?: string | null;
}

export interface AssignFormOptions {
  lang: Lang;
  /** One line above the fields: what is missing, or why the last submission was refused. */
  note?: string | null;
  /**
   * People the person selectors offer. Empty: Lark offers the members of the chat the card is in
   * (user picker pages: "为空时候选项为会话全体成员"), right in a group; in p2p the caller passes colleagues.
   */
  people?: string[];
}

/** The label of a field as the form and its refusals name it. */
export function assignFieldLabel(field: AssignField, lang: Lang): string {
  return t(lang, `form.assign.${field}`);
}

export function assignFormCard(values: AssignFormValues, o: AssignFormOptions): Card {
  const { lang } = o;
  const L = (f: AssignField) => assignFieldLabel(f, lang);
  const P = (k: KeyTail<'form.assign.placeholder.'>) => t(lang, `form.assign.placeholder.${k}`);
  const F = ASSIGN_FIELDS;
  const people = o.people?.length ? o.people : undefined;
  const keep = (id: string | null | undefined) => (id && (!people || people.includes(id)) ? id : null);
  const fields: Card[] = [
    textInput(F.title, { label: L('title'), placeholder: P('title'), value: values.title, maxLength: 1000 }),
    textInput(F.detail, { label: L('detail'), placeholder: P('detail'), value: values.detail, multiline: true, maxLength: 1000 }),
    fieldLabel(L('lead'), true),
    personSelect(F.lead, { placeholder: P('lead'), value: keep(values.lead), options: people }),
    fieldLabel(L('co')),
    personsSelect(F.co, { placeholder: P('co'), values: (values.co ?? []).filter((id) => keep(id)), options: people }),
    fieldLabel(L('dueDate')),
    sideBySide([
      datePicker(F.dueDate, { placeholder: P('dueDate'), value: values.dueDate }),
      timePicker(F.dueTime, { placeholder: P('dueTime'), value: values.dueTime }),
    ]),
    staticSelect(
      F.dueShortcut,
      DUE_SHORTCUTS.map((s) => ({ value: s.value, label: lang === 'zh' ? s.zh : s.en })),
      { placeholder: P('dueShortcut'), value: values.dueShortcut },
    ),
    fieldLabel(`${L('category')} · ${L('priority')}`),
    sideBySide([
      staticSelect(
        F.category,
        CATEGORIES.map((c) => ({ value: c, label: t(lang, `form.assign.category.${c}`) })),
        { placeholder: P('category'), value: values.category },
      ),
      staticSelect(
        F.priority,
        PRIORITIES.map((p) => ({ value: p, label: t(lang, `form.assign.priority.${p}`) })),
        { placeholder: P('priority'), value: values.priority ?? 'normal' },
      ),
    ]),
    textInput(F.source, { label: L('source'), placeholder: P('source'), value: values.source, maxLength: 200 }),
    fieldLabel(L('supervisor')),
    personSelect(F.supervisor, { placeholder: P('supervisor'), value: keep(values.supervisor), options: people }),
    sideBySide([submitButton(t(lang, 'form.assign.submit'), { a: 'assign_form' }, ASSIGN_SUBMIT), resetButton(t(lang, 'form.assign.reset'), 'assign_reset')]),
  ];
  const els: Card[] = [];
  if (o.note) els.push(md(o.note));
  els.push(formContainer('assign', fields));
  els.push({ tag: 'markdown', content: t(lang, 'form.assign.syntax_hint'), text_size: 'notation' });
  return shell({ title: { tag: 'plain_text', content: t(lang, 'form.assign.card_title') }, template: 'blue' }, els);
}
