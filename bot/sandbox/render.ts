/**
 * Lark messages → HTML for the sandbox page: card JSON 2.0 (and the common 1.0 elements),
 * text messages with `<at>` mentions, and rich-text `post` messages.
 *
 * The one rule: nothing from the card or message is ever written as markup. Every piece of
 * text is decoded (Lark's markdown renders character references such as `&#60;`, which is
 * how bot/cards/escape.ts keeps user text literal) and then HTML-escaped; the only tags in
 * the output are the ones this file writes, and attribute values are escaped or taken from
 * fixed lists (colours, sizes). Links keep only http(s) and mailto URLs.
 *
 * Buttons come out as `<button data-card-action='{json}'>`; the page script posts the value
 * (and, inside a form, the form's inputs) back as a card.action.trigger event.
 */

export interface RenderContext {
  /** Display name of an open_id (people of the sandbox, the bot). */
  nameOf(openId: string): string | undefined;
  lang: 'zh' | 'en';
  /** Formats a time for table `date` cells; defaults to ISO in UTC. */
  formatTime?(ms: number): string;
  /** The chat's members: what a person selector without `options` offers (Lark offers the chat's members). */
  members?: readonly string[];
}

type Json = Record<string, any>;

// ───────────────────────── escaping ─────────────────────────

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references Lark's markdown understands (numeric and a few named). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,6});/g, (m, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return m;
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? m;
  });
}

/** Text from the card: decode references, then escape. */
const txt = (s: unknown): string => escapeHtml(decodeEntities(String(s ?? '')));

/** Only http(s) and mailto survive; anything else (javascript:, data:, lark://) is dropped. */
export function safeUrl(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const url = decodeEntities(raw).trim();
  if (/^https?:\/\/[^\s]+$/i.test(url) || /^mailto:[^\s]+$/i.test(url)) return url;
  return null;
}

// Lark's colour names (card templates, text_tag, font colours) map to CSS classes, never to inline styles.
const COLORS = new Set([
  'blue',
  'wathet',
  'turquoise',
  'green',
  'yellow',
  'orange',
  'red',
  'carmine',
  'violet',
  'purple',
  'indigo',
  'grey',
  'gray',
  'neutral',
  'default',
]);
const colorClass = (c: unknown, prefix: string): string => {
  const name =
    typeof c === 'string'
      ? c
          .toLowerCase()
          .replace(/^(light|dark)[-_]?/, '')
          .replace(/[-_].*$/, '')
      : '';
  return COLORS.has(name) ? `${prefix}-${name === 'gray' ? 'grey' : name}` : `${prefix}-default`;
};

// ───────────────────────── markdown (Lark's card markdown subset) ─────────────────────────

function mentionHtml(id: string, ctx: RenderContext, fallbackName?: string): string {
  if (id === 'all') return `<span class="at at-all">@${ctx.lang === 'zh' ? '所有人' : 'all'}</span>`;
  const name = ctx.nameOf(id) ?? (fallbackName ? decodeEntities(fallbackName) : id);
  return `<span class="at" data-open-id="${escapeHtml(id)}">@${escapeHtml(name)}</span>`;
}

/** Attribute values inside a Lark markdown tag: `id=ou_1`, `id="ou_1"`, `color='red'`. */
function attrOf(attrs: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '') : null;
}

interface InlineRule {
  re: RegExp;
  render(m: RegExpExecArray, ctx: RenderContext, depth: number): string;
}

