/**
 * The digest job reads a tenant in pages of tasks (db/figures.ts figureTaskPages) and keeps only
 * counts and the first items of each list. Whatever the page size — every task its own page, a
 * large chat split over several pages (tasks created at the same instant included), small chats
 * sharing one — the job sends exactly the cards it sends when the whole tenant is one page:
 * long red and exception lists included. Both sides are the production job.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveChatSettings, upsertChat } from '../../db/chats.js';
import { outbox, subscriptions } from '../../db/schema.js';
import { runDigest } from '../../schedules/digest.js';
import { GROUP, OTHER_GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';
import { makeTask, seedDirectory, seedTask } from './digest-seed.js';

const THIRD = 'oc_group_third';
const FOURTH = 'oc_group_fourth';
const bj = (s: string) => new Date(`${s}:00+08:00`);
const NOW = bj('2026-12-04T16:00');

/** Three weeks of an office in four chats: 40-odd tasks, most of them in GROUP. */
async function seedOffice(bot: TestBot): Promise<void> {
  const at = bj('2026-11-01T08:00');
  const { leader, chief, zhang, zhao, sun, outsider } = PEOPLE;
  await upsertChat(bot.deps.db, { chatId: GROUP, tenantKey: TENANT, chatType: 'group', name: '综合办公室工作群', ownerId: leader.openId }, at);
  await upsertChat(bot.deps.db, { chatId: OTHER_GROUP, tenantKey: TENANT, chatType: 'group', name: '其他工作群', ownerId: outsider.openId }, at);
  await upsertChat(bot.deps.db, { chatId: THIRD, tenantKey: TENANT, chatType: 'group', name: '督查科群', ownerId: sun.openId }, at);
  await upsertChat(bot.deps.db, { chatId: FOURTH, tenantKey: TENANT, chatType: 'group', name: '空群', ownerId: sun.openId }, at);
  // The leader supervises THIRD by its settings; OTHER_GROUP only through a task they created.
  await saveChatSettings(bot.deps.db, THIRD, { supervisorId: leader.openId }, at);
  await seedDirectory(bot);

  const people = [zhang.openId, zhao.openId, sun.openId, chief.openId];
  // GROUP: 20 overdue (more than the 15 a card lists), several created at the same instant.
  for (let i = 0; i < 20; i++) {
    await seedTask(
      bot,
      makeTask({
        title: `逾期事项${i}`,
        lead: people[i % people.length]!,
        co: i % 3 === 0 ? [people[(i + 1) % people.length]!] : [],
        createdAt: bj(i < 8 ? '2026-11-30T09:00' : `2026-11-${String(10 + i).padStart(2, '0')}T09:00`),
        dueAt: bj(`2026-12-0${1 + (i % 4)}T18:00`),
        originalDueAt: bj(`2026-12-0${1 + (i % 4)}T18:00`),
      }),
      i % 5 === 0 ? [{ kind: 'chased', at: bj('2026-12-03T09:30'), actorId: 'bot' }] : [],
    );
  }
  // GROUP: submitted for the leader's review, and extension requests to the leader.
  for (let i = 0; i < 8; i++) {
    await seedTask(
      bot,
      makeTask({
        title: `待审事项${i}`,
        lead: people[i % people.length]!,
        supervisorId: leader.openId,
        state: 'submitted',
        createdAt: bj('2026-11-30T09:00'),
        dueAt: bj('2026-12-09T18:00'),
        submittedAt: bj('2026-12-03T10:00'),
      }),
    );
  }
  for (let i = 0; i < 7; i++) {
    await seedTask(
      bot,
      makeTask({
        title: `延期申请${i}`,
        lead: zhang.openId,
        creatorId: leader.openId,
        dueAt: bj(`2026-12-${String(8 + i).padStart(2, '0')}T18:00`),
        pendingExtension: { dueAt: bj('2026-12-20T18:00'), reason: `理由${i}`, requestedBy: zhang.openId, requestedAt: bj('2026-12-03T11:00') },
      }),
      [{ kind: 'extension_requested', at: bj('2026-12-03T11:00'), actorId: zhang.openId }],
    );
  }
  // Done this week (on time and late), done weeks ago (the trend), cancelled this week.
  for (let i = 0; i < 6; i++) {
    const doneAt = bj(`2026-11-${String(9 + i * 3).padStart(2, '0')}T17:00`);
    await seedTask(
      bot,
      makeTask({
        title: `办结事项${i}`,
        lead: people[i % people.length]!,
        chatId: i % 2 ? GROUP : THIRD,
        state: 'done',
        createdAt: bj('2026-11-02T09:00'),
        dueAt: bj(`2026-11-${String(10 + i * 3).padStart(2, '0')}T18:00`),
        originalDueAt: bj(`2026-11-${String(i % 3 ? 10 + i * 3 : 5).padStart(2, '0')}T18:00`),
        submittedAt: doneAt,
        doneAt,
      }),
      i === 1 ? [{ kind: 'returned', at: bj('2026-11-12T10:00'), actorId: chief.openId }] : [],
    );
  }
  await seedTask(
    bot,
    makeTask({
      title: '本周办结',
      lead: zhao.openId,
      state: 'done',
      createdAt: bj('2026-12-01T09:00'),
      dueAt: bj('2026-12-03T18:00'),
      submittedAt: bj('2026-12-02T16:00'),
      doneAt: bj('2026-12-02T17:00'),
    }),
    [
      { kind: 'returned', at: bj('2026-12-02T10:00'), actorId: chief.openId },
      { kind: 'extension_approved', at: bj('2026-12-01T12:00'), actorId: chief.openId },
    ],
  );
  await seedTask(
    bot,
    makeTask({ title: '本周撤销', lead: sun.openId, state: 'cancelled', createdAt: bj('2026-11-20T09:00'), cancelledAt: bj('2026-12-01T09:00') }),
  );
  // THIRD: a few open tasks, one overdue, one due next week.
  await seedTask(bot, makeTask({ title: '督查回访', lead: sun.openId, chatId: THIRD, creatorId: sun.openId, dueAt: bj('2026-12-11T18:00') }));
  await seedTask(bot, makeTask({ title: '督查逾期', lead: sun.openId, chatId: THIRD, creatorId: sun.openId, dueAt: bj('2026-12-02T18:00') }));
  // OTHER_GROUP: one task the leader created, one long done (outside the figures).
  await seedTask(bot, makeTask({ title: '跨群交办', lead: sun.openId, chatId: OTHER_GROUP, creatorId: leader.openId, dueAt: bj('2026-12-07T18:00') }));
  await seedTask(
    bot,
    makeTask({
      title: '十月旧事项',
      lead: sun.openId,
      chatId: OTHER_GROUP,
      creatorId: outsider.openId,
      state: 'done',
      createdAt: bj('2026-08-09T09:00'),
      updatedAt: bj('2026-08-12T10:00'),
      doneAt: bj('2026-08-12T10:00'),
      submittedAt: bj('2026-08-12T09:00'),
    }),
  );
  for (const userId of [leader.openId, sun.openId, outsider.openId]) {
    await bot.deps.db.insert(subscriptions).values({ tenantKey: TENANT, userId, createdAt: at });
  }
}

