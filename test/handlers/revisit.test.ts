/**
 * 回头看 answers through the card callback: the assigner answers once; others are refused. The
 * 需要整改 round, through the job command, is test/scenarios/revisit-rework.test.ts.
 */
import { afterEach, expect, it } from 'vitest';
import { runJob } from '../../schedules/jobs.js';
import { testBot, type TestBot } from '../helpers/app.js';
import { doneWithRevisitDue, eventCount } from '../helpers/revisit.js';

let bot: TestBot;
afterEach(async () => bot?.close());

it('the assigner answers the revisit question once; nobody else can', async () => {
  bot = await testBot({ now: '2026-11-24T10:00:00+08:00' });
  await doneWithRevisitDue(bot);
  bot.setNow('2026-12-01T10:05:00+08:00');
  await runJob(bot.deps, 'revisit', bot.clock.now());
  await bot.settle();
  const question = bot.fake.messages.find((m) => m.msgType === 'interactive' && bot.fake.cardText(m).includes('回头看'));
  expect(question).toBeDefined();
  const task = (await bot.deps.db.query.tasks.findFirst())!;

  const before = await eventCount(bot);
  const stranger = await bot.click({ from: 'sun', value: { a: 'revisit_redo', task: task.id, n: 1 }, messageId: question!.id });
  expect(stranger.body.toast.content).toContain('只有交办人或督办领导');
  expect(await eventCount(bot)).toBe(before);

  const sent = bot.fake.messages.length;
  const answer = await bot.click({ from: 'chief', value: { a: 'revisit_ok', task: task.id, n: 1 }, messageId: question!.id });
  expect(answer.body.toast.type).toBe('success');
  await bot.settle();
  expect(await eventCount(bot)).toBe(before + 1);
  const said = bot.fake.messages.slice(sent).map((m) => bot.fake.textOf(m));
  expect(said.some((t) => t.includes('成效巩固'))).toBe(true);

  const again = await bot.click({ from: 'chief', value: { a: 'revisit_redo', task: task.id, n: 1 }, messageId: question!.id });
  expect(again.body.toast.content).toContain('已经回复过');
  expect(await eventCount(bot)).toBe(before + 1);
  expect((await bot.deps.db.query.tasks.findFirst())!.state).toBe('done');
});
