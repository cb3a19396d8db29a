/**
 * Message catalogue: every sentence the bot says, in Chinese (default) and English.
 * Each area keeps its own catalogue under bot/i18n/ (a plain object, not annotated, so its keys
 * stay known); AREAS merges them and `MessageKey` is the union of their keys, so a wrong key
 * fails the type check, not a chat. Placeholders are {name}; a missing key still throws.
 */
import type { Lang } from './domain/types.js';
import { chase } from './i18n/chase.js';
import { common } from './i18n/common.js';
import { intake } from './i18n/intake.js';
import { digest } from './i18n/digest.js';
import { edits } from './i18n/edits.js';
import { form } from './i18n/form.js';
import { leave } from './i18n/leave.js';
import { parse } from './i18n/parse.js';
import { revisit } from './i18n/revisit.js';
import { series } from './i18n/series.js';
import { task } from './i18n/task.js';

/** One sentence in both languages. */
export interface Message {
  zh: string;
  en: string;
}
export type Catalogue = Record<string, Message>;

/** Every area's catalogue. A new area file is added here; its keys then type-check everywhere. */
const AREAS = { common, chase, task, parse, digest, revisit, form, edits, intake, leave, series } satisfies Record<string, Catalogue>;
type Areas = typeof AREAS;

/** Every message key there is. */
export type MessageKey = { [A in keyof Areas]: keyof Areas[A] }[keyof Areas] & string;

type Tail<K, P extends string> = K extends `${P}${infer R}` ? R : never;
/** The ends of the keys under a prefix: `KeyTail<'task.btn.'>` is 'accept' | 'submit' | …. */
export type KeyTail<P extends string> = Tail<MessageKey, P>;

// An area annotated `: Catalogue` would hide its keys and let every wrong key through: this
// line then fails to type-check, naming the area. Write `export const area = { … }` instead.
type Unkeyed = { [A in keyof Areas]: string extends keyof Areas[A] ? A : never }[keyof Areas];
const everyAreaKeepsItsKeys: [Unkeyed] extends [never] ? true : Unkeyed = true;
void everyAreaKeepsItsKeys;

const catalogue: Record<string, Message> = {};
for (const [area, part] of Object.entries(AREAS)) {
  for (const [key, value] of Object.entries(part as Catalogue)) {
    if (catalogue[key]) throw new Error(`duplicate message key ${key} (area ${area})`);
    catalogue[key] = value;
  }
}

export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const entry = catalogue[key];
  if (!entry) throw new Error(`unknown message key ${key}`);
  return entry[lang].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Whether a key built at run time (from an event kind, a verb) names a message. */
export function hasMessage(key: string): key is MessageKey {
  return key in catalogue;
}
