/**
 * Limits with clear answers, and the odd characters people really type (issue 9): a title of
 * 200 characters is fine and 201 gets the catalogue sentence, likewise a 2,000-character note
 * and 20 assignees; a body over the webhook's cap is refused with 413 and writes nothing.
 * Emoji, full-width spaces and punctuation, zero-width characters and mixed scripts go through
 * the real webhook, and the stored task is what a person would expect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc } from 'drizzle-orm';
import { MAX_BODY_BYTES } from '../../bot/app.js';
import { t, type MessageKey } from '../../bot/i18n.js';
import { outbox } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';
import { messageEvent, signedRequest } from '../../bot/sandbox/fake-lark/events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN } from '../helpers/app.js';
import { rowCounts } from './support.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' }); // Monday
});
afterAll(async () => bot?.close());

const FRIDAY_18 = new Date('2026-11-27T18:00:00+08:00');

async function say(from: Person, text: string, mention: Array<Person | string> = [], extra: Record<string, unknown> = {}) {
  const r = await bot.say({ from, text, mention, ...extra });
  expect(r.res.status).toBe(200);
  await bot.settle();
}
/** The bot's newest text answer (read from the outbox, in order of queueing). */
async function lastText(): Promise<string> {
  for (const r of await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id))) {
    const m = JSON.parse(r.body);
    if ((m.kind === 'reply' || m.kind === 'send') && m.msgType === 'text') return String(m.content.text);
  }
  return '';
}
let lastNumber = 0;
/** Assigns and returns the stored task, or null when nothing was written. */
async function assign(text: string, mention: Array<Person | string> = ['zhang']) {
  await say('chief', text, mention);
  const task = await getTaskByNumber(bot.deps.db, TENANT, lastNumber + 1);
  if (task) lastNumber = task.number;
  return task;
}
const parseError = (code: string, params: Record<string, string | number>, usage: string) =>
  `${t('zh', `parse_error.${code}` as MessageKey, params)}\n${t('zh', `usage.${usage}` as MessageKey)}`;

describe('limits', () => {
  it('a title of 200 characters is kept; 201 gets the sentence and writes nothing', async () => {
    const ok = await assign(`/交办 @张三 ${'长'.repeat(199)}🚧`);
    expect([...ok!.title]).toHaveLength(200);
    const before = await rowCounts(bot.deps.db);
    expect(await assign(`/交办 @张三 ${'长'.repeat(200)}🚧`)).toBeNull();
    expect(await lastText()).toBe(parseError('title_too_long', { length: 201, max: 200 }, 'assign'));
    const after = await rowCounts(bot.deps.db);
    expect({ ...after, outbox: after.outbox - 1, inbox: after.inbox - 1 }).toEqual(before);
  });

  it('a note of 2,000 characters is kept; 2,001 is refused by command, reply and form', async () => {
    const task = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    await say('zhang', `/进展 #1 ${'进'.repeat(2000)}`);
    expect([...(await getTaskByNumber(bot.deps.db, TENANT, 1))!.lastProgressText!]).toHaveLength(2000);
    const version = (await getTaskByNumber(bot.deps.db, TENANT, 1))!.version;
    const tooLong = parseError('note_too_long', { length: 2001, max: 2000 }, 'progress');
    await say('zhang', `/进展 #1 ${'进'.repeat(2001)}`);
    expect(await lastText()).toBe(tooLong);
    await say('zhang', `/退回 #1 ${'理'.repeat(2001)}`);
    expect(await lastText()).toBe(parseError('note_too_long', { length: 2001, max: 2000 }, 'reject'));
    const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive')!;
    await say('zhang', '进'.repeat(2001), [], { parentId: card.id });
    expect(await lastText()).toBe(tooLong);
    const click = await bot.click({
      from: 'zhang',
      value: { a: 'progress', task: task.id, n: 1 },
      formValue: { progress_text: '进'.repeat(2001) },
      messageId: card.id,
    });
    expect(click.body.toast).toEqual({ type: 'warning', content: t('zh', 'parse_error.note_too_long', { length: 2001, max: 2000 }) });
    await bot.settle();
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.version).toBe(version);
  });

  it('20 assignees are fine; 21 get the sentence', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `ou_many${i}`);
    for (const id of ids) bot.fake.addUser({ openId: id, name: id });
    const at = (k: number) =>
      ids
        .slice(0, k)
        .map((id) => `@${id}`)
        .join(' ');
    const twenty = await assign(`/交办 ${at(20)} 全员大扫除`, ids.slice(0, 20));
    expect(twenty!.assignees.map((a) => a.userId)).toEqual(ids.slice(0, 20));
    expect(twenty!.assignees.map((a) => a.role)).toEqual(['lead', ...Array(19).fill('co')]);
    expect(await assign(`/交办 ${at(21)} 全员大扫除`, ids)).toBeNull();
    expect(await lastText()).toBe(parseError('too_many_assignees', { max: 20, count: 21 }, 'assign'));
  });
});

