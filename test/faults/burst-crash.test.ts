/**
 * `kill -9` of the bot right after it acknowledged a burst of /交办 it had not finished
 * processing (acks first: the work waits in the inbox), then a restart: every acknowledged
 * event is processed once, in full — one task each, its cards sent once — and /healthz said
 * how far behind the bot was.
 */
import { afterEach, expect, it } from 'vitest';
import {
  assignEvent,
  count,
  createOffice,
  deliverLikeLark,
  expectEventsProcessed,
  expectEveryMessageOnce,
  expectTasksWhole,
  expireLeases,
  settled,
  type Office,
} from './office.js';

let office: Office | undefined;
afterEach(async () => {
  await office?.close();
  office = undefined;
});

it('kill -9 after a burst was acknowledged but not yet processed, then a restart: every event processed once', { timeout: 150_000 }, async () => {
  office = await createOffice({ groups: 10, staff: 6 });
  let bot = await office.startBot();
  const titles = Array.from({ length: 300 }, (_, i) => `突击事项-${i}`);
  const envelopes = titles.map((t, i) => assignEvent(office!, office!.groups[i % 10]!, i, t));
  // Like Lark: 64 pushes at a time, one answered late is delivered again (the ack figures are the benchmark's).
  const { acknowledged } = await deliverLikeLark(bot, envelopes, { concurrency: 64 });
  expect(new Set(acknowledged).size).toBe(300);

  // Behind on purpose: the acks came first, the work waits, and /healthz says how much.
  const health = (await fetch(`http://127.0.0.1:${bot.port}/healthz`).then((r) => r.json())) as { inbox: { unprocessed: number; queued: number } };
  await bot.kill9();
  const unprocessed = await count(office, 'SELECT count(*) FROM inbox WHERE processed_at IS NULL');
  expect(unprocessed).toBeGreaterThan(0);
  expect(health.inbox.unprocessed).toBeGreaterThanOrEqual(unprocessed);

  // A minute passes for the claims' leases; the restarted bot picks the work up.
  await expireLeases(office);
  bot = await office.startBot();
  await settled(office, 120_000);

  await expectEventsProcessed(office, acknowledged);
  await expectTasksWhole(office, titles);
  // Each assignment: its card in the group and one to its assignee, each once.
  const { messages } = await expectEveryMessageOnce(office);
  expect(messages).toBe(600);
  expect(office.fake.refusedForFrequency).toBe(0);
});
