/**
 * The weekly digest job on a simulated week (Mon 2026-11-30 … Fri 2026-12-04, Beijing time),
 * through the real database, outbox and SDK client against the fake Lark: the right cards to
 * the right chats, nothing twice, nothing to a chat without tasks; the leader card's buttons
 * through the card callback.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Task } from '../../bot/domain/types.js';
import { saveChatSettings, upsertChat } from '../../db/chats.js';
import { subscriptions } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { runDigest } from '../../schedules/digest.js';
import { GROUP, OTHER_GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';
import { makeTask, seedDirectory, seedTask } from './digest-seed.js';

const THIRD = 'oc_group_third';
const bj = (s: string) => new Date(`${s}:00+08:00`);

async function seedOffice(bot: TestBot): Promise<Record<string, Task>> {
  const now = bj('2026-11-30T08:00');
  bot.fake.addChat({ chatId: THIRD, name: '督查科群', ownerId: PEOPLE.sun.openId, members: [PEOPLE.sun.openId] });
  await upsertChat(bot.deps.db, { chatId: GROUP, tenantKey: TENANT, chatType: 'group', name: '综合办公室工作群', ownerId: PEOPLE.leader.openId }, now);
  await upsertChat(bot.deps.db, { chatId: OTHER_GROUP, tenantKey: TENANT, chatType: 'group', name: '其他工作群', ownerId: PEOPLE.outsider.openId }, now);
  await upsertChat(bot.deps.db, { chatId: THIRD, tenantKey: TENANT, chatType: 'group', name: '督查科群', ownerId: PEOPLE.sun.openId }, now);
  // Saturday 17:00 is not a working day: the third chat's digest moves to Friday 17:00.
  await saveChatSettings(bot.deps.db, THIRD, { digestWeekday: 6, digestTime: '17:00' }, now);
  await seedDirectory(bot);
  const { zhang, zhao, sun, leader, chief } = PEOPLE;
  return {
    overdue: await seedTask(bot, makeTask({ title: '修复中山路路灯', lead: zhang.openId, dueAt: bj('2026-12-01T18:00') }), [
      { kind: 'chased', at: bj('2026-12-02T09:30'), actorId: 'bot' },
      { kind: 'chased', at: bj('2026-12-03T09:30'), actorId: 'bot' },
    ]),
    waiting: await seedTask(
      bot,
      makeTask({
        title: '起草年度总结',
        lead: zhao.openId,
        supervisorId: leader.openId,
        state: 'submitted',
        dueAt: bj('2026-12-08T18:00'),
        submittedAt: bj('2026-12-03T10:00'),
      }),
    ),
    extension: await seedTask(
      bot,
      makeTask({
        title: '整理会议纪要',
        lead: zhang.openId,
        co: [zhao.openId],
        creatorId: leader.openId,
        dueAt: bj('2026-12-09T18:00'),
        pendingExtension: { dueAt: bj('2026-12-16T18:00'), reason: '等待数据', requestedBy: zhang.openId, requestedAt: bj('2026-12-03T11:00') },
      }),
      [{ kind: 'extension_requested', at: bj('2026-12-03T11:00'), actorId: zhang.openId }],
    ),
    done: await seedTask(
      bot,
      makeTask({
        title: '报送安全检查表',
        lead: zhao.openId,
        state: 'done',
        createdAt: bj('2026-12-01T09:00'),
        dueAt: bj('2026-12-03T18:00'),
        submittedAt: bj('2026-12-02T16:00'),
        doneAt: bj('2026-12-02T17:00'),
      }),
      [{ kind: 'returned', at: bj('2026-12-02T10:00'), actorId: chief.openId }],
    ),
    // Done long ago: the other group has nothing this week.
    old: await seedTask(
      bot,
      makeTask({
        title: '十月旧事项',
        lead: sun.openId,
        chatId: OTHER_GROUP,
        creatorId: PEOPLE.outsider.openId,
        state: 'done',
        createdAt: bj('2026-10-09T09:00'),
        doneAt: bj('2026-10-12T10:00'),
        submittedAt: bj('2026-10-12T09:00'),
      }),
    ),
    third: await seedTask(bot, makeTask({ title: '督查回访', lead: sun.openId, chatId: THIRD, creatorId: sun.openId, dueAt: bj('2026-12-11T18:00') })),
  };
}

let bot: TestBot;
beforeEach(async () => {
  bot = await testBot({ now: '2026-12-03T16:00:00+08:00' });
});
afterEach(async () => {
  await bot.close();
});

const cards = (chatOrUser: string) => bot.fake.messagesTo(chatOrUser).filter((m) => m.msgType === 'interactive');

describe('runDigest', () => {
  it('posts the weekly summary to each group with tasks, once, at its time', async () => {
    await seedOffice(bot);
    await bot.deps.db.insert(subscriptions).values({ tenantKey: TENANT, userId: PEOPLE.leader.openId, createdAt: bj('2026-11-01T09:00') });

    // Thursday: not yet. Only last week's leader card, which never went out (nothing ran then),
    // is sent at this first tick; the groups had no tasks last week.
    expect(await runDigest(bot.deps, bj('2026-12-03T16:00'))).toEqual({ groups: 0, leaders: 1 });
    // Friday 15:59: not yet.
    expect(await runDigest(bot.deps, bj('2026-12-04T15:59'))).toEqual({ groups: 0, leaders: 0 });

    bot.setNow('2026-12-04T16:00:00+08:00');
    expect(await runDigest(bot.deps, bj('2026-12-04T16:00'))).toEqual({ groups: 1, leaders: 1 });
    await bot.settle();
    expect(cards(GROUP)).toHaveLength(1);
    expect(cards(OTHER_GROUP)).toHaveLength(0);
    expect(cards(THIRD)).toHaveLength(0);

    const summary = bot.fake.cardText(cards(GROUP)[0]!);
    expect(summary).toContain('督办周报 · 综合办公室工作群');
    expect(summary).toMatch(/新交办 \*\*4\*\*/); // four tasks assigned this week in this chat
    expect(summary).toMatch(/办结 \*\*1\*\*（按时 1，按时率 \*\*100%\*\*）/);
    expect(summary).toMatch(/逾期 \*\*1\*\*/);
    expect(summary).toContain('#1 修复中山路路灯 · 主办 张三 · 逾期 3 个工作日');
    expect(summary).toContain('下周到期（2）');
    expect(summary).toContain('退回 1 次 · 催办 2 次');
    const content = cards(GROUP)[0]!.content;
    const table = content.body.elements.find((e: any) => e.tag === 'table');
    expect(table.rows.map((r: any) => [r.who, r.open, r.overdue])).toEqual([
      ['张三', 2, 1],
      ['赵六', 1, 0],
    ]);

    // The same hour again, and after a restart: nothing twice.
    expect(await runDigest(bot.deps, bj('2026-12-04T16:05'))).toEqual({ groups: 0, leaders: 0 });
    await bot.restart();
    expect(await runDigest(bot.deps, bj('2026-12-04T16:30'))).toEqual({ groups: 0, leaders: 0 });

    // Friday 17:00: the third chat's Saturday digest, moved to the last working day.
    bot.setNow('2026-12-04T17:00:00+08:00');
    expect(await runDigest(bot.deps, bj('2026-12-04T17:00'))).toEqual({ groups: 1, leaders: 0 });
    await bot.settle();
    expect(cards(THIRD)).toHaveLength(1);
    expect(cards(GROUP)).toHaveLength(1);
    expect(cards(OTHER_GROUP)).toHaveLength(0);

    // Next week: a new round.
    bot.setNow('2026-12-11T16:00:00+08:00');
    expect((await runDigest(bot.deps, bj('2026-12-11T16:00'))).groups).toBe(1);
  });

  it('sends the leader card p2p: exceptions with buttons first, tables and charts', async () => {
    const t = await seedOffice(bot);
    await bot.deps.db.insert(subscriptions).values({ tenantKey: TENANT, userId: PEOPLE.leader.openId, createdAt: bj('2026-11-01T09:00') });
    // A subscriber who oversees nothing still gets a card that says so, and no one's tasks.
    await bot.deps.db.insert(subscriptions).values({ tenantKey: TENANT, userId: PEOPLE.outsider.openId, createdAt: bj('2026-11-01T09:00') });
    bot.setNow('2026-12-04T16:00:00+08:00');
    expect(await runDigest(bot.deps, bj('2026-12-04T16:00'))).toEqual({ groups: 1, leaders: 2 });
    await bot.settle();

    const [card] = cards(PEOPLE.leader.openId);
    expect(card).toBeDefined();
    expect(card!.receiveIdType).toBe('open_id');
    const els: any[] = card!.content.body.elements;
    const text = bot.fake.cardText(card!);
    // Exceptions come first: extension request, waiting for review, newly overdue.
    const order = ['延期申请 #3', '待审核 #2', '新逾期 #1', '各群情况', '各部门情况'].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const values = els
      .filter((e) => e.tag === 'column_set')
      .flatMap((e) => e.columns.flatMap((c: any) => c.elements))
      .map((b: any) => b.behaviors[0].value);
    expect(values).toEqual([
      { a: 'approve_extension', task: t.extension!.id, n: 3 },
      { a: 'show', task: t.extension!.id, n: 3 },
      { a: 'show', task: t.waiting!.id, n: 2 },
      { a: 'chase', task: t.overdue!.id, n: 1 },
      { a: 'show', task: t.overdue!.id, n: 1 },
    ]);
    const charts = els.filter((e) => e.tag === 'chart');
    expect(charts.map((c) => c.chart_spec.type)).toEqual(['bar', 'line']);
    expect(charts[0].chart_spec.data[0].values).toContainEqual({ department: '综合科', kind: '逾期', count: 1 });
    expect(charts[1].chart_spec.data[0].values).toEqual([{ week: 'W49', rate: 100 }]);
    // The leader owns GROUP and THIRD is not theirs; OTHER_GROUP neither.
    const chatTable = els.filter((e) => e.tag === 'table')[0];
    expect(chatTable.rows.map((r: any) => r.who)).toEqual(['综合办公室工作群']);
    expect(JSON.stringify(card!.content).length).toBeLessThan(30 * 1024);

    const outsider = cards(PEOPLE.outsider.openId);
    expect(outsider).toHaveLength(1);
    expect(bot.fake.cardText(outsider[0]!)).not.toContain('修复中山路路灯');
  });

  it("the leader card's 同意延期 works through the card callback", async () => {
    const t = await seedOffice(bot);
    await bot.deps.db.insert(subscriptions).values({ tenantKey: TENANT, userId: PEOPLE.leader.openId, createdAt: bj('2026-11-01T09:00') });
    bot.setNow('2026-12-04T16:00:00+08:00');
    await runDigest(bot.deps, bj('2026-12-04T16:00'));
    await bot.settle();
    const [card] = cards(PEOPLE.leader.openId);
    const button = card!.content.body.elements
      .filter((e: any) => e.tag === 'column_set')
      .flatMap((e: any) => e.columns.flatMap((c: any) => c.elements))
      .find((b: any) => b.behaviors[0].value.a === 'approve_extension');
    const res = await bot.click({ from: 'leader', value: button.behaviors[0].value, messageId: card!.id, chatId: bot.fake.p2pChatOf(PEOPLE.leader.openId) });
    expect(res.status).toBe(200);
    await bot.settle();
    const after = await getTaskByNumber(bot.deps.db, TENANT, t.extension!.number);
    expect(after!.dueAt).toEqual(bj('2026-12-16T18:00'));
    expect(after!.extensionCount).toBe(1);
    expect(after!.pendingExtension).toBeNull();
  });

  it('a stale extension request (its date already passed) leaves the leader card', async () => {
    const { leader, zhang } = PEOPLE;
    await seedOffice(bot);
    await seedTask(
      bot,
      makeTask({
        title: '过期的延期申请',
        lead: zhang.openId,
        creatorId: leader.openId,
        dueAt: bj('2026-11-25T18:00'),
        pendingExtension: { dueAt: bj('2026-12-02T18:00'), reason: '材料未齐', requestedBy: zhang.openId, requestedAt: bj('2026-11-24T11:00') },
      }),
      [{ kind: 'extension_requested', at: bj('2026-11-24T11:00'), actorId: zhang.openId }],
    );
    await bot.deps.db.insert(subscriptions).values({ tenantKey: TENANT, userId: leader.openId, createdAt: bj('2026-11-01T09:00') });
    bot.setNow('2026-12-04T16:00:00+08:00');
    await runDigest(bot.deps, bj('2026-12-04T16:00'));
    await bot.settle();
    const text = bot.fake.cardText(cards(leader.openId)[0]!);
    expect(text).toContain('延期申请 #3');
    expect(text).not.toMatch(/延期申请 #\d+[^\n]*过期的延期申请/);
    expect(JSON.stringify(cards(leader.openId)[0]!.content.body)).not.toMatch(/"a":"approve_extension","task":\d+,"n":(?!3)\d+/);
  });

  it('nothing to any chat in a week without tasks', async () => {
    await upsertChat(bot.deps.db, { chatId: OTHER_GROUP, tenantKey: TENANT, chatType: 'group', name: '其他工作群' }, bj('2026-11-30T08:00'));
    expect(DEFAULT_SETTINGS.digestWeekday).toBe(5);
    expect(await runDigest(bot.deps, bj('2026-12-04T16:00'))).toEqual({ groups: 0, leaders: 0 });
    await bot.settle();
    expect(bot.fake.messages).toHaveLength(0);
  });
});
