/**
 * The office the fault tests run: a fake Lark server (its limits on), a real libSQL file, a
 * few work groups each with a chief who assigns, a leader who supervises and staff — and the
 * checks every fault test ends with: each message reached Lark exactly once, each
 * acknowledged event was processed exactly once, no task is half-written.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { expect } from 'vitest';
import { createLogger } from '../../bot/log.js';
import { openDb } from '../../db/node.js';
import { runVerifyLedger } from '../../schedules/verify-ledger.js';
import { messageEvent } from '../../bot/sandbox/fake-lark/events.js';
import { FakeLark, type FakeLarkOptions } from '../../bot/sandbox/fake-lark/server.js';
import { ROOT, botEnv, startBotProcess, startJob, type BotProcess } from '../support/bot-process.js';
import { BOT_NAME, furnishWorkGroups, type WorkGroup } from '../fixtures/office.js';

export const APP_ID = 'cli_fault_app';
export const APP_SECRET = 'fault-app-secret';
export const ENCRYPT_KEY = 'fault-encrypt-key';
export const VERIFICATION_TOKEN = 'fault-verification-token';
export const TENANT = 'tenant_fault';
export { BOT_NAME };

export type Group = WorkGroup;

export interface Office {
  fake: FakeLark;
  dir: string;
  dbUrl: string;
  /** The bot's settings (without PORT/HOST). */
  env: Record<string, string>;
  groups: Group[];
  startBot(extra?: Record<string, string>): Promise<BotProcess>;
  close(): Promise<void>;
}

