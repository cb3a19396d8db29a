/**
 * 回头看 answers through the card callback: the assigner answers once; others are refused. The
 * 需要整改 round, through the job command, is test/scenarios/revisit-rework.test.ts.
 */
import { afterEach, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { taskEvents } from '../../db/schema.js';
import { runJob } from '../../schedules/jobs.js';
import { testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const eventCount = async () => Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(taskEvents))[0]!.n);

it('the assigner answers the revisit question once; nobody else can', async () => {
  bot = await testBot({ now: '2026-11-24T10:00:00+08:00' });
  for (const [from, text, mention] of [
    ['chief', '/交办 @张三 整治东门占道经营 截止 2026-11-27', ['zhang']],
    ['zhang', '/签收 #1', []],
    ['zhang', '/办结 #1 已整治完毕', []],
    ['chief', '/通过 #1 回头看 2026-12-01 10:00', []],
  ] as const) {
    const { res } = await bot.say({ from, text, mention: [...mention] });
    expect(res.status).toBe(200);
    await bot.settle();
  }
  bot.setNow('2026-12-01T10:05:00+08:00');
  await runJob(bot.deps, 'revisit', bot.clock.now());
  await bot.settle();
  const question = bot.fake.messages.find((m) => m.msgType === 'interactive' && bot.fake.cardText(m).includes('回头看'));
  expect(question).toBeDefined();
  const task = (await bot.deps.db.query.tasks.findFirst())!;

  const before = await eventCount();
  const stranger = await bot.click({ from: 'sun', value: { a: 'revisit_redo', task: task.id, n: 1 }, messageId: question!.id });
  expect(stranger.body.toast.content).toContain('只有交办人或督办领导');
  expect(await eventCount()).toBe(before);

  const sent = bot.fake.messages.length;
  const answer = await bot.click({ from: 'chief', value: { a: 'revisit_ok', task: task.id, n: 1 }, messageId: question!.id });
  expect(answer.body.toast.type).toBe('success');
  await bot.settle();
  expect(await eventCount()).toBe(before + 1);
  const said = bot.fake.messages.slice(sent).map((m) => bot.fake.textOf(m));
  expect(said.some((t) => t.includes('成效巩固'))).toBe(true);

  const again = await bot.click({ from: 'chief', value: { a: 'revisit_redo', task: task.id, n: 1 }, messageId: question!.id });
  expect(again.body.toast.content).toContain('已经回复过');
  expect(await eventCount()).toBe(before + 1);
  expect((await bot.deps.db.query.tasks.findFirst())!.state).toBe('done');
});
