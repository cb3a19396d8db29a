/**
 * Far dates through the webhook: a deadline, a 回头看 time or an extension more than ten years
 * ahead gets a sentence that says so and writes no task, no event and no change; the day ten
 * years on is still accepted, and a task due then renders in milliseconds: a group of 1,000
 * tasks due ten years ahead gets its /任务 本群 in about 1.3 s (walking the calendar day by day
 * it took 19 s on the same machine).
 */
import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';
import { makeTask, seedTask } from '../schedules/digest-seed.js';
import { rowCounts } from './support.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' }); // Monday
});
afterAll(async () => bot?.close());

async function say(from: Person, text: string, mention: Person[] = []): Promise<number> {
  const t0 = performance.now();
  const r = await bot.say({ from, text, mention });
  expect(r.res.status).toBe(200);
  await bot.settle();
  return performance.now() - t0;
}
async function lastText(): Promise<string> {
  for (const r of await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id))) {
    const m = JSON.parse(r.body);
    if ((m.kind === 'reply' || m.kind === 'send') && m.msgType === 'text') return String(m.content.text);
  }
  return '';
}
/** A refusal: the answer names the ten-year limit and the last date allowed; nothing else is written. */
async function expectRefused(from: Person, text: string, mention: Person[] = []): Promise<string> {
  const before = await rowCounts(bot.deps.db);
  await say(from, text, mention);
  const answer = await lastText();
  expect(answer).toContain('超出 10 年以后');
  expect(answer).toContain('2036-11-23');
  const after = await rowCounts(bot.deps.db);
  expect({ ...after, outbox: after.outbox - 1, inbox: after.inbox - 1 }).toEqual(before);
  return answer;
}

describe('dates more than ten years ahead', () => {
  it('a deadline: 2999-12-31, 9999-12-31, 9999个月内, 9999个工作日内', async () => {
    expect(await expectRefused('chief', '/交办 @张三 远期任务 截止 2999-12-31', ['zhang'])).toContain('“2999-12-31”是 2999-12-31 18:00');
    await expectRefused('chief', '/交办 @张三 远期任务 截止 9999-12-31', ['zhang']);
    await expectRefused('chief', '/交办 @张三 远期任务 截止 9999个月内', ['zhang']);
    await expectRefused('chief', '/交办 @张三 远期任务 截止 9999个工作日内', ['zhang']);
    expect(await getTaskByNumber(bot.deps.db, TENANT, 1)).toBeNull();
  });

  it('the day ten years on is accepted, and the task is answered quickly', async () => {
    const ms = await say('chief', '/交办 @张三 十年规划 截止 2036-11-23', ['zhang']);
    const task = await getTaskByNumber(bot.deps.db, TENANT, 1);
    expect(task?.title).toBe('十年规划');
    expect(ms).toBeLessThan(3_000);
    await expectRefused('chief', '/交办 @张三 十年零一天 截止 2036-11-24', ['zhang']);
  });

  it('an extension and a 回头看 time', async () => {
    await say('zhang', '/签收 #1');
    await expectRefused('zhang', '/延期 #1 2999-12-31 需要很久');
    const task = await getTaskByNumber(bot.deps.db, TENANT, 1);
    expect(task?.extensionCount).toBe(0);
    await say('zhang', '/办结 #1 已办结');
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))?.state).toBe('submitted');
    await expectRefused('chief', '/通过 #1 回头看 2040-01-01');
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))?.state).toBe('submitted');
  });
});

describe('tasks due ten years ahead cost what near ones do', () => {
  it('/任务 本群 over 1,000 of them is answered within six seconds (about 1.3 s; day by day, 19 s)', async () => {
    const far = await testBot({ now: '2026-11-23T10:00:00+08:00' });
    try {
      const createdAt = new Date('2026-11-23T09:00:00+08:00');
      for (let i = 0; i < 1_000; i++) {
        const dueAt = new Date(Date.parse('2036-06-01T18:00:00+08:00') + (i % 150) * 86_400_000);
        await seedTask(
          far,
          makeTask({ title: `远期事项${i}`, lead: PEOPLE.zhang.openId, chatId: GROUP, createdAt, dueAt, percent: i % 2 ? 30 : null, acceptedAt: createdAt }),
        );
      }
      const t0 = performance.now();
      const r = await far.say({ from: 'chief', text: '/任务 本群' });
      expect(r.res.status).toBe(200);
      await far.settle();
      const ms = performance.now() - t0;
      const list = far.fake.messages.filter((m) => m.chatId === GROUP && m.msgType === 'interactive').at(-1);
      expect(far.fake.cardText(list!)).toContain('远期事项');
      expect(ms).toBeLessThan(6_000);
    } finally {
      await far.close();
    }
  }, 120_000);
});