export async function createOffice(o: { groups?: number; staff?: number; fake?: FakeLarkOptions } = {}): Promise<Office> {
  const fake = new FakeLark({ appId: APP_ID, appSecret: APP_SECRET, tenantKey: TENANT, ...o.fake });
  const { url } = await fake.start();
  const groups = furnishWorkGroups(fake, { groups: o.groups ?? 4, staff: o.staff ?? 5, tag: 'fault' });
  const dir = mkdtempSync(join(tmpdir(), 'duban-fault-'));
  const dbUrl = `file:${join(dir, 'duban.db')}`;
  const env = botEnv({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN }, url, dbUrl);
  const bots: BotProcess[] = [];
  return {
    fake,
    dir,
    dbUrl,
    env,
    groups,
    async startBot(extra = {}) {
      const bot = await startBotProcess({ env: { ...env, ...extra }, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN });
      bots.push(bot);
      return bot;
    },
    async close() {
      for (const b of bots) await b.kill9();
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A due date three weeks out, as a person types it: nothing is due for a reminder meanwhile. */
export const laterDay = (): string => new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);

let seq = 0;

/**
 * `@督办 /交办 @staff 事项-<title> 截止 <date>` from the group's chief. Lark knows the message
 * (the bot may reply to it).
 */
export function assignEvent(office: Office, g: Group, staffIndex: number, title: string): Record<string, unknown> {
  const who = g.staff[staffIndex % g.staff.length]!;
  const messageId = `om_fault_${++seq}_${Date.now()}`;
  const text = `/交办 @${who.name} ${title} 截止 ${laterDay()}`;
  office.fake.userSays({ sender: g.chief.openId, text, chatId: g.chatId, messageId });
  return messageEvent({
    text: `@${BOT_NAME} ${text}`,
    chatId: g.chatId,
    sender: g.chief.openId,
    mentions: [
      { openId: office.fake.botOpenId, name: BOT_NAME },
      { openId: who.openId, name: who.name },
    ],
    tenantKey: TENANT,
    messageId,
    eventId: `ev_fault_${seq}_${Date.now()}`,
  });
}

/** Raw SQL on the database file (the bot may be running: WAL lets us read beside it). */
export async function withDb<T>(office: Office, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = createClient({ url: office.dbUrl });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

export const count = async (office: Office, sql: string): Promise<number> => withDb(office, async (db) => Number((await db.execute(sql)).rows[0]![0]));

/** Waits until nothing is pending in the outbox nor unprocessed in the inbox. */
export async function settled(office: Office, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const pending = await count(office, "SELECT count(*) FROM outbox WHERE status = 'pending'");
    const unprocessed = await count(office, 'SELECT count(*) FROM inbox WHERE processed_at IS NULL');
    if (pending === 0 && unprocessed === 0) return;
    if (Date.now() > end) throw new Error(`not settled after ${timeoutMs} ms: ${pending} messages pending, ${unprocessed} events unprocessed`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A minute passes for the leases while the process is down: a crashed sender's leased rows and
 * a crashed intake's claimed events are leased for 60 s from when it took them. The fault tests
 * move those leases back instead of sleeping a minute; nothing else is touched.
 */
export async function expireLeases(office: Office): Promise<{ outbox: number; inbox: number }> {
  return withDb(office, async (db) => {
    const o = await db.execute('UPDATE outbox SET lease_until = lease_until - 60000 WHERE lease_until IS NOT NULL');
    const i = await db.execute('UPDATE inbox SET lease_until = lease_until - 60000 WHERE lease_until IS NOT NULL AND processed_at IS NULL');
    return { outbox: o.rowsAffected, inbox: i.rowsAffected };
  });
}

/**
 * Every message the outbox holds reached Lark once, and nothing else did: all rows are sent
 * (but a 加急 left unsure),
 * each message-creating row's uuid is among the messages Lark holds exactly once, and Lark
 * holds no message the outbox does not know. (A resend after a lost answer is answered from
 * Lark's uuid cache and counted in fake.dedupedSends — deduplicated, not doubled.)
 */
export async function expectEveryMessageOnce(office: Office): Promise<{ messages: number; dedupedResends: number }> {
  const rows = await withDb(office, async (db) => (await db.execute('SELECT kind, uuid, status, result_message_id, last_error FROM outbox')).rows);
  // A 加急 whose outcome a fault left unknown is dropped on purpose: a buzz is never repeated.
  const unsureBuzz = (r: (typeof rows)[number]) => r.kind === 'urgent' && r.status === 'failed' && /not repeated/.test(String(r.last_error));
  const notSent = rows.filter((r) => r.status !== 'sent' && !unsureBuzz(r));
  expect(notSent, 'outbox rows not sent').toEqual([]);
  const creating = rows.filter((r) => r.kind === 'send' || r.kind === 'reply' || r.kind === 'file' || (r.kind === 'card_update' && r.result_message_id));
  const expected = new Set(creating.map((r) => String(r.uuid)));
  const seen = new Map<string, number>();
  for (const m of office.fake.messages) seen.set(m.uuid ?? '(none)', (seen.get(m.uuid ?? '(none)') ?? 0) + 1);
  const doubled = [...seen].filter(([, n]) => n > 1);
  expect(doubled, 'messages Lark holds twice').toEqual([]);
  expect(
    [...expected].filter((u) => !seen.has(u)),
    'messages lost',
  ).toEqual([]);
  expect(
    [...seen.keys()].filter((u) => !expected.has(u)),
    'messages the outbox does not know',
  ).toEqual([]);
  return { messages: office.fake.messages.length, dedupedResends: office.fake.dedupedSends };
}

/** Every acknowledged event is in the inbox once, processed. */
export async function expectEventsProcessed(office: Office, acknowledged: Iterable<string>): Promise<void> {
  const rows = await withDb(office, async (db) => (await db.execute('SELECT event_id, processed_at, error FROM inbox')).rows);
  const byId = new Map(rows.map((r) => [String(r.event_id), r]));
  const missing = [...acknowledged].filter((id) => !byId.get(id)?.processed_at);
  expect(missing, 'acknowledged events not processed').toEqual([]);
  expect(
    rows.filter((r) => r.error),
    'events that failed',
  ).toEqual([]);
}

/**
 * Each /交办 made exactly one task, whole: its row, its assignees, its first ledger event —
 * and every task's hash chain verifies (`npm run job -- verify-ledger`).
 */
export async function expectTasksWhole(office: Office, titles: string[]): Promise<void> {
  const rows = await withDb(
    office,
    async (db) =>
      (
        await db.execute(`SELECT t.title,
            (SELECT count(*) FROM task_assignees a WHERE a.task_id = t.id) AS assignees,
            (SELECT count(*) FROM task_events e WHERE e.task_id = t.id) AS events
          FROM tasks t`)
      ).rows,
  );
  expect(rows.map((r) => String(r.title)).sort()).toEqual([...titles].sort());
  expect(
    rows.filter((r) => Number(r.assignees) < 1 || Number(r.events) < 1),
    'tasks without assignees or events',
  ).toEqual([]);
  await expectLedgerVerifies(office);
}

/**
 * The hash chains verify: through `npm run job -- verify-ledger` as a process when `asJob`,
 * else the same walk (schedules/verify-ledger.ts) in this process, a process start cheaper.
 */
export async function expectLedgerVerifies(office: Office, o: { asJob?: boolean } = {}): Promise<void> {
  if (o.asJob) {
    const r = await startJob(['verify-ledger'], office.env).done;
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/verify-ledger: ok, \d+ events/);
    expect(r.code).toBe(0);
    return;
  }
  const handle = await openDb(office.dbUrl);
  try {
    const r = await runVerifyLedger({ db: handle.db, log: createLogger('silent') });
    expect(r.broken).toBeUndefined();
    expect(r.ok).toBe(true);
  } finally {
    handle.client.close();
  }
}

/**
 * Another process holds the database's write lock (BEGIN IMMEDIATE) for `ms`. Resolves once
 * the lock is held; `released` resolves when the process has let go and exited.
 */
export async function holdWriteLock(office: Office, ms: number): Promise<{ released: Promise<void> }> {
  const path = office.dbUrl.slice('file:'.length);
  const script = `
    import Database from 'libsql';
    const db = new Database(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    db.exec("INSERT INTO counters (tenant_key, last_number) VALUES ('lock-holder', 0)");
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); process.exit(0); }, ${ms});
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const released = new Promise<void>((ok, fail) => child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`lock holder failed: ${err}`)))));
  await new Promise<void>((ok, fail) => {
    child.stdout.on('data', (b: Buffer) => b.toString().includes('locked') && ok());
    released.catch(fail);
  });
  return { released };
}

/**
 * Posts each envelope like Lark: a 2xx within 3 s is an acknowledgment; anything else is
 * delivered again (Lark retries after 15 s, 5 min, …; here after `retryMs`, scaled down).
 * Returns the acknowledged event ids and every answer's time.
 */
export async function deliverLikeLark(
  bot: BotProcess,
  envelopes: Array<Record<string, unknown>>,
  o: { concurrency?: number; retryMs?: number; maxTries?: number } = {},
): Promise<{ acknowledged: string[]; ackMs: number[]; statuses: number[] }> {
  const acknowledged: string[] = [];
  const ackMs: number[] = [];
  const statuses: number[] = [];
  const queue = [...envelopes];
  await Promise.all(
    Array.from({ length: o.concurrency ?? 8 }, async () => {
      for (let env = queue.shift(); env; env = queue.shift()) {
        for (let attempt = 1; ; attempt++) {
          const r = await bot.post(env);
          ackMs.push(r.ms);
          statuses.push(r.status);
          if (r.status === 200 && r.ms < 3_000) {
            acknowledged.push(String((env.header as { event_id: string }).event_id));
            break;
          }
          if (attempt >= (o.maxTries ?? 5)) throw new Error(`event never acknowledged: HTTP ${r.status} ${r.body}`);
          await new Promise((r) => setTimeout(r, o.retryMs ?? 1_000));
        }
      }
    }),
  );
  return { acknowledged, ackMs, statuses };
}
