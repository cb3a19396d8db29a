/**
 * `kill -9` of the bot in the middle of draining the outbox, and of the job command in the
 * middle of a chase run — real processes on a real libSQL file, the fake Lark server slow
 * (latency) and enforcing its limits. After the restart or the rerun: every message reached
 * Lark exactly once (a resend of a message whose answer died with the process carries the
 * same uuid and is answered from Lark's cache), every acknowledged event was processed
 * exactly once, every reminder went out once, no task is half-written.
 */
import { afterEach, expect, it } from 'vitest';
import { newTask } from '../../bot/domain/task.js';
import { commitChange } from '../../db/commit.js';
import { openDb } from '../../db/node.js';
import { startJob } from '../support/bot-process.js';
import {
  assignEvent,
  count,
  createOffice,
  deliverLikeLark,
  expectEventsProcessed,
  expectEveryMessageOnce,
  expectLedgerVerifies,
  expectTasksWhole,
  expireLeases,
  settled,
  TENANT,
  withDb,
  type Office,
} from './office.js';

let office: Office | undefined;
afterEach(async () => {
  await office?.close();
  office = undefined;
});

it('kill -9 of the bot while it drains the outbox, then a restart: each message once, each event once', { timeout: 120_000 }, async () => {
  office = await createOffice({ groups: 6, staff: 5 });
  // Slow Lark: eight sends in flight take 300 ms each, so the drain lasts seconds.
  office.fake.setLatency(300);
  let bot = await office.startBot();
  const titles = Array.from({ length: 60 }, (_, i) => `事项-${i}`);
  const envelopes = titles.map((t, i) => assignEvent(office!, office!.groups[i % 6]!, i, t));
  const { acknowledged, ackMs } = await deliverLikeLark(bot, envelopes, { concurrency: 8 });
  expect(acknowledged).toHaveLength(60);
  expect(Math.max(...ackMs)).toBeLessThan(3_000);

  // Each assignment queues a card in its group and one to its assignee: 120 messages.
  await office.fake.waitFor(() => office!.fake.messages.length >= 30, 30_000);
  await bot.kill9();
  const atKill = {
    delivered: office.fake.messages.length,
    pending: await count(office, "SELECT count(*) FROM outbox WHERE status = 'pending'"),
    leased: await count(office, "SELECT count(*) FROM outbox WHERE status = 'pending' AND lease_until IS NOT NULL"),
  };
  expect(atKill.pending).toBeGreaterThan(0);

  // Requests in flight when the process died still reach Lark (the fake finishes them after
  // its latency): those messages exist, their rows are unmarked and leased.
  await new Promise((r) => setTimeout(r, 400));
  await expireLeases(office);
  bot = await office.startBot();
  await settled(office, 60_000);

  const { messages, dedupedResends } = await expectEveryMessageOnce(office);
  expect(messages).toBe(120);
  // At least one message was created by Lark while its answer died with the process.
  expect(dedupedResends).toBeGreaterThanOrEqual(1);
  expect(office.fake.refusedForFrequency).toBe(0);
  await expectEventsProcessed(office, acknowledged);
  await expectTasksWhole(office, titles);
});

const GROUPS = 10;
const TASKS = 200;
/** One group 催办 and one 督办 card per group, one 待签收 card per assignee (10 per group). */
const MESSAGES = 2 * GROUPS + 10 * GROUPS;

/** 200 unsigned tasks in 10 groups, due Wednesday 18:00, written through the real commit path. */
async function seedOverdueTasks(o: Office): Promise<string[]> {
  const handle = await openDb(o.dbUrl);
  const titles: string[] = [];
  try {
    for (let i = 0; i < TASKS; i++) {
      const g = o.groups[i % GROUPS]!;
      const created = new Date('2026-11-23T10:00:00+08:00');
      const title = `第${i}号督办事项`;
      titles.push(title);
      const { task, events } = newTask({
        tenantKey: TENANT,
        number: 0,
        title,
        category: null,
        source: null,
        priority: 'normal',
        creatorId: g.chief.openId,
        supervisorId: g.leader.openId,
        chatId: g.chatId,
        leadId: g.staff[Math.floor(i / GROUPS) % g.staff.length]!.openId,
        coIds: [],
        dueAt: new Date('2026-11-25T18:00:00+08:00'),
        now: created,
      });
      await commitChange(handle.db, { tenantKey: TENANT, now: created, task: { value: task, expectedVersion: null }, events });
    }
  } finally {
    handle.client.close();
  }
  return titles;
}

