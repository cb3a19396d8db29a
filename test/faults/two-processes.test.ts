/**
 * Several processes, one database: two bot processes (as `npm start` runs them, webhook mode)
 * on one remote libSQL server (the Hrana test server standing in for a self-hosted sqld), Lark's
 * events spread over both and some delivered to both (a retry reaching the other instance), and
 * a chase run beside each at the same moment. Every event is processed once, every reminder is
 * sent once, and the messages of all of them together reach Lark once each.
 */
import { afterEach, expect, it } from 'vitest';
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

/** Unsigned tasks due Wednesday 18:00: at Friday 09:30 each is owed a 催办, a 督办 and a 待签收 reminder. */
async function seedOverdue(o: Office, url: string): Promise<string[]> {
  const handle = await openDb(url);
  const titles: string[] = [];
  try {
    for (let i = 0; i < OVERDUE; i++) {
      const g = o.groups[i % GROUPS]!;
      const created = new Date('2026-11-23T10:00:00+08:00');
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

it('two bot processes and two chase runs on one libSQL server: each event processed once, each reminder sent once', { timeout: 180_000 }, async () => {
  office = await createOffice({ groups: GROUPS, staff: 5 });
  hrana = await startHranaServer({ path: `${office.dir}/shared.db`, lockWaitMs: 30_000 });
  // Every check below reads the shared database through the server, as the processes do.
  office.dbUrl = hrana.url;
  const remote = { DATABASE_URL: hrana.url };
  (await openDb(hrana.url)).client.close();
  const seeded = await seedOverdue(office, hrana.url);
  const [a, b] = await Promise.all([office.startBot(remote), office.startBot(remote)]);

  const titles = Array.from({ length: 60 }, (_, i) => `双实例事项-${i}`);
  const envelopes = titles.map((t, i) => assignEvent(office!, office!.groups[i % GROUPS]!, i, t));
  // A load balancer's share each, and every fifth event delivered to both (Lark retrying on the other).
  const toA = envelopes.filter((_, i) => i % 2 === 0 || i % 5 === 0);
  const toB = envelopes.filter((_, i) => i % 2 === 1 || i % 5 === 0);
  const chases = [
    startJob(['chase', '--now', '2026-11-27T09:30:00+08:00'], { ...office.env, ...remote }),
    startJob(['chase', '--now', '2026-11-27T09:30:00+08:00'], { ...office.env, ...remote }),
  ];
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
  // 60 assignments × (group card + assignee card) + 40 overdue tasks × (催办 + 督办 + 待签收).
  const { messages } = await expectEveryMessageOnce(office);
  expect(messages).toBe(60 * 2 + OVERDUE * 3);
  expect(await count(office, 'SELECT count(*) FROM sends WHERE task_id IS NOT NULL')).toBe(OVERDUE * 3);
  // Four senders share the app's limit without coordinating: Lark refuses the excess, the outbox retries it.
  console.info(`two processes: ${office.fake.refusedForFrequency} sends refused for frequency (the outbox retries what is refused)`);
});
