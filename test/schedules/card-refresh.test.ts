/** A task that turns red by time alone: the 催办 also brings its group card up to date. */
import { afterEach, expect, it } from 'vitest';
import { runJob } from '../../schedules/jobs.js';
import { testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

it('the overdue chase refreshes the task card in place with its red light', async () => {
  bot = await testBot({ now: '2026-11-24T10:00:00+08:00' });
  await bot.say({ from: 'chief', text: '/交办 @张三 报送安全生产月报 截止 2026-11-25 18:00', mention: ['zhang'] });
  await bot.settle();
  const task = (await bot.deps.db.query.tasks.findFirst())!;
  expect(task.cardMessageId).toBeTruthy();
  const card = bot.fake.messages.find((m) => m.id === task.cardMessageId)!;
  expect(card.content.header.template).not.toBe('red');

  bot.setNow('2026-11-26T09:30:00+08:00');
  await runJob(bot.deps, 'chase', bot.clock.now());
  await bot.settle();
  const patch = bot.fake.patches.filter((p) => p.messageId === task.cardMessageId).at(-1);
  expect(patch).toBeDefined();
  expect(patch!.content.header.template).toBe('red');
  expect(bot.fake.cardText(patch!.content)).toMatch(/逾期/);
});
