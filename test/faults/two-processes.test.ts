/**
 * Several processes, one database: two bot processes (as `npm start` runs them, webhook mode)
 * on one remote libSQL server (the Hrana test server standing in for a self-hosted sqld), Lark's
 * events spread over both and some delivered to both (a retry reaching the other instance), and
 * a chase run beside each at the same moment. Every event is processed once, every reminder is
 * sent once, the messages of all of them together reach Lark once each, and with DUBAN_SENDERS
 * each process keeps to its share of the app's rate limits, so Lark refuses none.
 */
import { afterEach, expect, it } from 'vitest';
import { addDays, WorkCalendar, weekdayOf } from '../../bot/domain/calendar.js';
import { newTask } from '../../bot/domain/task.js';
import { commitChange } from '../../db/commit.js';
import { openDb } from '../../db/node.js';
import { startJob } from '../support/bot-process.js';
import { startHranaServer, type HranaServer } from '../support/hrana-server.js';
import {
  assignEvent,
  count,
  createOffice,
  deliverLikeLark,
  expectEventsProcessed,
  expectEveryMessageOnce,
  expectTasksWhole,
  settled,
  TENANT,
  type Office,
} from './office.js';

let office: Office | undefined;
let hrana: HranaServer | undefined;
afterEach(async () => {
  await office?.close();
  await hrana?.close();
  office = undefined;
  hrana = undefined;
});

const GROUPS = 8;
const OVERDUE = 40;

/**
 * A working week (Monday to Friday, all working days) starting at least three days after the
 * real clock, and over before the assignments' deadlines (laterDay, three weeks out).
 * The bot processes run their own chase every five minutes on the real clock: tasks of a week
 * that has not come yet owe them nothing, so only the two job runs, at that week's Friday, chase
 * (with a week already past, a test crossing a five-minute mark got a second 催办 from a bot).
 */
function weekAhead(): { monday: string; wednesday: string; friday: string } {
  const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
  let monday = addDays(cal.localDate(new Date()), 3);
  while (weekdayOf(monday) !== 1) monday = addDays(monday, 1);
  while (![0, 1, 2, 3, 4].every((d) => cal.isWorkday(addDays(monday, d)))) monday = addDays(monday, 7);
  return { monday, wednesday: addDays(monday, 2), friday: addDays(monday, 4) };
}
const WEEK = weekAhead();
const CHASE_AT = `${WEEK.friday}T09:30:00+08:00`;

/** Unsigned tasks due Wednesday 18:00: at Friday 09:30 each is owed a 催办, a 督办 and a 待签收 reminder. */
async function seedOverdue(o: Office, url: string): Promise<string[]> {
  const handle = await openDb(url);
  const titles: string[] = [];
  try {
    for (let i = 0; i < OVERDUE; i++) {
      const g = o.groups[i % GROUPS]!;
      const created = new Date(`${WEEK.monday}T10:00:00+08:00`);
      const { task, events } = newTask({
        tenantKey: TENANT,
        number: 0,
        title: titles[titles.push(`共享库督办事项${i}号`) - 1]!,
        category: null,
        source: null,
        priority: 'normal',
        creatorId: g.chief.openId,
        supervisorId: g.leader.openId,
        chatId: g.chatId,
        leadId: g.staff[i % g.staff.length]!.openId,
        coIds: [],
        dueAt: new Date(`${WEEK.wednesday}T18:00:00+08:00`),
        now: created,
      });
      await commitChange(handle.db, { tenantKey: TENANT, now: created, task: { value: task, expectedVersion: null }, events });
    }
  } finally {
    handle.client.close();
  }
  return titles;
}

it('two bot processes and two chase runs on one libSQL server: each event processed once, each reminder sent once', { timeout: 180_000 }, async () => {
  office = await createOffice({ groups: GROUPS, staff: 5 });
  hrana = await startHranaServer({ path: `${office.dir}/shared.db`, lockWaitMs: 30_000 });
  // Every check below reads the shared database through the server, as the processes do.
  office.dbUrl = hrana.url;
  // Two bots and two job runs send for one app: each keeps to a quarter of Lark's limits.
  const remote = { DATABASE_URL: hrana.url, DUBAN_SENDERS: '4' };
  (await openDb(hrana.url)).client.close();
  const seeded = await seedOverdue(office, hrana.url);
  const [a, b] = await Promise.all([office.startBot(remote), office.startBot(remote)]);

  const titles = Array.from({ length: 60 }, (_, i) => `双实例事项-${i}`);
  const envelopes = titles.map((t, i) => assignEvent(office!, office!.groups[i % GROUPS]!, i, t));
  // A load balancer's share each, and every fifth event delivered to both (Lark retrying on the other).
  const toA = envelopes.filter((_, i) => i % 2 === 0 || i % 5 === 0);
  const toB = envelopes.filter((_, i) => i % 2 === 1 || i % 5 === 0);
  const chases = [startJob(['chase', '--now', CHASE_AT], { ...office.env, ...remote }), startJob(['chase', '--now', CHASE_AT], { ...office.env, ...remote })];
  const [ra, rb] = await Promise.all([deliverLikeLark(a!, toA, { concurrency: 8 }), deliverLikeLark(b!, toB, { concurrency: 8 })]);
  const done = await Promise.all(chases.map((c) => c.done));
  for (const d of done) expect(d.code, d.stderr).toBe(0);
  expect(done.map((d) => /claimed (\d+)/.exec(d.stdout)?.[1]).filter(Boolean)).toHaveLength(2);

  const acknowledged = new Set([...ra.acknowledged, ...rb.acknowledged]);
  expect(acknowledged.size).toBe(60);
  await settled(office, 120_000);

  await expectEventsProcessed(office, acknowledged);
  expect(await count(office, 'SELECT count(*) FROM inbox')).toBe(60);
  await expectTasksWhole(office, [...seeded, ...titles]);
  const { messages } = await expectEveryMessageOnce(office);
  // 60 assignments × (group card + assignee card), and the 09:30 reminders.
  expect(messages).toBeGreaterThan(60 * 2);
  // Each overdue task chased once in its group and once to its leader, though two runs chased at once.
  const fake = office.fake;
  for (const [i, title] of seeded.entries()) {
    const g = office.groups[i % GROUPS]!;
    const has = (m: (typeof fake.messages)[number]) => fake.textOf(m).includes(title);
    expect(fake.messagesTo(g.chatId).filter(has), `催办 of ${title}`).toHaveLength(1);
    expect(fake.messagesTo(g.leader.openId).filter(has), `督办 of ${title}`).toHaveLength(1);
  }
  // Lark's app-wide limit held across all four: never refused, never more than 50 in a second.
  expect(office.fake.refusedForFrequency).toBe(0);
  const perSecond = new Map<number, number>();
  for (const m of office.fake.messages) perSecond.set(Math.floor(m.time.getTime() / 1000), (perSecond.get(Math.floor(m.time.getTime() / 1000)) ?? 0) + 1);
  expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(50);
});
