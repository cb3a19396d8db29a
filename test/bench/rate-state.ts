/**
 * Lark's app-wide send limit across several processes: what keeping the limiter's state in
 * the database would cost, against the share each process keeps today (DUBAN_SENDERS).
 *
 * A limiter in the database counts a send from its start until a window after its answer
 * (bot/lark/rate.ts), so each send writes: one statement taking a slot when fewer than
 * the limit are counted in the app's 1 s and 60 s windows and the recipient's 1 s window
 * (the same single-statement sliding window as the per-person limits, db/person-uses.ts), one
 * stamping its finish, and the app's own row. Measured here on the embedded file and through
 * the Hrana test server (the several-process set-up: one libSQL server).
 * The share costs no statement, but a process may send only its part of the limit even
 * while the others are idle: the time one process alone needs for a burst, from the limiter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLimiter, shareOfLimits } from '../../bot/lark/rate.js';
import { openDb } from '../../db/node.js';
import { startHranaServer } from '../support/hrana-server.js';

const SENDS = 1_000;

async function slotCost(url: string): Promise<{ p50: number; p99: number; perSend: number }> {
  const { client } = await openDb(url);
  await client.execute('CREATE TABLE IF NOT EXISTS rate_slots (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL, done INTEGER)');
  await client.execute('CREATE INDEX IF NOT EXISTS rate_slots_key_at ON rate_slots (key, at)');
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < SENDS; i++) {
    const s = performance.now();
    const now = Date.now();
    const chat = `chat:oc_${i % 100}`;
    const r = await client.execute({
      sql: `INSERT INTO rate_slots (key, at) SELECT ?1, ?2 WHERE
              (SELECT count(*) FROM rate_slots WHERE key = 'app' AND coalesce(done, ?2) > ?2 - 1025) < 50
          AND (SELECT count(*) FROM rate_slots WHERE key = 'app' AND coalesce(done, ?2) > ?2 - 60025) < 1000
          AND (SELECT count(*) FROM rate_slots WHERE key = ?1 AND coalesce(done, ?2) > ?2 - 1025) < 5
          RETURNING id`,
      args: [chat, now],
    });
    const id = r.rows[0]?.id;
    if (id !== undefined) await client.execute({ sql: 'UPDATE rate_slots SET done = ? WHERE id = ?', args: [Date.now(), id] });
    // A send counts toward the app too: the app's row goes with it.
    await client.execute({ sql: "INSERT INTO rate_slots (key, at, done) VALUES ('app', ?, ?)", args: [now, Date.now()] });
    lat.push(performance.now() - s);
    if (i % 50 === 49) await client.execute({ sql: 'DELETE FROM rate_slots WHERE coalesce(done, at) < ?', args: [Date.now() - 61_000] });
  }
  const total = performance.now() - t0;
  client.close();
  lat.sort((a, b) => a - b);
  return { p50: lat[Math.floor(lat.length / 2)]!, p99: lat[Math.floor(lat.length * 0.99)]!, perSend: total / SENDS };
}

/** Seconds one process needs to send `n` messages when it keeps to 1/senders of the app's limits. */
function aloneSeconds(n: number, senders: number): number {
  const share = shareOfLimits(senders);
  const limiter = new RateLimiter(share.app, { limit: 1_000, ms: 1_025 });
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let wait = limiter.take(`chat:${i % 100}`, t); wait > 0; wait = limiter.take(`chat:${i % 100}`, t)) t += wait;
    // Answered at once: the best case for the share.
    limiter.finish(`chat:${i % 100}`, t);
  }
  return t / 1000;
}

export async function benchRateState(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-rate-'));
  const hrana = await startHranaServer({ path: join(dir, 'remote.db') });
  try {
    const file = await slotCost(`file:${join(dir, 'file.db')}`);
    const remote = await slotCost(hrana.url);
    // Three writes a send: at Lark's 50 sends/s, 150 writes a second on the one writer the acks wait for.
    const fmt = (c: { p50: number; p99: number; perSend: number }) =>
      `${c.p50.toFixed(2)} / ${c.p99.toFixed(2)} ms a send (3 writes; mean ${c.perSend.toFixed(2)} ms)`;
    return {
      'rate state in the database, embedded file (p50 / p99)': fmt(file),
      'rate state in the database, over Hrana (p50 / p99)': fmt(remote),
      'DUBAN_SENDERS=1: 600 messages from one process, s (limiter)': aloneSeconds(600, 1).toFixed(1),
      'DUBAN_SENDERS=2: 600 messages from one process, the other idle, s': aloneSeconds(600, 2).toFixed(1),
      'DUBAN_SENDERS=2: 300 messages from each of two processes, s': aloneSeconds(300, 2).toFixed(1),
    };
  } finally {
    await hrana.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
