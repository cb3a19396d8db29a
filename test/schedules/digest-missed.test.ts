/**
 * A weekly digest slot that was missed is sent once, later (SPEC §4): the clock jumps from
 * Friday morning to Monday, and `npm run job -- digest --now …` (its own process, the real
 * libSQL database, the fake Lark) still sends that week's group summary and leader card once,
 * saying which week they cover; a week whose next digest has already come is not sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertChat } from '../../db/chats.js';
import { subscriptions } from '../../db/schema.js';
import { GROUP, PEOPLE, TENANT, runJobCommand, testBot, type TestBot } from '../helpers/app.js';
import { makeTask, seedDirectory, seedTask } from './digest-seed.js';

const bj = (s: string) => new Date(`${s}:00+08:00`);

let bot: TestBot;

const job = (now: string) => runJobCommand(bot, ['digest', '--now', now]);

const cards = (to: string) => bot.fake.messagesTo(to).filter((m) => m.msgType === 'interactive');

describe('a missed weekly digest', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-12-04T09:00:00+08:00' }); // Friday morning
    const now = bj('2026-11-30T08:00');
    await upsertChat(bot.deps.db, { chatId: GROUP, tenantKey: TENANT, chatType: 'group', name: '综合办公室工作群', ownerId: PEOPLE.leader.openId }, now);
    await seedDirectory(bot);
    await seedTask(bot, makeTask({ title: '修复中山路路灯', lead: PEOPLE.zhang.openId, createdAt: bj('2026-11-30T09:00'), dueAt: bj('2026-12-01T18:00') }));
    await bot.deps.db.insert(subscriptions).values({ tenantKey: TENANT, userId: PEOPLE.leader.openId, createdAt: bj('2026-11-01T09:00') });
    // Last week's digests went out at their time.
    expect((await job('2026-11-27T16:00:00+08:00')).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await bot.close();
  });

  it('Friday morning, then Monday: that week is sent once on Monday, saying which week', async () => {
    const before = { group: cards(GROUP).length, leader: cards(PEOPLE.leader.openId).length };
    const friday = await job('2026-12-04T09:00:00+08:00');
    expect(friday.code, friday.out).toBe(0);
    expect(cards(GROUP)).toHaveLength(before.group);
    expect(cards(PEOPLE.leader.openId)).toHaveLength(before.leader);

    // Nothing ran from Friday 09:00 until Monday morning. Before working time: not yet.
    expect((await job('2026-12-07T07:00:00+08:00')).code).toBe(0);
    expect(cards(GROUP)).toHaveLength(before.group);

    const monday = await job('2026-12-07T09:05:00+08:00');
    expect(monday.code, monday.out).toBe(0);
    const group = cards(GROUP).slice(before.group);
    const leader = cards(PEOPLE.leader.openId).slice(before.leader);
    expect(group).toHaveLength(1);
    expect(leader).toHaveLength(1);
    const summary = bot.fake.cardText(group[0]!);
    expect(summary).toContain('督办周报 · 综合办公室工作群');
    expect(summary).toMatch(/11月30日.*12月6日/); // the week it covers: Monday 11-30 to Sunday 12-06
    expect(summary).toContain('修复中山路路灯');
    expect(bot.fake.cardText(leader[0]!)).toMatch(/11月30日.*12月6日/);

    // Again, and later that day: nothing twice.
    expect((await job('2026-12-07T09:05:00+08:00')).code).toBe(0);
    expect((await job('2026-12-07T14:00:00+08:00')).code).toBe(0);
    expect(cards(GROUP)).toHaveLength(before.group + 1);
    expect(cards(PEOPLE.leader.openId)).toHaveLength(before.leader + 1);
  }, 120_000);

  it('a week whose next digest has already come is not sent', async () => {
    const before = { group: cards(GROUP).length, leader: cards(PEOPLE.leader.openId).length };
    // Nothing ran in the week of 12-07 until after its Friday 16:00: only that week goes out.
    const r = await job('2026-12-11T16:30:00+08:00');
    expect(r.code, r.out).toBe(0);
    const group = cards(GROUP).slice(before.group);
    expect(group).toHaveLength(1);
    expect(bot.fake.cardText(group[0]!)).toMatch(/12月7日.*12月11日/);
    expect(cards(PEOPLE.leader.openId).slice(before.leader)).toHaveLength(1);
    // Nothing runs in the whole week of 12-14; the next run is after the 12-21 week's moment:
    // that week goes out, the week of 12-14 (its next digest has come) does not, then or later.
    const late = await job('2026-12-25T16:30:00+08:00');
    expect(late.code, late.out).toBe(0);
    const next = cards(GROUP).slice(before.group + 1);
    expect(next).toHaveLength(1);
    expect(bot.fake.cardText(next[0]!)).toMatch(/12月21日.*12月25日/);
    expect((await job('2026-12-28T09:30:00+08:00')).code).toBe(0);
    expect(cards(GROUP)).toHaveLength(before.group + 2);
    expect(cards(PEOPLE.leader.openId)).toHaveLength(before.leader + 2);
  }, 120_000);
});
