/**
 * 催办次数, one count everywhere (SPEC §6): every 催办 sent — the chase job's group 催办 (the real
 * `npm run job -- chase --now …` process), the 催办 button of the 督办 card, a /催办 — is one
 * 'chased' event and one more in the count; the 督办 card, the task card (/查看), the weekly
 * digest and the exported 台账 all show exactly that number. A 督办 is not a 催办.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PEOPLE, TENANT, runJobCommand, testBot, type Person, type TestBot } from '../helpers/app.js';
import { getTaskByNumber } from '../../db/tasks.js';

let bot: TestBot;

async function say(from: Person, text: string, mention: Person[] = []) {
  const { res } = await bot.say({ from, text, mention });
  expect(res.status).toBe(200);
  await bot.settle();
}

async function job(kind: 'chase' | 'digest', now: string) {
  bot.setNow(now);
  const r = await runJobCommand(bot, [kind, '--now', now]);
  expect(r.code, r.out).toBe(0);
  await bot.settle();
}

const plain = (s: string) => s.replace(/\*\*/g, '');
const leaderCards = () => bot.fake.messagesTo(PEOPLE.leader.openId).filter((m) => m.msgType === 'interactive');
const chasedEvents = async () => Number((await bot.deps.db.$client.execute("SELECT count(*) AS n FROM task_events WHERE kind = 'chased'")).rows[0]!.n);
const countColumn = async () => (await getTaskByNumber(bot.deps.db, TENANT, 1))!.chaseCount;

describe('one 催办 count', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-11-23T10:00:00+08:00' }); // Monday
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-11-24', ['zhang']);
    await say('zhang', '/签收 #1');
  }, 60_000);
  afterAll(async () => bot?.close());

  it('counts each 催办 once, on the 督办 card as sent and as redrawn', async () => {
    await job('chase', '2026-11-25T09:30:00+08:00'); // group 催办, day 1
    expect(await chasedEvents()).toBe(1);
    expect(await countColumn()).toBe(1);

    await job('chase', '2026-11-26T09:30:00+08:00'); // group 催办 day 2 + the first 督办
    expect(await chasedEvents()).toBe(2);
    expect(await countColumn()).toBe(2);
    const card = leaderCards().at(-1)!;
    expect(plain(bot.fake.cardText(card))).toContain('已催办 2 次');

    // The leader's 催办 button on the 督办 card: one more, and the card it answers with says so.
    bot.setNow('2026-11-26T14:00:00+08:00');
    const values: Array<Record<string, unknown>> = [];
    JSON.stringify(card.content, (_k, v) => {
      if (v && typeof v === 'object' && v.a === 'chase') values.push(v);
      return v;
    });
    const click = await bot.click({ from: 'leader', value: values[0]!, messageId: card.id, chatId: card.chatId });
    expect(click.status).toBe(200);
    await bot.settle();
    expect(JSON.stringify(click.body)).toContain('已催办 3 次');
    expect(await chasedEvents()).toBe(3);

    // The assigner's /催办 the same afternoon.
    bot.setNow('2026-11-26T15:00:00+08:00');
    await say('chief', '/催办 #1 请今天报送');
    expect(await chasedEvents()).toBe(4);

    const cards = leaderCards().length;
    await job('chase', '2026-11-27T09:30:00+08:00'); // group 催办 day 3 (the 督办 steps at day 2, 4, …)
    expect(leaderCards()).toHaveLength(cards);
    expect(await chasedEvents()).toBe(5);
    expect(await countColumn()).toBe(5);
  }, 120_000);

  it('/查看, the weekly digest and the exported 台账 show the same 5', async () => {
    bot.setNow('2026-11-27T10:00:00+08:00');
    await say('chief', '/查看 #1');
    const shown = bot.fake
      .messagesTo(GROUP)
      .filter((m) => m.msgType === 'interactive')
      .at(-1)!;
    expect(plain(bot.fake.cardText(shown))).toContain('催办 5 次');

    const before = bot.fake.messagesTo(GROUP).length;
    await job('digest', '2026-11-27T16:00:00+08:00');
    const summary = bot.fake
      .messagesTo(GROUP)
      .slice(before)
      .find((m) => m.msgType === 'interactive' && bot.fake.cardText(m).includes('督办周报'))!;
    expect(plain(bot.fake.cardText(summary))).toContain('催办 5 次');

    bot.setNow('2026-11-27T16:30:00+08:00');
    await say('chief', '/台账 全部');
    const file = bot.fake.files.at(-1)!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('督查台账')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const col = header.indexOf('催办次数');
    expect(col).toBeGreaterThanOrEqual(0);
    expect((ws.getRow(2).values as unknown[]).slice(1)[col]).toBe(5);
  }, 120_000);

  it('the next 督办 shows the count after its slot’s 催办, and a 督办 is no 催办', async () => {
    await job('chase', '2026-11-30T09:30:00+08:00'); // Monday: group 催办 day 4 and the 督办
    expect(await chasedEvents()).toBe(6);
    expect(await countColumn()).toBe(6);
    expect(plain(bot.fake.cardText(leaderCards().at(-1)!))).toContain('已催办 6 次');
    const escalations = Number((await bot.deps.db.$client.execute("SELECT count(*) AS n FROM task_events WHERE kind = 'escalated'")).rows[0]!.n);
    expect(escalations).toBe(2);
    await say('chief', '/查看 #1');
    const shown = bot.fake
      .messagesTo(GROUP)
      .filter((m) => m.msgType === 'interactive')
      .at(-1)!;
    expect(plain(bot.fake.cardText(shown))).toContain('催办 6 次');
  }, 120_000);
});
