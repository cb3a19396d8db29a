/**
 * 回头看 → 需要整改 through the webhook, the card form and the job command (`npm run job --
 * revisit`, then `chase`) against a real libSQL file and the fake Lark: the task reopens with the
 * deadline picked on the card, the lead is told, the round is chased like any open task and
 * lands in the 台账's 事件日志.
 */
import ExcelJS from 'exceljs';
import { afterEach, expect, it } from 'vitest';
import { GROUP, PEOPLE, runJobCommand, testBot, type TestBot } from '../helpers/app.js';
import { doneWithRevisitDue, eventCount } from '../helpers/revisit.js';

let bot: TestBot;
afterEach(async () => bot?.close());

it('需要整改 reopens the task: the deadline picked on the card, the lead told, a 整改 round on the card and in the ledger', async () => {
  bot = await testBot({ now: '2026-11-24T10:00:00+08:00' });
  await doneWithRevisitDue(bot);
  bot.setNow('2026-12-01T10:05:00+08:00');
  const r = await runJobCommand(bot, ['revisit', '--now', '2026-12-01T10:05:00+08:00']);
  expect(r.code, r.out).toBe(0);
  await bot.settle();
  const question = bot.fake.messagesTo(PEOPLE.chief.openId).find((m) => m.msgType === 'interactive' && bot.fake.cardText(m).includes('回头看'))!;
  expect(question).toBeDefined();
  const task = (await bot.deps.db.query.tasks.findFirst())!;
  expect(JSON.stringify(question.content)).toContain(`rework_due_${task.id}`);

  // Without a deadline: refused, nothing changes.
  const before = await eventCount(bot);
  const bare = await bot.click({
    from: 'chief',
    value: { a: 'revisit_redo', task: task.id, n: 1, v: 'b', b: `rs${task.id}` },
    formValue: {},
    messageId: question.id,
  });
  expect(bare.body.toast.content).toContain('请先选择 #1 的整改时限');
  expect(await eventCount(bot)).toBe(before);

  const sent = bot.fake.messages.length;
  const answer = await bot.submit({
    from: 'chief',
    messageId: question.id,
    values: { [`rework_due_${task.id}`]: '2026-12-04', [`rework_note_${task.id}`]: '东门西侧仍有占道' },
    button: `rework_submit_${task.id}`,
  });
  expect(answer.status).toBe(200);
  expect(answer.body.toast.content).toContain('#1 已重新打开，整改第 1 轮');
  await bot.settle();
  const reopened = (await bot.deps.db.query.tasks.findFirst())!;
  expect(reopened.state).toBe('in_progress');
  expect(reopened.isOpen).toBe(1);
  expect(reopened.dueAt).toEqual(new Date('2026-12-04T18:00:00+08:00'));
  expect(reopened.doneAt).toBeNull();
  // The lead is told in the group, mentioned.
  const told = bot.fake.messages
    .slice(sent)
    .filter((m) => m.chatId === GROUP && m.msgType === 'text')
    .map((m) => bot.fake.textOf(m));
  expect(told).toHaveLength(1);
  expect(told[0]).toContain('已重新打开（整改第 1 轮），整改时限 12月4日（周五） 18:00');
  expect(told[0]).toContain(`<at user_id="${PEOPLE.zhang.openId}">`);
  expect(told[0]).toContain('东门西侧仍有占道');
  // The group card shows the round and what is asked.
  const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && JSON.stringify(m.sentContent).includes('#1'))!;
  const cardText = bot.fake.cardText(card).replace(/\*\*/g, '');
  expect(cardText).toContain('办理中');
  expect(cardText).toContain('整改：第 1 轮，李科长 于 12月1日 10:05 回头看认为需要整改，要求：东门西侧仍有占道');
  // Answering again is refused.
  const again = await bot.click({ from: 'chief', value: { a: 'revisit_ok', task: task.id, n: 1 }, messageId: question.id });
  expect(again.body.toast.content).toContain('已经回复过');

  // The round is chased like any open task once its deadline passes, and closes on time on its own deadline.
  bot.setNow('2026-12-07T09:30:00+08:00');
  expect((await runJobCommand(bot, ['chase', '--now', '2026-12-07T09:30:00+08:00'])).code).toBe(0);
  await bot.settle();
  expect(bot.fake.messagesTo(GROUP).some((m) => m.msgType === 'text' && bot.fake.textOf(m).includes('「整治东门占道经营」逾期第 1 天'))).toBe(true);

  bot.setNow('2026-12-07T10:00:00+08:00');
  await bot.say({ from: 'chief', text: '/台账 全部' });
  await bot.settle();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bot.fake.files.at(-1)!.bytes) as unknown as ArrayBuffer);
  const log = wb.getWorksheet('事件日志')!;
  const rows: string[] = [];
  log.eachRow((row) => rows.push((row.values as unknown[]).slice(1).join(' | ')));
  expect(rows.some((r) => r.includes('整改第 1 轮') && r.includes('整改时限') && r.includes('东门西侧仍有占道'))).toBe(true);
}, 120_000);
