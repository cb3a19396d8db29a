/**
 * The /帮助 card and its plain-text form: the 交办 form first (a 新建督办 button, the menu), the
 * command syntax second. Pure.
 */
import { t } from '../i18n.js';
import type { Lang } from '../domain/types.js';
import { button, buttonRow, md, shell, type Card } from './primitives.js';

export function helpCard(lang: Lang): Card {
  return shell({ title: { tag: 'plain_text', content: t(lang, 'task.help.title') }, template: 'blue' }, [
    md(t(lang, 'form.help.form')),
    buttonRow([button(t(lang, 'form.help.new_task'), { a: 'new_task' }, 'primary')]),
    { tag: 'hr' },
    md(`${t(lang, 'form.help.syntax')}\n${t(lang, 'task.help.body')}`),
  ]);
}

export function helpText(lang: Lang): string {
  return `${t(lang, 'form.help.text')}${t(lang, 'task.help.text')}`;
}