describe('the webhook body cap', () => {
  it('refuses a body over the cap with 413, signed or not, and writes nothing', async () => {
    const before = await rowCounts(bot.deps.db);
    const huge = messageEvent({
      text: `/进展 #1 ${'x'.repeat(MAX_BODY_BYTES)}`,
      chatId: GROUP,
      sender: PEOPLE.zhang.openId,
      tenantKey: TENANT,
      time: bot.clock.now(),
    });
    const { body, headers } = signedRequest(huge, { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, timestamp: bot.clock.now() });
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES);
    expect((await bot.app.request('/lark/events', { method: 'POST', body, headers })).status).toBe(413);
    // A declared length over the cap is refused before the body is read.
    expect(
      (await bot.app.request('/lark/events', { method: 'POST', body: '{}', headers: { ...headers, 'content-length': String(MAX_BODY_BYTES + 1) } })).status,
    ).toBe(413);
    // A lying (small) content-length does not let a big body through.
    expect((await bot.app.request('/lark/events', { method: 'POST', body, headers: { ...headers, 'content-length': '10' } })).status).toBe(413);
    // Multi-byte text: the cap is on bytes, not characters.
    const wide = '进'.repeat(Math.ceil(MAX_BODY_BYTES / 3) + 10);
    expect((await bot.app.request('/lark/events', { method: 'POST', body: JSON.stringify({ encrypt: wide }), headers })).status).toBe(413);
    await bot.settle();
    expect(await rowCounts(bot.deps.db)).toEqual(before);
  });
});

describe('characters people really type', () => {
  const ZWSP = '\u200B';
  const ZWJ = '\u200D';
  const cases: Array<[string, string, Partial<{ title: string; dueAt: Date; priority: string; category: string | null; source: string | null }>]> = [
    ['emoji in the title', '/交办 @张三 🚧 修复东门路灯 🔧 截止 周五', { title: '🚧 修复东门路灯 🔧', dueAt: FRIDAY_18 }],
    [
      'an emoji sequence joined by ZWJ',
      `/交办 @张三 👨${ZWJ}👩${ZWJ}👧 困难家庭走访 截止 周五`,
      { title: `👨${ZWJ}👩${ZWJ}👧 困难家庭走访`, dueAt: FRIDAY_18 },
    ],
    ['full-width spaces', '/交办　@张三　整理档案　截止　周五', { title: '整理档案', dueAt: FRIDAY_18 }],
    [
      'full-width slash, comma, colon, ！ and ＃',
      '／交办 @张三 整理档案，截止：周五！紧急＃民生督查',
      { title: '整理档案', dueAt: FRIDAY_18, priority: 'urgent', category: 'livelihood' },
    ],
    ['zero-width characters inside the verb and the title', `/交${ZWSP}办 @张三 整${ZWSP}理${'\uFEFF'}档案 截止 周五`, { title: '整理档案', dueAt: FRIDAY_18 }],
    ['full-width digits in the date', '/交办 @张三 整理档案 截止 １１月２７日', { title: '整理档案', dueAt: FRIDAY_18 }],
    [
      'mixed scripts, English verb and flags',
      '/assign @张三 Prepare 年度 report для отдела due friday !urgent',
      { title: 'Prepare 年度 report для отдела', dueAt: FRIDAY_18, priority: 'urgent' },
    ],
    [
      'Chinese brackets in a source',
      '/交办 @张三 落实批示 来源：办〔2026〕12号 截止 周五 ！重要',
      { title: '落实批示', source: '办〔2026〕12号', priority: 'high', dueAt: FRIDAY_18 },
    ],
    ['an uppercase English verb', '/ASSIGN @张三 Fix the lights', { title: 'Fix the lights', dueAt: undefined }],
    ['a title that is one emoji', '/交办 @张三 📎', { title: '📎' }],
  ];
  it.each(cases)('%s', async (_name, text, expected) => {
    const task = await assign(text);
    expect(task, await lastText()).not.toBeNull();
    const { dueAt, ...rest } = expected;
    expect(task).toMatchObject(rest);
    if ('dueAt' in expected) expect(task!.dueAt).toEqual(dueAt ?? null);
    expect(task!.assignees.map((a) => a.userId)).toEqual([PEOPLE.zhang.openId]);
  });

  it('full-width task numbers and percents work in the other verbs', async () => {
    const task = await assign('/交办 @张三 核对台账 截止 周五');
    const n = task!.number;
    await say('zhang', `／进展　＃${String(n).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))}　已完成７０％`);
    expect(await getTaskByNumber(bot.deps.db, TENANT, n)).toMatchObject({ percent: 70, state: 'in_progress', lastProgressText: '已完成70%' });
    await say('zhang', `/办结${ZWSP} #${n}`);
    expect((await getTaskByNumber(bot.deps.db, TENANT, n))!.state).toBe('submitted');
  });

  it('a full-width ＠name typed by hand is no mention: the answer is the form, asking for the 主办', async () => {
    expect(await assign('/交办 ＠张三 整理档案', [])).toBeNull();
    const [last] = await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id)).limit(1);
    expect(bot.fake.cardText(JSON.parse(last!.body).content)).toContain('请补全 「主办」');
  });
});
