/**
 * Message catalogue: every sentence the bot says, in Chinese (default) and English.
 * Each area keeps its own catalogue under bot/i18n/; this file merges them.
 * Placeholders are {name}; a missing key is a bug and throws.
 */
import type { Lang } from './domain/types.js';
import { chase } from './i18n/chase.js';
import { common } from './i18n/common.js';
import { digest } from './i18n/digest.js';
import { form } from './i18n/form.js';
import { edits } from './i18n/edits.js';
import { intake } from './i18n/intake.js';
import { parse } from './i18n/parse.js';
import { revisit } from './i18n/revisit.js';
import { task } from './i18n/task.js';

export type Catalogue = Record<string, { zh: string; en: string }>;

const catalogue: Catalogue = { ...common, ...chase, ...task, ...parse };

export function registerCatalogue(part: Catalogue): void {
  for (const [key, value] of Object.entries(part)) {
    if (catalogue[key] && catalogue[key] !== value) throw new Error(`duplicate message key ${key}`);
    catalogue[key] = value;
  }
}

export function t(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  const entry = catalogue[key];
  if (!entry) throw new Error(`unknown message key ${key}`);
  return entry[lang].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function hasMessage(key: string): boolean {
  return key in catalogue;
}

registerCatalogue(digest);
registerCatalogue(revisit);
registerCatalogue(form);
registerCatalogue(edits);
registerCatalogue(intake);
