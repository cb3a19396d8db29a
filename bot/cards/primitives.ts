/**
 * Card primitives every card file builds on (Lark card JSON 2.0): the view a renderer is given,
 * the label colon and parenthesis of each language, a person by name or mention, markdown,
 * buttons, one-line forms, the shared shell, and `fitCard`, the last line of defence for the
 * 30 KB limit. Pure.
 * https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
 */
import type { Lang } from '../domain/types.js';
import type { LightCalendar, LightSettings } from '../domain/light.js';
import { atUser, escapeInline } from './escape.js';
import { CARD_MAX_BYTES, cardBytes } from './size.js';

export type Card = Record<string, unknown>;

export interface CardView {
  lang: Lang;
  now: Date;
  /** The office's time zone (DUBAN_TZ). */
  tz: string;
  calendar: LightCalendar;
  settings: LightSettings;
  /** Effective 督办领导 when the task has none of its own (the chat's). */
  chatSupervisorId?: string | null;
  /** The chat's admins (from Lark): they review a submission that nobody else may (roles.approversOf). */
  chatAdmins?: string[];
  /** Display names by open_id (directory cache); missing ones fall back to a mention. */
  names?: Record<string, string>;
  /** People on leave now or back lately (db/leave.ts): "请假至 12月25日", and 延期 suggested where a deadline fell in it. */
  leaves?: Record<string, { startAt: Date; backAt: Date; lastDay: string; active: boolean }>;
  /** Each task's latest 催办 and its first read by whom it was for (db/reads.ts): "已催办 3 次，最近一次 09:30，已读 09:42". */
  reads?: Record<number, { sentAt: Date; readAt: Date | null }>;
}

/** The label separator: full-width in Chinese, ASCII in English. */
export function colon(lang: Lang): string {
  return lang === 'zh' ? '：' : ': ';
}
/** A parenthetical: （…） in Chinese, ` (…)` in English. */
export function paren(lang: Lang, s: string): string {
  return lang === 'zh' ? `（${s}）` : ` (${s})`;
}

/** A person as card markdown: their cached name (escaped) or, unknown, a mention by id. */
export function personMd(openId: string, view: Pick<CardView, 'names'>, mention = false): string {
  if (mention) return atUser(openId);
  const name = view.names?.[openId];
  return name ? escapeInline(name) : atUser(openId);
}

/** A person in plain text (text messages, toasts). */
export function personText(openId: string, view: Pick<CardView, 'names'>): string {
  return view.names?.[openId] ?? openId;
}

export function md(content: string, extra: Card = {}): Card {
  return { tag: 'markdown', content, ...extra };
}

/** A callback button; `extra` (size, name, form_action_type) sits between its type and behaviour. */
export function button(label: string, value: Record<string, unknown>, type: 'primary' | 'default' | 'danger' = 'default', extra: Card = {}): Card {
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: label },
    type,
    ...extra,
    behaviors: [{ type: 'callback', value }],
  };
}

/** Buttons side by side, wrapping on a narrow screen. */
export function buttonRow(buttons: Card[]): Card {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

/** A one-line form: an input and its submit button (JSON 2.0 `form` container). */
export function form(
  name: string,
  field: string,
  placeholder: string,
  label: string,
  value: Record<string, unknown>,
  type: 'primary' | 'danger' = 'primary',
): Card {
  return {
    tag: 'form',
    name,
    elements: [
      {
        tag: 'column_set',
        flex_mode: 'none',
        horizontal_spacing: '8px',
        columns: [
          {
            tag: 'column',
            width: 'weighted',
            weight: 1,
            elements: [{ tag: 'input', name: field, placeholder: { tag: 'plain_text', content: placeholder }, max_length: 1000, width: 'fill' }],
          },
          {
            tag: 'column',
            width: 'auto',
            elements: [button(label, value, type, { name: `${name}_submit`, form_action_type: 'submit' })],
          },
        ],
      },
    ],
  };
}

/** A shared JSON 2.0 card (`update_multi`: one PATCH updates it for everyone who sees it). */
export function shell(head: Card, elements: Card[]): Card {
  return { schema: '2.0', config: { update_multi: true }, header: head, body: { elements } };
}

// ───────────────────────── size ─────────────────────────

/**
 * Last line of defence for the 30 KB limit: shortens the longest markdown elements until the
 * card fits. Escaped text is cut only at an entity boundary so no `&#60` is left half-written.
 */
export function fitCard(card: Card): Card {
  if (cardBytes(card) <= CARD_MAX_BYTES) return card;
  const copy = JSON.parse(JSON.stringify(card)) as Card;
  const mds: Array<{ content: string }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.tag === 'markdown' && typeof o.content === 'string') mds.push(o as { content: string });
      Object.values(o).forEach(walk);
    }
  };
  walk(copy);
  for (let guard = 0; guard < 200 && cardBytes(copy) > CARD_MAX_BYTES; guard++) {
    const longest = mds.reduce((a, b) => (b.content.length > a.content.length ? b : a), mds[0]!);
    if (!longest || longest.content.length < 50) break;
    longest.content = `${cutAtEntity(longest.content, Math.floor(longest.content.length * 0.75))}…`;
  }
  return copy;
}

function cutAtEntity(s: string, at: number): string {
  let cut = s.slice(0, at);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const lt = cut.lastIndexOf('<');
  if (lt >= 0 && !cut.slice(lt).includes('>')) cut = cut.slice(0, lt);
  return cut;
}
