/**
 * Shared pieces of the hostile-input suite: the attack strings, a checker that walks every
 * message and card the fake Lark received (and every callback answer) for mentions, links and
 * tags that did not come from the bot, and row counts for "nothing was written".
 */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../db/client.js';
import { inbox, outbox, subscriptions, taskEvents, tasks } from '../../db/schema.js';
import { PEOPLE } from '../helpers/app.js';
import type { FakeLark } from '../../bot/sandbox/fake-lark/server.js';

/** Every piece of Lark text/card markup a user might type, each carrying the word EVIL. */
export const ATTACKS = [
  '<at id=all></at>',
  '<at user_id="all">所有人</at>',
  '<at id=ou_x></at>',
  '<at user_id="ou_x">EVIL</at>',
  '[EVIL](https://evil.example)',
  '<a href="https://evil.example">EVIL</a>',
  '**EVIL**',
  '~~EVIL~~',
  '<font color=red>EVIL</font>',
  '<text_tag color=red>EVIL</text_tag>',
  '<link url="https://evil.example">EVIL</link>',
  '<person id=ou_x></person>',
  '```EVIL```',
  '&#60;at id=all&#62;&#60;/at&#62;',
  '&lt;at id=all&gt;',
] as const;

/** The attacks on one line (a title must stay within 200 characters: see `titleAttacks`). */
export const HOSTILE_LINE = ATTACKS.join(' ');
/** With line breaks that would open a rule, a heading, a list and a quote in markdown. */
export const HOSTILE_NOTE = `${HOSTILE_LINE}\n---\n# EVIL\n- EVIL\n> EVIL\n\`\`\`\nEVIL\n\`\`\``;
/** Titles of at most 200 characters that together hold every attack. */
export function titleAttacks(): string[] {
  const out: string[] = [];
  let cur = '';
  for (const a of ATTACKS) {
    if ([...`${cur} ${a}`].length > 180) {
      out.push(cur.trim());
      cur = '';
    }
    cur += ` ${a}`;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** A display name chosen to look like markup: names reach cards and texts too. */
export const EVIL_NAME = '[EVIL](https://evil.example)<at id=all></at>**EVIL**';
export const EVIL_OPEN_ID = 'ou_evilname';

const KNOWN_IDS = new Set<string>([...Object.values(PEOPLE).map((p) => p.openId), EVIL_OPEN_ID]);

export interface Output {
  where: string;
  /** 'text' message, or a card (callback answers and patches included). */
  kind: 'text' | 'card' | 'toast';
  content: unknown;
}

/** Everything the bot showed anyone: sent and patched messages, plus callback answers. */
export function outputsOf(fake: FakeLark, answers: Array<{ toast?: { content?: string }; card?: { data?: unknown } }> = []): Output[] {
  const out: Output[] = [];
  for (const m of fake.messages) {
    const kind = m.msgType === 'text' ? 'text' : m.msgType === 'interactive' ? 'card' : null;
    if (!kind) continue;
    out.push({ where: `${m.msgType} ${m.id} to ${m.receiveId}`, kind, content: m.sentContent });
    out.push({ where: `${m.msgType} ${m.id} (current)`, kind, content: m.content });
  }
  for (const p of fake.patches) out.push({ where: `patch of ${p.messageId}`, kind: 'card', content: p.content });
  for (const a of answers) {
    if (a?.card?.data) out.push({ where: 'callback card', kind: 'card', content: a.card.data });
    if (a?.toast?.content) out.push({ where: 'callback toast', kind: 'toast', content: a.toast.content });
  }
  return out;
}

const CARD_AT = /<at id=([A-Za-z0-9_-]+)><\/at>/g;
const TEXT_AT = /<at user_id="([A-Za-z0-9_-]+)">[^<]*<\/at>/g;

function stripOwnMentions(s: string, re: RegExp, problems: string[], where: string): string {
  return s.replace(re, (m, id: string) => {
    if (!KNOWN_IDS.has(id)) problems.push(`${where}: mention of ${id}: ${m}`);
    return '';
  });
}

/** Card markdown: what a user typed must not survive as markup. */
function checkMarkdown(s: string, where: string, problems: string[]): void {
  const rest = stripOwnMentions(s, CARD_AT, problems, where);
  const bad: Array<[RegExp, string]> = [
    [/</, 'a raw tag'],
    [/\]\(/, 'a markdown link'],
    [/\*\*EVIL/, 'bold user text'],
    [/~~EVIL/, 'struck user text'],
    [/```/, 'a code fence'],
    [/(^|\n)---(\n|$)/, 'a rule'],
    [/(^|\n)(#|-|>) EVIL/, 'a heading, list or quote'],
    [/&#60;at id=all&#62;/, 'a user-typed entity left to decode'],
    [/&lt;at/, 'a user-typed named entity left to decode'],
  ];
  for (const [re, what] of bad) if (re.test(rest)) problems.push(`${where}: ${what} in markdown: ${JSON.stringify(s.slice(0, 300))}`);
}

/** A text message: Lark reads `<at …>`, `<b>`-style tags and `[text](url)` there. */
function checkText(s: string, where: string, problems: string[]): void {
  const rest = stripOwnMentions(s, TEXT_AT, problems, where);
  if (/</.test(rest)) problems.push(`${where}: a raw tag in a text message: ${JSON.stringify(s.slice(0, 300))}`);
  if (/\]\(/.test(rest)) problems.push(`${where}: a link in a text message: ${JSON.stringify(s.slice(0, 300))}`);
}

function walkCard(node: unknown, where: string, problems: string[], parentTag: string | null = null): void {
  if (Array.isArray(node)) return node.forEach((x) => walkCard(x, where, problems, parentTag));
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  const tag = typeof o.tag === 'string' ? o.tag : parentTag;
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') {
      if ((o.tag === 'markdown' || o.tag === 'lark_md') && k === 'content') checkMarkdown(v, where, problems);
      else if (/<at|<a |<link|<person|<font/i.test(v)) problems.push(`${where}: markup in ${tag ?? '?'}.${k}: ${JSON.stringify(v.slice(0, 200))}`);
    } else walkCard(v, where, problems, tag);
  }
}

/** Problems found in what the bot showed; empty when every user string stayed text. */
export function injectionProblems(outputs: Output[]): string[] {
  const problems: string[] = [];
  for (const o of outputs) {
    if (o.kind === 'text') {
      const text = (o.content as { text?: unknown })?.text;
      if (typeof text === 'string') checkText(text, o.where, problems);
    } else if (o.kind === 'toast') {
      if (/<at|\]\(/.test(String(o.content))) problems.push(`${o.where}: markup in a toast: ${o.content}`);
    } else walkCard(o.content, o.where, problems);
  }
  return problems;
}

export function expectNoInjection(outputs: Output[]): void {
  expect(injectionProblems(outputs)).toEqual([]);
}

/** Row counts that a refused request must leave unchanged (one query: the fuzz calls it often). */
export async function rowCounts(db: Db): Promise<{ inbox: number; outbox: number; tasks: number; events: number; subscriptions: number }> {
  const [r] = await db.all<Record<string, number>>(
    sql`select (select count(*) from ${inbox}) as inbox, (select count(*) from ${outbox}) as outbox, (select count(*) from ${tasks}) as tasks,
        (select count(*) from ${taskEvents}) as events, (select count(*) from ${subscriptions}) as subscriptions`,
  );
  return { inbox: Number(r!.inbox), outbox: Number(r!.outbox), tasks: Number(r!.tasks), events: Number(r!.events), subscriptions: Number(r!.subscriptions) };
}
