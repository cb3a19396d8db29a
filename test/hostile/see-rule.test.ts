/**
 * One rule says who may see a task (bot/domain/roles.ts maySee / Sight), and /任务 全部 (its
 * SQL translation, db/sight.ts) and /查看 answer by it alike: for every person of the office
 * and every task — its 交办人, the 督办领导 it names, its 主办 and 协办, the chat's owner in Lark,
 * the chat's 督办领导 and an admin set with /设置, and everyone else — the p2p list holds the
 * task exactly when /查看 shows it, exactly when maySee says so.
 */
import { asc, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsForDecision } from '../../bot/chat-admins.js';
import { maySee } from '../../bot/domain/roles.js';
import { t } from '../../bot/i18n.js';
import { outbox } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { OTHER_GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

const TITLES = ['甲项任务', '乙项任务', '丙项任务', '丁项任务'] as const;

let bot: TestBot;

async function say(from: Person, text: string, o: { chatId?: string; mention?: Person[]; chatType?: 'p2p' } = {}) {
  const r = await bot.say({ from, text, ...o });
  expect(r.res.status).toBe(200);
  await bot.settle();
}

const lastOutboxId = async () => Number((await bot.deps.db.select({ m: sql<number | null>`max(${outbox.id})` }).from(outbox))[0]?.m ?? 0);

/**
 * Every message a p2p command queued, as one text. Read from the durable outbox: some fifty
 * answers to one person in a few seconds meet Lark's 5-a-second limit per recipient, and the
 * rest are delivered later.
 */
async function askP2p(who: Person, text: string): Promise<string> {
  const before = await lastOutboxId();
  await say(who, text, { chatType: 'p2p' });
  const rows = await bot.deps.db.select({ body: outbox.body }).from(outbox).where(gt(outbox.id, before)).orderBy(asc(outbox.id));
  return rows
    .map((r) => JSON.parse(r.body) as { msgType: string; content: Record<string, unknown> })
    .map((m) => (m.msgType === 'interactive' ? bot.fake.cardText(m.content) : String((m.content as { text?: string }).text ?? '')))
    .join('\n');
}

beforeAll(async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  // GROUP: 王主任 owns it in Lark; 孙七 is its 督办领导 by /设置. OTHER_GROUP: 周八 owns it, 孙七
  // is an admin there by /设置, and 张三 joins it so a task there can name him its 督办领导.
  bot.fake.chats.get(OTHER_GROUP)!.members.push(PEOPLE.zhang.openId);
  await say('leader', '/设置 督办领导 @孙七', { mention: ['sun'] });
  await say('outsider', '/设置 管理员 @孙七', { chatId: OTHER_GROUP, mention: ['sun'] });
  // 甲: 李科长 assigns 张三 (主办) and 赵六 (协办) in GROUP.
  await say('chief', `/交办 @张三 @赵六 ${TITLES[0]} 截止 2026-12-01`, { mention: ['zhang', 'zhao'] });
  // 乙: 周八 assigns 孙七 in OTHER_GROUP.
  await say('outsider', `/交办 @孙七 ${TITLES[1]} 截止 2026-12-01`, { chatId: OTHER_GROUP, mention: ['sun'] });
  // 丙: 周八 assigns himself in OTHER_GROUP by the form, naming 张三 its 督办领导.
  const before = bot.fake.messages.length;
  await say('outsider', '/交办', { chatId: OTHER_GROUP });
  const form = bot.fake.messages.slice(before).find((m) => m.msgType === 'interactive' && JSON.stringify(m.content).includes('"tag":"form"'));
  expect(form).toBeDefined();
  const r = await bot.submit({
    from: 'outsider',
    messageId: form!.id,
    values: { title: TITLES[2], lead: PEOPLE.outsider.openId, due_date: '2026-12-01', supervisor: PEOPLE.zhang.openId },
  });
  expect(r.status).toBe(200);
  await bot.settle();
  // 丁: 赵六 assigns 李科长 in GROUP.
  await say('zhao', `/交办 @李科长 ${TITLES[3]} 截止 2026-12-01`, { mention: ['chief'] });
  for (const [i, title] of TITLES.entries()) expect((await getTaskByNumber(bot.deps.db, TENANT, i + 1))?.title).toBe(title);
  expect((await getTaskByNumber(bot.deps.db, TENANT, 3))?.supervisorId).toBe(PEOPLE.zhang.openId);
}, 60_000);
afterAll(async () => bot?.close());

describe('/任务 全部 and /查看 agree with maySee', () => {
  it.each(Object.keys(PEOPLE) as Person[])('for %s, task by task', async (who) => {
    const person = PEOPLE[who].openId;
    const p2p = bot.fake.p2pChatOf(person);
    const list = await askP2p(who, '/任务 全部');
    const seen: Record<string, { rule: boolean; list: boolean; show: boolean }> = {};
    for (const [i, title] of TITLES.entries()) {
      const task = (await getTaskByNumber(bot.deps.db, TENANT, i + 1))!;
      const rule = maySee(task, person, await settingsForDecision(bot.deps, TENANT, task.chatId), p2p);
      const shown = await askP2p(who, `/查看 #${task.number}`);
      if (!shown.includes(title)) expect(shown).toContain(t('zh', 'task.not_found', { n: task.number }));
      seen[title] = { rule, list: list.includes(title), show: shown.includes(title) };
    }
    for (const s of Object.values(seen)) expect(s, JSON.stringify(seen)).toEqual({ rule: s.rule, list: s.rule, show: s.rule });
  });

  it('the cast covers every way of seeing, and someone who sees nothing', async () => {
    const sees = async (who: Person, n: number) => {
      const task = (await getTaskByNumber(bot.deps.db, TENANT, n))!;
      return maySee(task, PEOPLE[who].openId, await settingsForDecision(bot.deps, TENANT, task.chatId), null);
    };
    expect(await sees('chief', 1)).toBe(true); // 交办人
    expect(await sees('zhang', 3)).toBe(true); // the 督办领导 the task names
    expect(await sees('zhang', 1)).toBe(true); // 主办
    expect(await sees('zhao', 1)).toBe(true); // 协办
    expect(await sees('leader', 4)).toBe(true); // the chat's owner in Lark
    expect(await sees('sun', 4)).toBe(true); // the chat's 督办领导 by /设置
    expect(await sees('sun', 3)).toBe(true); // an admin by /设置
    expect(await sees('zhao', 2)).toBe(false);
    expect(await sees('leader', 3)).toBe(false);
    expect(await sees('chief', 3)).toBe(false);
  });
});
