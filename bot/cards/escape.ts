/**
 * User text inside card markdown (JSON 2.0 `markdown` / lark_md) must read as text: a title
 * or progress note containing `<at id=all></at>`, `<a href>`, `[x](url)`, `**`, `~~`,
 * `<font>`, `<text_tag>`, `<link>` … must neither @-mention anyone nor link, style or tag
 * anything. Lark's card markdown renders HTML character references (its docs list `&#60;`,
 * `&#42;` … as the way to show the syntax characters literally), so every character the
 * renderer gives a meaning is written as a numeric reference. Newlines are kept as line
 * breaks but cannot open a heading, list, quote or code block because `#`, `-`, `+`, `>`,
 * `` ` `` and digits-dot are encoded too.
 * @example escapeMarkdown('<at id=all></at>') // → '&#60;at id&#61;all&#62;&#60;/at&#62;'
 */

// Every ASCII character with a meaning in Lark markdown or its HTML subset, plus `&` so a
// user-typed entity (`&#60;at…`) stays literal instead of being decoded into a tag.
const SPECIAL = /[&<>*_~`[\]()#+\-!|\\{}$=:"'/.@^]/g;

// Characters that are invisible or reorder text: they could hide a tag from a reader (a
// zero-width joiner inside `<a t id=all>`) or flip the visible order (bidi overrides).
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// A zero-width joiner is kept only where it joins two emoji (👨‍👩‍👧 is one picture, not three).
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}[\u{FE0F}\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

function dropInvisible(text: string): string {
  return text.replace(INVISIBLE, '').replace(STRAY_ZWJ, '');
}

/** Escapes user text for a card markdown element. Lines are kept; control characters dropped. */
export function escapeMarkdown(text: string): string {
  return dropInvisible(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes user text for a single line (titles in lists, table cells): newlines become spaces. */
export function escapeInline(text: string): string {
  return escapeMarkdown(text.replace(/[\r\n\t]+/g, ' '));
}

/**
 * Plain-text fields (`plain_text` header titles, button labels) are not parsed as markdown,
 * but are still stripped of invisible and control characters and bounded in length.
 */
export function plainText(text: string, max = 200): string {
  // Brackets become full-width look-alikes too, in case a client ever reads tags in plain text.
  const clean = dropInvisible(text)
    .replace(/[\u0000-\u001F\u007F]+/g, ' ')
    .replace(/</g, '＜')
    .replace(/>/g, '＞');
  return truncate(clean, max);
}

/** Cuts at `max` code points with an ellipsis (never splitting a surrogate pair). */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A mention the bot itself writes: only ids we resolved from Lark, never user text. */
export function atUser(openId: string): string {
  // open_ids are [A-Za-z0-9_-]; anything else is refused rather than written into a tag.
  if (!/^[A-Za-z0-9_-]+$/.test(openId) || openId === 'all') return '';
  return `<at id=${openId}></at>`;
}

/**
 * User text inside a `text` message: `<at user_id="all">` there is a real mention, `<b>`/`<s>`
 * style it and `[text](url)` is a link (open.feishu.cn, the card's lark_md syntax). Angle and square brackets become
 * their full-width look-alikes, which read the same to a person and are no markup to Lark.
 */
export function escapeText(text: string): string {
  return dropInvisible(text).replace(/</g, '＜').replace(/>/g, '＞').replace(/\[/g, '［').replace(/\]/g, '］');
}
