/**
 * The inbox claim against a real libSQL file: claims made in one turn go in one INSERT, and
 * each caller still learns exactly whether its event is new.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { IncomingEvent } from '../../bot/lark/events.js';
import type { DbHandle } from '../../db/client.js';
import { claimEvent, INBOX_LEASE_MS, leaseUnprocessed, markProcessed, renewLeases } from '../../db/inbox.js';
import { openDb } from '../../db/node.js';

let dir: string;
let handle: DbHandle;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duban-inbox-'));
  handle = await openDb(`file:${join(dir, 'inbox.db')}`);
});
afterEach(() => {
  handle.client.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = new Date('2026-11-25T02:00:00Z');
const message = (eventId: string, messageId: string): IncomingEvent =>
  ({
    kind: 'message',
    eventId,
    messageId,
    tenantKey: 't1',
    chatId: 'oc_1',
    chatType: 'group',
    sender: 'ou_1',
    text: 'hi',
    mentions: [],
    parentId: null,
    rootId: null,
    createTime: now.getTime(),
  }) as unknown as IncomingEvent;
const rows = async () => Number((await handle.db.all<{ n: number }>(sql`select count(*) as n from inbox`))[0]!.n);

describe('claimEvent', () => {
  it('answers each of many claims made at once: new ones true, every later copy false', async () => {
    const events = [
      message('ev-a', 'om_a'),
      message('ev-b', 'om_b'),
      message('ev-a', 'om_a'), // Lark's retry of ev-a in the same turn
      message('ev-c', 'om_b'), // another event for message om-b
      message('ev-d', 'om_d'),
    ];
    const claimed = await Promise.all(events.map((e) => claimEvent(handle.db, e, now)));
    expect(claimed).toEqual([true, true, false, false, true]);
    expect(await rows()).toBe(3);
  });

  it('remembers across batches: a claim of a stored event or message is false', async () => {
    expect(await claimEvent(handle.db, message('ev-a', 'om_a'), now)).toBe(true);
    const again = await Promise.all([
      claimEvent(handle.db, message('ev-a', 'om_x'), now),
      claimEvent(handle.db, message('ev-y', 'om_a'), now),
      claimEvent(handle.db, message('ev-z', 'om_z'), now),
    ]);
    expect(again).toEqual([false, false, true]);
  });

  it('fails every claim of a batch the database refuses, so Lark delivers them again', async () => {
    await handle.db.run(sql`drop table inbox`);
    const claims = [message('ev-a', 'om_a'), message('ev-a', 'om_a'), message('ev-b', 'om_b')].map((e) => claimEvent(handle.db, e, now));
    for (const c of claims) await expect(c).rejects.toThrow(/inbox/);
  });

  it('splits a burst larger than one statement may carry', async () => {
    const claimed = await Promise.all(Array.from({ length: 4_000 }, (_, i) => claimEvent(handle.db, message(`ev-${i}`, `om_${i}`), now)));
    expect(claimed.every(Boolean)).toBe(true);
    expect(await rows()).toBe(4_000);
  });
});

describe('renewLeases', () => {
  it('renews only the leases still held: not one that lapsed (another process may hold it now), not a processed event', async () => {
    const later = (ms: number) => new Date(now.getTime() + ms);
    for (const id of ['held', 'lapsed', 'done']) await claimEvent(handle.db, message(`ev-${id}`, `om_${id}`), now);
    await markProcessed(handle.db, 'ev-done', now);
    // `lapsed` was taken over: its lease ran out and another process leased it.
    await handle.db.run(sql`update inbox set lease_until = ${now.getTime() - 1} where event_id = 'ev-lapsed'`);
    const t = later(INBOX_LEASE_MS / 2);
    const renewed = await renewLeases(handle.db, ['ev-held', 'ev-lapsed', 'ev-done'], t, later(INBOX_LEASE_MS * 2));
    expect([...renewed]).toEqual(['ev-held']);
    // Past the first lease, the renewed event is still nobody else's; the lapsed one is free.
    const leased = await leaseUnprocessed(handle.db, later(INBOX_LEASE_MS + 1));
    expect(leased.map((e) => e.eventId)).toEqual(['ev-lapsed']);
  });
});