// Tried at every position, first match wins. Content inside a construct is rendered again
// (bold around a mention), to a bounded depth.
const INLINE_RULES: InlineRule[] = [
  {
    re: /<at\s+([^>]*)>([^<]*)<\/at>/iy,
    render: (m, ctx) => {
      const id = attrOf(m[1]!, 'id') ?? attrOf(m[1]!, 'user_id') ?? attrOf(m[1]!, 'open_id') ?? attrOf(m[1]!, 'email') ?? '';
      return id ? mentionHtml(id, ctx, m[2] || undefined) : txt(m[0]);
    },
  },
  {
    re: /<font\s+([^>]*)>([\s\S]*?)<\/font>/iy,
    render: (m, ctx, d) => `<span class="${colorClass(attrOf(m[1]!, 'color'), 'fc')}">${inline(m[2]!, ctx, d + 1)}</span>`,
  },
  {
    re: /<text_tag\s*([^>]*)>([\s\S]*?)<\/text_tag>/iy,
    render: (m, ctx, d) => `<span class="tag ${colorClass(attrOf(m[1]!, 'color'), 'tc')}">${inline(m[2]!, ctx, d + 1)}</span>`,
  },
  {
    re: /<a\s+([^>]*)>([\s\S]*?)<\/a>/iy,
    render: (m, ctx, d) => link(safeUrl(attrOf(m[1]!, 'href')), inline(m[2]!, ctx, d + 1)),
  },
  {
    re: /<link\s+([^>]*)>([\s\S]*?)<\/link>/iy,
    render: (m, ctx, d) => link(safeUrl(attrOf(m[1]!, 'url')), inline(m[2]! || attrOf(m[1]!, 'url') || '', ctx, d + 1)),
  },
  {
    re: /<local_datetime\s+([^>]*)>\s*<\/local_datetime>/iy,
    render: (m, ctx) => {
      const ms = Number(attrOf(m[1]!, 'millisecond'));
      return Number.isFinite(ms) && ms > 0 ? escapeHtml(ctx.formatTime ? ctx.formatTime(ms) : new Date(ms).toISOString()) : '';
    },
  },
  { re: /<br\s*\/?>/iy, render: () => '<br>' },
  { re: /\[([^\]\n]+)\]\(([^)\s]+)\)/y, render: (m, ctx, d) => link(safeUrl(m[2]), inline(m[1]!, ctx, d + 1)) },
  { re: /\*\*([^\n]+?)\*\*/y, render: (m, ctx, d) => `<strong>${inline(m[1]!, ctx, d + 1)}</strong>` },
  { re: /~~([^\n]+?)~~/y, render: (m, ctx, d) => `<del>${inline(m[1]!, ctx, d + 1)}</del>` },
  { re: /\*([^*\n]+?)\*/y, render: (m, ctx, d) => `<em>${inline(m[1]!, ctx, d + 1)}</em>` },
  { re: /`([^`\n]+)`/y, render: (m) => `<code>${txt(m[1])}</code>` },
];

function link(url: string | null, inner: string): string {
  return url ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer nofollow">${inner}</a>` : inner;
}