/** Every reminder claimed is logged on its task and queued, in the same transaction. */
async function expectRemindersWhole(o: Office): Promise<number> {
  return withDb(o, async (db) => {
    const claims = Number((await db.execute('SELECT count(*) FROM sends WHERE task_id IS NOT NULL')).rows[0]![0]);
    const logged = Number((await db.execute("SELECT count(*) FROM task_events WHERE actor_id = 'bot'")).rows[0]![0]);
    expect(logged, 'reminders claimed but not logged (or logged twice)').toBe(claims);
    const orphans = (await db.execute('SELECT t.id FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id)')).rows;
    expect(orphans, 'tasks without events').toEqual([]);
    return claims;
  });
}

it('kill -9 of the chase job mid-claim and mid-drain, then reruns at the next ticks: each reminder once, no task half-written', {
  timeout: 150_000,
}, async () => {
  office = await createOffice({ groups: GROUPS, staff: 10 });
  office.fake.setLatency(40);
  const titles = await seedOverdueTasks(office);
  const env = office.env;
  // Friday 09:30, overdue day 2 for every task: a 催办 in its group, a 督办 card to the leader
  // and a 待签收 reminder to the assignee — 600 reminders, one message per recipient: 120.
  const run = (now: string) => startJob(['chase', '--now', now], env);

  // 1. Killed while it claims reminders (sends rows appear one transaction at a time).
  const first = run('2026-11-27T09:30:00+08:00');
  const end = Date.now() + 60_000;
  let claimedAtKill = 0;
  for (;;) {
    claimedAtKill = await count(office, 'SELECT count(*) FROM sends');
    if (claimedAtKill > 0 || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  first.kill9();
  expect((await first.done).signal).toBe('SIGKILL');
  const claimedAfterFirst = await expectRemindersWhole(office);
  expect(claimedAfterFirst).toBeGreaterThan(0);
  await expectLedgerVerifies(office);

  // 2. The next tick reruns it; killed while it drains the outbox.
  const second = run('2026-11-27T09:35:00+08:00');
  await office.fake.waitFor(() => office!.fake.messages.length >= 30, 60_000);
  second.kill9();
  expect((await second.done).signal).toBe('SIGKILL');
  const deliveredAtKill = office.fake.messages.length;
  expect(deliveredAtKill).toBeLessThan(MESSAGES);
  expect(await expectRemindersWhole(office)).toBe(3 * TASKS);

  // 3. The tick after: claims nothing new, delivers the rest. The dead run's leases (a minute
  // from 09:35 on its clock) have expired by 09:40.
  const third = await run('2026-11-27T09:40:00+08:00').done;
  expect(third.stderr).toBe('');
  expect(third.code).toBe(0);
  expect(third.stdout).toMatch(/claimed 0/);

  const { messages } = await expectEveryMessageOnce(office);
  expect(messages).toBe(MESSAGES);
  expect(await expectRemindersWhole(office)).toBe(3 * TASKS);
  // Each task's three reminders, once each: in its group's 催办, its leader's 督办 card and its lead's card.
  const fake = office.fake;
  for (const [i, title] of titles.entries()) {
    const g = office.groups[i % GROUPS]!;
    const has = (m: (typeof fake.messages)[number]) => fake.textOf(m).includes(title);
    expect(fake.messagesTo(g.chatId).filter(has), `催办 of ${title}`).toHaveLength(1);
    expect(fake.messagesTo(g.leader.openId).filter(has), `督办 of ${title}`).toHaveLength(1);
  }
  for (const g of office.groups) for (const s of g.staff) expect(fake.messagesTo(s.openId)).toHaveLength(1);
  for (const g of office.groups) {
    expect(fake.messagesTo(g.chatId)).toHaveLength(1);
    expect(fake.messagesTo(g.leader.openId)).toHaveLength(1);
  }
  // The 09:30 burst was spread at the platform's pace, never refused.
  expect(fake.refusedForFrequency).toBe(0);
  const perSecond = new Map<number, number>();
  for (const m of fake.messages) perSecond.set(Math.floor(m.time.getTime() / 1000), (perSecond.get(Math.floor(m.time.getTime() / 1000)) ?? 0) + 1);
  expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(50);

  await expectTasksWhole(office, titles);
  await expectLedgerVerifies(office, { asJob: true });
});
