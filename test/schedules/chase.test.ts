/**
 * The chase, escalation and revisit jobs end to end: tasks assigned through the real webhook,
 * the jobs run at chosen moments (runJob with `now`, as the cron and the job command do), and
 * what reaches the fake Lark server is checked — the group 催办 @-mentioning the lead, the
 * 督办 card to the supervising leader with 加急 for an urgent task, the 回头看 question.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runJob, type JobName } from '../../schedules/jobs.js';
import { GROUP, PEOPLE, testBot, type TestBot } from '../helpers/app.js';
import type { FakeMessage } from '../../bot/sandbox/fake-lark/server.js';

let bot: TestBot;
afterEach(async () => {
  await bot?.close();
});

async function run(job: JobName, iso: string): Promise<Record<string, unknown>> {
  bot.setNow(iso);
  const r = await runJob(bot.deps, job, new Date(iso));
  await bot.settle();
  return r;
}

const since = (n: number) => bot.fake.messages.slice(n);
const text = (m: FakeMessage) => bot.fake.textOf(m);

/** Callback values of every button in a card, wherever it sits. */
function buttonValues(card: unknown): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.tag === 'button') for (const b of (o.behaviors as Array<{ value: Record<string, unknown> }>) ?? []) out.push(b.value);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

async function assign(text: string, mention: Array<keyof typeof PEOPLE>): Promise<void> {
  const { res } = await bot.say({ from: 'chief', text, mention });
  expect(res.status).toBe(200);
  await bot.settle();
}