const INLINE_START = /[<[*~`]/;

/** One line of markdown, inline constructs only. */
function inline(src: string, ctx: RenderContext, depth = 0): string {
  if (depth > 6) return txt(src);
  let out = '';
  let plain = '';
  let i = 0;
  outer: while (i < src.length) {
    const ch = src[i]!;
    if (INLINE_START.test(ch)) {
      for (const rule of INLINE_RULES) {
        rule.re.lastIndex = i;
        const m = rule.re.exec(src);
        if (m) {
          out += txt(plain) + rule.render(m, ctx, depth);
          plain = '';
          i += m[0].length;
          continue outer;
        }
      }
    }
    plain += ch;
    i++;
  }
  return out + txt(plain);
}

/** Card markdown: headings, lists, quotes, `---`, line breaks, and the inline constructs. */
export function renderMarkdown(src: unknown, ctx: RenderContext): string {
  const lines = String(src ?? '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const out: string[] = [];
  let list: 'ul' | 'ol' | null = null;
  const closeList = () => {
    if (list) out.push(`</${list}>`);
    list = null;
  };
  let pendingBreak = false;
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      closeList();
      pendingBreak = false;
      const level = Math.min(6, m[1]!.length + 2);
      out.push(`<h${level} class="md-h">${inline(m[2]!, ctx)}</h${level}>`);
    } else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) {
      if (list !== 'ul') {
        closeList();
        out.push('<ul>');
        list = 'ul';
      }
      pendingBreak = false;
      out.push(`<li>${inline(m[1]!, ctx)}</li>`);
    } else if ((m = /^\s*\d+\.\s+(.*)$/.exec(line))) {
      if (list !== 'ol') {
        closeList();
        out.push('<ol>');
        list = 'ol';
      }
      pendingBreak = false;
      out.push(`<li>${inline(m[1]!, ctx)}</li>`);
    } else if ((m = /^>\s?(.*)$/.exec(line))) {
      closeList();
      pendingBreak = false;
      out.push(`<blockquote>${inline(m[1]!, ctx)}</blockquote>`);
    } else if (/^\s*(-{3,}|\*{3,})\s*$/.test(line)) {
      closeList();
      pendingBreak = false;
      out.push('<hr>');
    } else {
      closeList();
      if (pendingBreak) out.push('<br>');
      out.push(inline(line, ctx));
      pendingBreak = true;
    }
  }
  closeList();
  return out.join('');
}

/** A `text` message: plain text with `<at user_id="…">name</at>` mentions; no markdown. */
export function renderTextMessage(text: unknown, ctx: RenderContext): string {
  const src = String(text ?? '');
  const re = /<at\s+([^>]*)>([^<]*)<\/at>/gi;
  let out = '';
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const id = attrOf(m[1]!, 'user_id') ?? attrOf(m[1]!, 'id') ?? attrOf(m[1]!, 'open_id') ?? '';
    out += plainWithBreaks(src.slice(last, m.index)) + (id ? mentionHtml(id, ctx, m[2] || undefined) : plainWithBreaks(m[0]));
    last = m.index + m[0].length;
  }
  return out + plainWithBreaks(src.slice(last));
}

/**
 * What a person typed, as the event carries it: `@_user_N` placeholders resolved through the
 * message's mentions; everything else is text, even if it looks like a tag.
 */
export function renderUserText(text: string, mentions: ReadonlyArray<{ key: string; openId: string; name: string }>, ctx: RenderContext): string {
  return text
    .split(/(@_user_\d+)/)
    .map((piece) => {
      const m = /^@_user_\d+$/.test(piece) ? mentions.find((x) => x.key === piece) : undefined;
      return m ? mentionHtml(m.openId, ctx, m.name) : plainWithBreaks(piece);
    })
    .join('');
}

const plainWithBreaks = (s: string): string => escapeHtml(s).replace(/\n/g, '<br>');

/** A `post` (rich text) message, in the first language it carries. */
export function renderPost(content: Json, ctx: RenderContext): string {
  const body: Json | undefined = content?.zh_cn ?? content?.en_us ?? content?.ja_jp ?? (content?.content ? content : Object.values(content ?? {})[0]);
  if (!body || typeof body !== 'object') return '';
  const parts: string[] = [];
  if (body.title) parts.push(`<div class="post-title">${escapeHtml(body.title)}</div>`);
  for (const para of Array.isArray(body.content) ? body.content : []) {
    const pieces = (Array.isArray(para) ? para : []).map((el: Json) => {
      switch (el?.tag) {
        case 'text':
          return el.un_escape ? txt(el.text) : escapeHtml(el.text);
        case 'a':
          return link(safeUrl(el.href), escapeHtml(el.text ?? el.href ?? ''));
        case 'at':
          return mentionHtml(String(el.user_id ?? ''), ctx, el.user_name);
        case 'md':
          return renderMarkdown(el.text, ctx);
        case 'emotion':
          return escapeHtml(`[${el.emoji_type ?? ''}]`);
        default:
          return '';
      }
    });
    parts.push(`<p>${pieces.join('')}</p>`);
  }
  return parts.join('');
}

// ───────────────────────── cards ─────────────────────────

/** Text of a `plain_text` / `lark_md` / `markdown` text object, or a bare string. */
function textObject(t: unknown, ctx: RenderContext): string {
  if (typeof t === 'string') return escapeHtml(t);
  if (!t || typeof t !== 'object') return '';
  const o = t as Json;
  const content = o.content ?? o.text ?? '';
  if (o.tag === 'lark_md' || o.tag === 'markdown') return renderMarkdown(content, ctx);
  return escapeHtml(content);
}

/** Whole card (JSON 2.0, or 1.0 with top-level `elements`). */
export function renderCard(card: unknown, ctx: RenderContext): string {
  if (!card || typeof card !== 'object') return `<div class="card card-bad">${escapeHtml(String(card ?? ''))}</div>`;
  const c = card as Json;
  if (c.type === 'template') {
    return `<div class="card"><div class="card-body"><em>${ctx.lang === 'zh' ? '模板卡片' : 'Template card'} ${escapeHtml(c.data?.template_id ?? '')}</em></div></div>`;
  }
  const elements: unknown[] = Array.isArray(c.body?.elements) ? c.body.elements : Array.isArray(c.elements) ? c.elements : [];
  const parts: string[] = ['<div class="card">'];
  if (c.header && typeof c.header === 'object') parts.push(renderHeader(c.header, ctx));
  parts.push(`<div class="card-body">${renderElements(elements, ctx, 0)}</div>`);
  parts.push('</div>');
  return parts.join('');
}

function renderHeader(h: Json, ctx: RenderContext): string {
  const tags = (Array.isArray(h.text_tag_list) ? h.text_tag_list : [])
    .map((tag: Json) => `<span class="tag ${colorClass(tag?.color, 'tc')}">${textObject(tag?.text, ctx)}</span>`)
    .join('');
  const subtitle = h.subtitle ? `<div class="card-subtitle">${textObject(h.subtitle, ctx)}</div>` : '';
  return (
    `<div class="card-header ${colorClass(h.template ?? 'default', 'hdr')}">` +
    `<div class="card-title">${textObject(h.title, ctx)}</div>${tags ? `<div class="card-tags">${tags}</div>` : ''}${subtitle}</div>`
  );
}

const MAX_DEPTH = 12;

function renderElements(elements: unknown, ctx: RenderContext, depth: number): string {
  if (!Array.isArray(elements) || depth > MAX_DEPTH) return '';
  return elements.map((el) => renderElement(el, ctx, depth)).join('');
}

const SIZE_CLASSES = new Set(['notation', 'small', 'normal', 'heading', 'large', 'xxxx-large', 'xxx-large', 'xx-large', 'x-large', 'medium']);

function renderElement(el: unknown, ctx: RenderContext, depth: number): string {
  if (!el || typeof el !== 'object') return '';
  const e = el as Json;
  switch (e.tag) {
    case 'markdown':
    case 'lark_md': {
      const size = typeof e.text_size === 'string' && SIZE_CLASSES.has(e.text_size) ? ` size-${e.text_size}` : '';
      const align = e.text_align === 'center' || e.text_align === 'right' ? ` align-${e.text_align}` : '';
      return `<div class="md${size}${align}">${renderMarkdown(e.content, ctx)}</div>`;
    }
    case 'plain_text':
      return `<div class="md">${plainWithBreaks(String(e.content ?? ''))}</div>`;
    case 'div': {
      const text = e.text ? `<div class="md">${textObject(e.text, ctx)}</div>` : '';
      const fields = Array.isArray(e.fields)
        ? `<div class="fields">${e.fields
            .map((f: Json) => `<div class="field${f?.is_short ? ' short' : ''}">${textObject(f?.text, ctx)}</div>`)
            .join('')}</div>`
        : '';
      const extra = e.extra ? renderElement(e.extra, ctx, depth + 1) : '';
      return `<div class="div">${text}${fields}${extra}</div>`;
    }
    case 'hr':
      return '<hr>';
    case 'note':
      return `<div class="note">${(Array.isArray(e.elements) ? e.elements : []).map((x: Json) => (x?.tag === 'img' ? '' : textObject(x, ctx))).join(' ')}</div>`;
    case 'column_set':
      return renderColumns(e, ctx, depth);
    case 'column':
      return `<div class="col">${renderElements(e.elements, ctx, depth + 1)}</div>`;
    case 'action':
      return `<div class="actions">${renderElements(e.actions, ctx, depth + 1)}</div>`;
    case 'button':
      return renderButton(e, ctx);
    case 'form':
      return `<form class="card-form" data-form-name="${escapeHtml(e.name ?? '')}" onsubmit="return false">${renderElements(e.elements, ctx, depth + 1)}</form>`;
    case 'input':
      return renderInput(e, ctx);
    case 'select_static':
    case 'multi_select_static':
      return renderSelect(e, ctx);
    case 'select_person':
    case 'multi_select_person':
      return renderPersonSelect(e, ctx);
    case 'date_picker':
    case 'picker_datetime':
    case 'picker_time': {
      // Native pickers: their values (yyyy-MM-dd, HH:mm) are what the fake's form submission takes.
      const type = e.tag === 'date_picker' ? 'date' : e.tag === 'picker_time' ? 'time' : 'datetime-local';
      const initial = e.tag === 'picker_datetime' ? String(e.initial_datetime ?? '').replace(' ', 'T') : (e.initial_date ?? e.initial_time ?? '');
      const hint = e.placeholder?.content ? ` title="${txt(e.placeholder.content)}" aria-label="${txt(e.placeholder.content)}"` : '';
      return `<input class="card-input picker" type="${type}" name="${escapeHtml(e.name ?? '')}" value="${escapeHtml(initial)}"${hint}${e.required ? ' required' : ''}>`;
    }
    case 'table':
      return renderTable(e, ctx);
    case 'chart':
      return renderChart(e.chart_spec, ctx);
    case 'person':
      return `<span class="person">${mentionHtml(String(e.user_id ?? ''), ctx)}</span>`;
    case 'person_list':
      return `<div class="person-list">${(Array.isArray(e.persons) ? e.persons : []).map((p: Json) => mentionHtml(String(p?.id ?? ''), ctx)).join(' ')}</div>`;
    case 'collapsible_panel': {
      const title = e.header?.title ? textObject(e.header.title, ctx) : '';
      return `<details class="panel"${e.expanded ? ' open' : ''}><summary>${title}</summary>${renderElements(e.elements, ctx, depth + 1)}</details>`;
    }
    case 'img':
    case 'image':
      return `<div class="img">${escapeHtml(e.alt?.content ?? (ctx.lang === 'zh' ? '[图片]' : '[image]'))}</div>`;
    default:
      return `<div class="unknown">[${escapeHtml(e.tag ?? '?')}]</div>`;
  }
}

function renderColumns(e: Json, ctx: RenderContext, depth: number): string {
  const flow = e.flex_mode === 'flow' || e.flex_mode === 'bisect' || e.flex_mode === 'trisect';
  const cols = (Array.isArray(e.columns) ? e.columns : []).map((col: Json) => {
    let style = '';
    if (col?.width === 'weighted') style = `flex:${Math.max(1, Math.min(5, Number(col.weight) || 1))} 1 0`;
    else if (typeof col?.width === 'string' && /^\d{1,4}px$/.test(col.width)) style = `flex:0 0 ${col.width}`;
    else style = 'flex:0 0 auto';
    return `<div class="col" style="${style}">${renderElements(col?.elements, ctx, depth + 1)}</div>`;
  });
  return `<div class="cols${flow ? ' flow' : ''}">${cols.join('')}</div>`;
}

/** The callback value a click sends: 2.0 `behaviors[type=callback].value`, or 1.0's `value`. */
export function buttonValue(e: Json): Record<string, unknown> | null {
  const cb = Array.isArray(e.behaviors) ? e.behaviors.find((b: Json) => b?.type === 'callback') : null;
  if (cb?.value && typeof cb.value === 'object') return cb.value;
  if (e.value && typeof e.value === 'object' && !Array.isArray(e.value)) return e.value;
  return null;
}

function renderButton(e: Json, ctx: RenderContext): string {
  const type = ['primary', 'danger', 'text', 'laser', 'primary_filled', 'danger_filled'].includes(e.type) ? e.type : 'default';
  const label = textObject(e.text, ctx);
  const openUrl = Array.isArray(e.behaviors) ? e.behaviors.find((b: Json) => b?.type === 'open_url') : null;
  const url = safeUrl(openUrl?.default_url ?? e.url ?? e.multi_url?.url);
  if (url && !buttonValue(e)) return `<a class="btn btn-${type}" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
  const value = buttonValue(e) ?? {};
  const submit = e.form_action_type === 'submit' ? ' data-form-submit="1"' : '';
  const reset = e.form_action_type === 'reset' ? ' data-form-reset="1"' : '';
  const disabled = e.disabled ? ' disabled' : '';
  const confirm = e.confirm?.title ? ` data-confirm="${escapeHtml(decodeEntities(String(e.confirm.title.content ?? '')))}"` : '';
  return (
    `<button type="button" class="btn btn-${type}" data-card-action="${escapeHtml(JSON.stringify(value))}"` +
    ` data-name="${escapeHtml(e.name ?? '')}"${submit}${reset}${confirm}${disabled}>${label}</button>`
  );
}

function renderInput(e: Json, ctx: RenderContext): string {
  const placeholder = e.placeholder ? decodeEntities(String(e.placeholder.content ?? e.placeholder ?? '')) : '';
  const label = e.label ? `<label class="input-label">${textObject(e.label, ctx)}</label>` : '';
  const max = Number(e.max_length) > 0 ? ` maxlength="${Math.min(10_000, Number(e.max_length))}"` : '';
  const attrs = `class="card-input" name="${escapeHtml(e.name ?? '')}" placeholder="${escapeHtml(placeholder)}"${max}${e.required ? ' required' : ''}`;
  const value = escapeHtml(e.default_value ?? '');
  return e.input_type === 'multiline_text' ? `${label}<textarea ${attrs}>${value}</textarea>` : `${label}<input type="text" ${attrs} value="${value}">`;
}

/** A single select starts on its placeholder (an empty choice), as Lark's does, unless an option is chosen. */
function placeholderOption(e: Json): string {
  return e.tag.startsWith('multi_') ? '' : `<option value="">${txt(e.placeholder?.content ?? '')}</option>`;
}

function renderSelect(e: Json, ctx: RenderContext): string {
  const chosen = new Set(e.tag === 'multi_select_static' ? (Array.isArray(e.selected_values) ? e.selected_values : []) : [e.initial_option]);
  const options = (Array.isArray(e.options) ? e.options : [])
    .map((o: Json) => `<option value="${escapeHtml(o?.value ?? '')}"${chosen.has(o?.value) ? ' selected' : ''}>${textObject(o?.text, ctx)}</option>`)
    .join('');
  return `<select class="card-input" name="${escapeHtml(e.name ?? '')}"${e.tag === 'multi_select_static' ? ' multiple' : ''}${e.required ? ' required' : ''}>${placeholderOption(e)}${options}</select>`;
}

/** select_person / multi_select_person: the `options` (open_ids), or the chat's members when there are none. */
function renderPersonSelect(e: Json, ctx: RenderContext): string {
  const offered: string[] = Array.isArray(e.options) && e.options.length ? e.options.map((o: Json) => String(o?.value ?? '')) : [...(ctx.members ?? [])];
  const chosen = new Set(e.tag === 'multi_select_person' ? (Array.isArray(e.selected_values) ? e.selected_values : []) : [e.initial_option]);
  const options = offered
    .map((id) => `<option value="${escapeHtml(id)}"${chosen.has(id) ? ' selected' : ''}>${escapeHtml(ctx.nameOf(id) ?? id)}</option>`)
    .join('');
  const multi = e.tag === 'multi_select_person';
  return `<select class="card-input person-select" name="${escapeHtml(e.name ?? '')}"${multi ? ` multiple size="${Math.min(4, Math.max(2, offered.length))}"` : ''}${e.required ? ' required' : ''}>${placeholderOption(e)}${options}</select>`;
}

function renderTable(e: Json, ctx: RenderContext): string {
  const columns: Json[] = Array.isArray(e.columns) ? e.columns.filter((c: Json) => c && typeof c.name === 'string') : [];
  const rows: Json[] = Array.isArray(e.rows) ? e.rows : [];
  const head = columns.map((c) => `<th>${escapeHtml(decodeEntities(String(c.display_name ?? c.name)))}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${columns.map((c) => `<td class="${escapeHtml(numberish(c) ? 'num' : '')}">${tableCell(row?.[c.name], c, ctx)}</td>`).join('')}</tr>`)
    .join('');
  return `<div class="table-wrap"><table class="card-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const numberish = (c: Json): boolean => c.data_type === 'number';

function tableCell(v: unknown, col: Json, ctx: RenderContext): string {
  if (v === null || v === undefined) return '';
  switch (col.data_type) {
    case 'lark_md':
    case 'markdown':
      return renderMarkdown(v, ctx);
    case 'number': {
      const n = Number(v);
      if (!Number.isFinite(n)) return escapeHtml(v);
      const decimals = Number(col.format?.precision);
      const shown = Number.isInteger(decimals) && decimals >= 0 && decimals <= 6 ? n.toFixed(decimals) : String(n);
      return escapeHtml(`${col.format?.symbol ?? ''}${shown}${col.format?.separator ? '' : ''}`);
    }
    case 'options':
      return (Array.isArray(v) ? v : [v])
        .map((o: any) => `<span class="tag ${colorClass(o?.color, 'tc')}">${escapeHtml(typeof o === 'object' ? o?.text : o)}</span>`)
        .join(' ');
    case 'persons':
    case 'person':
      return (Array.isArray(v) ? v : [v]).map((id) => mentionHtml(String(id), ctx)).join(' ');
    case 'date': {
      const ms = Number(v);
      if (!Number.isFinite(ms)) return escapeHtml(v);
      return escapeHtml(ctx.formatTime ? ctx.formatTime(ms) : new Date(ms).toISOString());
    }
    default:
      // Plain text cells are shown as written: Lark does not decode references there.
      return typeof v === 'object' ? escapeHtml(JSON.stringify(v)) : escapeHtml(String(v));
  }
}

// ───────────────────────── charts (VChart spec → SVG) ─────────────────────────

const PALETTE = ['#3370ff', '#f54a45', '#34c724', '#ff8800', '#7f3bf5', '#14c0ff', '#ffc60a', '#8f959e'];

/** The rows of a VChart spec: `data: { values }`, `data: [{ values }]` or `data: [{ id, values }]`. */
function chartRows(spec: Json): Json[] {
  const d = spec?.data;
  if (Array.isArray(d)) return d.flatMap((x: Json) => (Array.isArray(x?.values) ? x.values : []));
  if (d && Array.isArray(d.values)) return d.values;
  return [];
}

const fieldOf = (f: unknown): string[] => (Array.isArray(f) ? f.map(String) : typeof f === 'string' ? [f] : []);

/**
 * Draws bar and line charts as inline SVG (grouped bars per series), pie charts and anything
 * else as a table of the data. Labels are escaped like any other text.
 */
export function renderChart(specIn: unknown, ctx: RenderContext): string {
  const spec = (specIn && typeof specIn === 'object' ? specIn : {}) as Json;
  const rows = chartRows(spec).filter((r) => r && typeof r === 'object');
  const title = spec.title?.text ? `<div class="chart-title">${escapeHtml(decodeEntities(String(spec.title.text)))}</div>` : '';
  const type = String(spec.type ?? 'bar');
  if (rows.length === 0) return `<div class="chart">${title}<div class="note">${ctx.lang === 'zh' ? '（无数据）' : '(no data)'}</div></div>`;

  if (type === 'pie') {
    const cat = String(spec.categoryField ?? 'type');
    const val = String(spec.valueField ?? 'value');
    const total = rows.reduce((s, r) => s + (Number(r[val]) || 0), 0) || 1;
    const body = rows
      .map(
        (r, i) =>
          `<tr><td><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${escapeHtml(decodeEntities(String(r[cat] ?? '')))}</td><td class="num">${escapeHtml(r[val])}</td><td class="num">${Math.round(((Number(r[val]) || 0) / total) * 100)}%</td></tr>`,
      )
      .join('');
    return `<div class="chart">${title}<table class="card-table"><tbody>${body}</tbody></table></div>`;
  }

  const xFields = fieldOf(spec.xField);
  const yField = fieldOf(spec.yField)[0] ?? 'value';
  const catField = xFields[0] ?? 'x';
  const seriesField = typeof spec.seriesField === 'string' ? spec.seriesField : (xFields[1] ?? null);
  const categories = [...new Set(rows.map((r) => String(r[catField] ?? '')))];
  const series = seriesField ? [...new Set(rows.map((r) => String(r[seriesField] ?? '')))] : [''];
  const valueAt = (c: string, s: string): number => {
    const r = rows.find((x) => String(x[catField] ?? '') === c && (!seriesField || String(x[seriesField] ?? '') === s));
    return r ? Number(r[yField]) || 0 : 0;
  };
  const max = Math.max(1, ...categories.flatMap((c) => series.map((s) => valueAt(c, s))));
  const W = 320;
  const H = 180;
  const left = 28;
  const bottom = 36;
  const top = 10;
  const plotW = W - left - 6;
  const plotH = H - bottom - top;
  const band = plotW / Math.max(1, categories.length);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${W - 4}" y2="${top + plotH}" class="axis"/>`);
  for (const tick of [0, max / 2, max]) {
    parts.push(`<text x="${left - 4}" y="${y(tick) + 4}" class="tick" text-anchor="end">${escapeHtml(formatTick(tick))}</text>`);
  }
  categories.forEach((c, ci) => {
    const cx = left + band * ci + band / 2;
    const label = Array.from(decodeEntities(c));
    const shown = label.length > 6 ? `${label.slice(0, 5).join('')}…` : label.join('');
    parts.push(`<text x="${cx}" y="${H - bottom + 16}" class="tick" text-anchor="middle">${escapeHtml(shown)}</text>`);
  });
  if (type === 'line' || type === 'area') {
    series.forEach((s, si) => {
      const color = PALETTE[si % PALETTE.length];
      const pts = categories.map((c, ci) => `${(left + band * ci + band / 2).toFixed(1)},${y(valueAt(c, s)).toFixed(1)}`);
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`);
      categories.forEach((c, ci) => {
        const v = valueAt(c, s);
        parts.push(
          `<circle cx="${(left + band * ci + band / 2).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${escapeHtml(`${decodeEntities(s)} ${decodeEntities(c)}: ${v}`)}</title></circle>`,
        );
      });
    });
  } else {
    const inner = band * 0.8;
    const barW = inner / Math.max(1, series.length);
    categories.forEach((c, ci) => {
      series.forEach((s, si) => {
        const v = valueAt(c, s);
        const x = left + band * ci + (band - inner) / 2 + barW * si;
        const h = Math.max(0, top + plotH - y(v));
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeHtml(`${decodeEntities(s)} ${decodeEntities(c)}: ${v}`)}</title></rect>`,
        );
        if (v > 0)
          parts.push(
            `<text x="${(x + (barW - 2) / 2).toFixed(1)}" y="${(y(v) - 2).toFixed(1)}" class="val" text-anchor="middle">${escapeHtml(formatTick(v))}</text>`,
          );
      });
    });
  }
  const legend = seriesField
    ? `<div class="legend">${series.map((s, si) => `<span><span class="swatch" style="background:${PALETTE[si % PALETTE.length]}"></span>${escapeHtml(decodeEntities(s))}</span>`).join('')}</div>`
    : '';
  return `<div class="chart">${title}<svg viewBox="0 0 ${W} ${H}" role="img" class="chart-svg">${parts.join('')}</svg>${legend}</div>`;
}

const formatTick = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

// ───────────────────────── any message ─────────────────────────

/** Body HTML of one message by its Lark msg_type and parsed content. */
/**
 * The lights drawn as coloured dots, not emoji: a machine without an emoji font (many Linux
 * desktops, CI) shows 🔴🟡🟢 as empty boxes. The emoji stays as the dot's accessible label.
 */
const LIGHT_DOTS: Record<string, string> = { '🔴': 'red', '🟡': 'yellow', '🟢': 'green', '✅': 'done', '📅': 'cal' };
export function lightDots(html: string): string {
  return html.replace(/🔴|🟡|🟢|✅|📅/gu, (e) => `<span class="light-dot light-${LIGHT_DOTS[e]}" role="img" aria-label="${e}"></span>`);
}

export function renderMessageBody(msgType: string, content: unknown, ctx: RenderContext): string {
  return lightDots(renderMessageBodyRaw(msgType, content, ctx));
}

function renderMessageBodyRaw(msgType: string, content: unknown, ctx: RenderContext): string {
  const c = (content ?? {}) as Json;
  switch (msgType) {
    case 'text':
      return `<div class="text">${renderTextMessage(c.text, ctx)}</div>`;
    case 'interactive':
      return renderCard(c, ctx);
    case 'post':
      return `<div class="post">${renderPost(c, ctx)}</div>`;
    default:
      return `<div class="text">${escapeHtml(`[${msgType}]`)}</div>`;
  }
}
