/** The /帮助 card and its plain-text form. Pure. */
import { t } from '../i18n.js';
import type { Lang } from '../domain/types.js';
import { md, shell, type Card } from './primitives.js';

export function helpCard(lang: Lang): Card {
  return shell({ title: { tag: 'plain_text', content: t(lang, 'task.help.title') }, template: 'blue' }, [md(t(lang, 'task.help.body'))]);
}

export function helpText(lang: Lang): string {
  return t(lang, 'task.help.text');
}
