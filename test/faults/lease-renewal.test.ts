/**
 * Several processes, one database, and a queue that waits longer than a lease: Lark answers
 * slowly, so one bot process works through its acknowledged events for well over a minute
 * (each event in a new group asks Lark about the chat). Its leases are renewed while the events
 * wait; the other process, leasing what the inbox holds every 30 s, never takes one of them,
 * so each event is leased once, its work is done once, and every message reaches Lark once.
 */
import { afterEach, expect, it } from 'vitest';
import { INBOX_LEASE_MS } from '../../db/inbox.js';
import { assignEvent, createOffice, deliverLikeLark, expectEveryMessageOnce, expectTasksWhole, settled, withDb, type Office } from './office.js';

let office: Office | undefined;
afterEach(async () => {
  await office?.close();
  office = undefined;
});

/** One event per group, each group new to the bot: every one costs a few slow Lark calls. */
const GROUPS = 28;
const LATENCY_MS = 1_000;
/** The other process looks for lapsed leases this often (entry/main.ts INBOX_RECOVERY_MS). */
const RECOVERY_MS = 30_000;

it('a queue waiting past its leases stays with its process: the other process leases none of it', { timeout: 300_000 }, async () => {
  office = await createOffice({ groups: GROUPS, staff: 2 });
  const [a, b] = await Promise.all([office.startBot(), office.startBot()]);
  // Both are up (their start-up recovery found nothing); from now on Lark takes a second to answer.
  office.fake.setLatency(LATENCY_MS);
  const titles = office.groups.map((_, i) => `慢速续租事项-${i}`);
  const envelopes = office.groups.map((g, i) => assignEvent(office!, g, i, titles[i]!));
  const { acknowledged } = await deliverLikeLark(a!, envelopes, { concurrency: 8 });
  expect(acknowledged).toHaveLength(GROUPS);
  await settled(office, 240_000);

  const rows = await withDb(office, async (db) => (await db.execute('SELECT event_id, attempts, received_at, processed_at, error FROM inbox')).rows);
  expect(rows).toHaveLength(GROUPS);
  // The queue did wait past a lease and a recovery round of the other process: else this proves nothing.
  const waited = Math.max(...rows.map((r) => Number(r.processed_at) - Number(r.received_at)));
  expect(waited).toBeGreaterThan(INBOX_LEASE_MS + RECOVERY_MS);
  // Claimed once by A, never leased again (a lease counts an attempt), processed without error.
  expect(rows.filter((r) => Number(r.attempts) !== 1).map((r) => `${r.event_id}: ${r.attempts} attempts`)).toEqual([]);
  expect(rows.filter((r) => r.error)).toEqual([]);
  // The other process did no work for them: it asked Lark about none of the chats.
  expect(b!.output()).not.toMatch(/handler failed|lease/i);
  const chatLookups = office.fake.calls.filter((c) => c.method === 'GET' && /\/im\/v1\/chats\/oc_fault_\d+$/.test(c.path));
  const perChat = new Map<string, number>();
  for (const c of chatLookups) perChat.set(c.path, (perChat.get(c.path) ?? 0) + 1);
  const most = Math.max(...perChat.values());
  await expectTasksWhole(office, titles);
  await expectEveryMessageOnce(office);
  // Each new chat is looked up by the one process that processed its event (its name, its admins).
  expect(perChat.size).toBe(GROUPS);
  expect(most).toBeLessThanOrEqual(2);
});