describe('chase job', () => {
  it('chases the overdue task in the group, then escalates to the supervisor with 加急', async () => {
    bot = await testBot({ now: '2026-11-24T10:00:00+08:00' }); // a Tuesday
    await bot.say({ from: 'leader', text: '/设置 督办领导 @王主任', mention: ['leader'] });
    await bot.settle();
    await assign('/交办 @张三 修复东门路灯 截止 2026-11-25 18:00 !紧急', ['zhang']);
    await bot.say({ from: 'zhang', text: '/签收 #1' });
    await bot.settle();
    const task = (await bot.deps.db.query.tasks.findFirst())!;

    let n = bot.fake.messages.length;
    expect(await run('chase', '2026-11-24T15:00:00+08:00')).toMatchObject({ claimed: 0 });
    expect(since(n)).toEqual([]);

    // Wednesday 16:00: two hours before the deadline.
    await run('chase', '2026-11-25T16:00:00+08:00');
    const soon = since(n);
    expect(soon).toHaveLength(1);
    expect(soon[0]!.chatId).toBe(bot.fake.messagesTo(PEOPLE.zhang.openId)[0]!.chatId);
    expect(text(soon[0]!)).toContain('即将到期');

    // Thursday 09:30: overdue day 1, in the group, @ the lead.
    n = bot.fake.messages.length;
    expect(await run('chase', '2026-11-26T09:30:00+08:00')).toMatchObject({ claimed: 1 });
    const day1 = since(n);
    expect(day1.map((m) => m.chatId)).toEqual([GROUP]);
    expect(text(day1[0]!)).toContain(`<at user_id="${PEOPLE.zhang.openId}"></at>`);
    expect(text(day1[0]!)).toContain('逾期第 1 天');

    // Later ticks the same day add nothing.
    n = bot.fake.messages.length;
    await run('chase', '2026-11-26T09:35:00+08:00');
    await run('chase', '2026-11-26T16:00:00+08:00');
    expect(since(n)).toEqual([]);

    // Friday: day 2 — the group chase now also @ the assigner; the 督办 card goes to the leader, buzzed.
    await run('chase', '2026-11-27T09:30:00+08:00');
    const day2 = since(n);
    const inGroup = day2.filter((m) => m.chatId === GROUP);
    expect(inGroup).toHaveLength(1);
    expect(text(inGroup[0]!)).toContain('逾期第 2 天');
    expect(text(inGroup[0]!)).toContain(`<at user_id="${PEOPLE.chief.openId}"></at>`);
    const toLeader = day2.filter((m) => m.chatId === bot.fake.messagesTo(PEOPLE.leader.openId)[0]?.chatId);
    expect(toLeader).toHaveLength(1);
    expect(toLeader[0]!.msgType).toBe('interactive');
    expect(text(toLeader[0]!)).toContain('督办');
    expect(buttonValues(toLeader[0]!.content)).toEqual([
      { a: 'chase', task: task.id, n: 1, v: 'b', b: `es${task.id}` },
      { a: 'show', task: task.id, n: 1, v: 'b', b: `es${task.id}` },
    ]);
    // A 紧急 task: 加急 for the leader on the 督办 card, and for the lead on the group 催办 that
    // mentions them (their only message of the slot) — each once that day.
    expect(bot.fake.urgents.filter((u) => day2.some((m) => m.id === u.messageId))).toEqual([
      expect.objectContaining({ messageId: inGroup[0]!.id, kind: 'app', userIds: [PEOPLE.zhang.openId] }),
      expect.objectContaining({ messageId: toLeader[0]!.id, kind: 'app', userIds: [PEOPLE.leader.openId] }),
    ]);

    // Saturday and Sunday: nothing, however often the tick runs.
    n = bot.fake.messages.length;
    await run('chase', '2026-11-28T10:00:00+08:00');
    await run('chase', '2026-11-29T10:00:00+08:00');
    expect(since(n)).toEqual([]);

    // The log and the count: two automatic 催办 and one 督办.
    const row = (await bot.deps.db.query.tasks.findFirst())!;
    expect(row.chaseCount).toBe(2);
    const events = await bot.deps.db.query.taskEvents.findMany({ where: (e, { eq }) => eq(e.taskId, task.id) });
    expect(events.filter((e) => e.kind === 'chased').map((e) => JSON.parse(e.payload).overdueDays)).toEqual([1, 2]);
    expect(events.filter((e) => e.kind === 'escalated')).toHaveLength(1);

    // The leader's 催办 button on the card works like /催办.
    n = bot.fake.messages.length;
    const click = await bot.click({ from: 'leader', value: { a: 'chase', task: task.id, n: 1 }, messageId: toLeader[0]!.id, chatId: toLeader[0]!.chatId });
    expect(click.status).toBe(200);
    await bot.settle();
    expect(since(n).some((m) => m.chatId === GROUP)).toBe(true);
  });

  it('after a week away, sends only the current overdue day, once', async () => {
    bot = await testBot({ now: '2026-11-24T10:00:00+08:00' });
    await assign('/交办 @张三 @赵六 整理档案 截止 2026-11-25 18:00', ['zhang', 'zhao']);
    const n = bot.fake.messages.length;
    // The bot was down from Wednesday until the next Friday: one message per kind, not a backlog.
    await run('chase', '2026-12-04T11:00:00+08:00');
    await run('chase', '2026-12-04T11:05:00+08:00');
    const chats = since(n).filter((m) => m.chatId === GROUP);
    expect(chats).toHaveLength(1);
    expect(text(chats[0]!)).toContain('逾期第 7 天');
    // No supervisor configured: the 督办 card falls back to the assigner, 加急 from 2E on.
    const toChief = since(n).filter((m) => m.chatId === bot.fake.messagesTo(PEOPLE.chief.openId)[0]?.chatId);
    expect(toChief).toHaveLength(1);
    expect(text(toChief[0]!)).toContain('督办');
    // Overdue 7 working days (≥ 5): 加急 for the assigner on the 督办 card and for the lead on
    // their own p2p card of the slot (where their 待签收 reminder is), once each.
    const zhangCard = since(n).find((m) => m.chatId === bot.fake.messagesTo(PEOPLE.zhang.openId)[0]?.chatId)!;
    expect(bot.fake.urgents.filter((u) => since(n).some((m) => m.id === u.messageId)).map((u) => [u.messageId, u.userIds])).toEqual(
      expect.arrayContaining([
        [toChief[0]!.id, [PEOPLE.chief.openId]],
        [zhangCard.id, [PEOPLE.zhang.openId]],
      ]),
    );
    expect(bot.fake.urgents.filter((u) => since(n).some((m) => m.id === u.messageId))).toHaveLength(2);
  });

  it('tells the chat, mentioning its admins, once a year when a deadline lies in a provisional year', async () => {
    bot = await testBot({ now: '2026-12-28T10:00:00+08:00' });
    await assign('/交办 @张三 准备年度总结 截止 2027-01-29 18:00', ['zhang']);
    const n = bot.fake.messages.length;
    await run('chase', '2026-12-29T10:00:00+08:00');
    await run('chase', '2026-12-30T10:00:00+08:00');
    const warnings = since(n).filter((m) => text(m).includes('2027'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.chatId).toBe(GROUP);
    expect(JSON.stringify(warnings[0]!.content)).toContain(PEOPLE.leader.openId); // the chat owner, mentioned
    expect(text(warnings[0]!)).toContain('calendar import');
  });
});

describe('revisit job', () => {
  it('asks the assigner whether the result holds, once, at the revisit time', async () => {
    bot = await testBot({ now: '2026-11-24T10:00:00+08:00' });
    await assign('/交办 @张三 整改消防通道 截止 2026-11-27 18:00', ['zhang']);
    await bot.say({ from: 'zhang', text: '/办结 #1 已清理完毕' });
    await bot.settle();
    await bot.say({ from: 'chief', text: '/通过 #1 回头看 2026-12-05 10:00' }); // a Saturday
    await bot.settle();
    // Moved to the next working morning, and the one reply says so.
    const reply = bot.fake.textOf(bot.fake.messages.at(-1)!);
    expect(reply).toContain('已顺延至下一个工作日上午');
    expect(reply).toContain('12月7日');
    const task = (await bot.deps.db.query.tasks.findFirst())!;
    expect(task.state).toBe('done');

    const n = bot.fake.messages.length;
    await run('revisit', '2026-12-04T10:00:00+08:00');
    await run('revisit', '2026-12-05T10:00:00+08:00');
    expect(since(n)).toEqual([]);
    await run('revisit', '2026-12-07T09:20:00+08:00'); // Monday, before the moved time
    expect(since(n)).toEqual([]);
    await run('revisit', '2026-12-07T09:30:00+08:00'); // the next working morning
    await run('revisit', '2026-12-07T09:40:00+08:00');
    const asked = since(n);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.chatId).toBe(bot.fake.messagesTo(PEOPLE.chief.openId)[0]?.chatId);
    expect(text(asked[0]!)).toContain('回头看');
    expect(buttonValues(asked[0]!.content)).toEqual([
      { a: 'revisit_ok', task: task.id, n: 1, v: 'b', b: `rs${task.id}` },
      { a: 'revisit_redo', task: task.id, n: 1, v: 'b', b: `rs${task.id}` },
    ]);
  });
});