/** Runs the job at NOW with a page size; the cards it queued, keyed by recipient; then forgets it ran. */
async function digestCards(pageSize?: number): Promise<Record<string, unknown>> {
  const { db } = bot.deps;
  const before = await db.select({ id: outbox.id }).from(outbox);
  const seen = new Set(before.map((r) => r.id));
  const run = await runDigest(bot.deps, NOW, pageSize === undefined ? {} : { pageSize });
  expect(run).toEqual({ groups: 3, leaders: 3 });
  const rows = await db.select({ id: outbox.id, body: outbox.body }).from(outbox).orderBy(outbox.id);
  const cards: Record<string, unknown> = {};
  for (const r of rows.filter((r) => !seen.has(r.id))) {
    const m = JSON.parse(r.body);
    cards[m.to.id] = m.content;
  }
  await db.run(sql`DELETE FROM sends WHERE key LIKE 'digest:%' OR key LIKE 'leader:%'`);
  return cards;
}

let bot: TestBot;
beforeEach(async () => {
  bot = await testBot({ now: '2026-12-04T16:00:00+08:00' });
});
afterEach(async () => {
  await bot.close();
});

describe('runDigest in pages', () => {
  it('sends the same cards whatever the page size, the cards of the whole tenant as one page', async () => {
    await seedOffice(bot);
    const expected = await digestCards(100_000);
    expect(Object.keys(expected).sort()).toEqual([GROUP, OTHER_GROUP, THIRD, PEOPLE.leader.openId, PEOPLE.outsider.openId, PEOPLE.sun.openId].sort());
    // The lists are longer than the cards show: the job keeps only what is shown, and the counts.
    const text = JSON.stringify(expected[PEOPLE.leader.openId]);
    expect(text).toContain('…另有');
    expect(JSON.stringify(expected[GROUP])).toContain('…另有');
    // The whole-tenant figures of the seeded week, as counted from the seed above.
    expect(JSON.stringify(expected[GROUP])).toContain('新交办 **24** · 办结 **1**（按时 1，按时率 **100%**）· 在办 **35** · 逾期 **15** · 下周到期 **14**');
    expect(JSON.stringify(expected[GROUP])).toContain('**📝 待审核（8）**');

    for (const pageSize of [1, 2, 3, 7, 40, undefined]) {
      expect({ pageSize, cards: await digestCards(pageSize) }).toEqual({ pageSize, cards: expected });
    }
  });
});
