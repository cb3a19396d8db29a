/**
 * The outbox sender at Lark's limits, through the real SDK client against the fake Lark server
 * enforcing them (50/s and 1000/min per app, 5/s per chat and per user), on a real libSQL file:
 * a burst is spread instead of refused, and Lark's "too fast" answers are waited out — the
 * reset header when there is one, an exponential backoff when there is none (230020).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.js';
import type { OutMessage } from '../../bot/domain/types.js';
import { createLogger } from '../../bot/log.js';
import { createNodeDeps, type NodeDeps } from '../../bot/node-deps.js';
import { enqueueMessages, pendingCount } from '../../db/outbox.js';
import { outbox, tasks } from '../../db/schema.js';
import { FakeLark } from '../../bot/sandbox/fake-lark/server.js';

let fake: FakeLark;
let deps: NodeDeps;
let dir: string;

beforeEach(async () => {
  fake = new FakeLark({ appId: 'cli_rate', appSecret: 'rate-secret' });
  const { url } = await fake.start();
  dir = mkdtempSync(join(tmpdir(), 'duban-rate-'));
  const config = loadConfig({
    LARK_APP_ID: 'cli_rate',
    LARK_APP_SECRET: 'rate-secret',
    LARK_DOMAIN: url,
    LARK_MODE: 'webhook',
    LARK_ENCRYPT_KEY: 'k',
    DATABASE_URL: `file:${join(dir, 'rate.db')}`,
    LOG_LEVEL: 'silent',
  });
  deps = await createNodeDeps(config, { log: createLogger('silent'), autoSend: false });
});

afterEach(async () => {
  await deps?.close();
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Drains until nothing is pending (rate-limited rows come due again on the real clock). */
async function deliverAll(timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await pendingCount(deps.db)) > 0) {
    if (Date.now() > end) throw new Error(`still ${await pendingCount(deps.db)} pending after ${timeoutMs} ms`);
    await deps.sender.drain();
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('spreads 300 messages to 10 chats at 5/s each: none refused, each delivered once, in order', { timeout: 20_000 }, async () => {
  const chats = Array.from({ length: 10 }, (_, i) => fake.addChat({ name: `群${i}`, members: [] }).chatId);
  const messages: OutMessage[] = Array.from({ length: 300 }, (_, i) => ({
    kind: 'send',
    to: { type: 'chat_id', id: chats[i % 10]! },
    msgType: 'text',
    content: { text: `催办 #${i}` },
  }));
  await enqueueMessages(deps.db, 'tenant_rate', messages, new Date());
  const t0 = performance.now();
  await deliverAll(15_000);
  const seconds = (performance.now() - t0) / 1000;

  expect(fake.refusedForFrequency).toBe(0);
  expect(fake.messages).toHaveLength(300);
  expect(new Set(fake.messages.map((m) => m.uuid)).size).toBe(300);
  expect(fake.dedupedSends).toBe(0);
  // 30 messages per chat at 5 a second make six windows, the last starting five seconds after
  // the first: the burst was spread, not fired.
  expect(seconds).toBeGreaterThan(5);
  for (const chat of chats) {
    const seen = fake.messagesTo(chat).map((m) => Number(/#(\d+)/.exec(fake.textOf(m))![1]));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toHaveLength(30);
  }
  const rows = await deps.db.select().from(outbox);
  expect(rows.every((r) => r.status === 'sent')).toBe(true);
});

it('backs off exponentially on 230020 (no reset header), then sends once', { timeout: 20_000 }, async () => {
  const chat = fake.addChat({ name: '群', members: [] }).chatId;
  fake.failNext(3, { status: 400, code: 230020, msg: 'This operation triggers the frequency limit.', path: '/open-apis/im/v1/messages' });
  await enqueueMessages(
    deps.db,
    'tenant_rate',
    [{ kind: 'send', to: { type: 'chat_id', id: chat }, msgType: 'text', content: { text: '进展请报送' } }],
    new Date(),
  );
  await deliverAll(10_000);

  const attempts = fake.calls.filter((c) => c.path === '/open-apis/im/v1/messages').map((c) => c.time.getTime());
  expect(attempts).toHaveLength(4);
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
  // 500 ms, 1 s, 2 s (timer slack allowed below, never shorter).
  expect(gaps[0]).toBeGreaterThanOrEqual(490);
  expect(gaps[1]).toBeGreaterThanOrEqual(990);
  expect(gaps[2]).toBeGreaterThanOrEqual(1_990);
  expect(fake.messages).toHaveLength(1);
  const [row] = await deps.db.select().from(outbox);
  expect(row!.status).toBe('sent');
  // Waiting out a rate limit is not a failed attempt: the row keeps its retry budget.
  expect(row!.attempts).toBe(1);
});

it('honours x-ogw-ratelimit-reset on 429 / 99991400', { timeout: 20_000 }, async () => {
  const user = fake.addUser({ name: '员工' }).openId;
  fake.failNext(1, {
    status: 429,
    code: 99991400,
    msg: 'request trigger frequency limit',
    headers: { 'x-ogw-ratelimit-limit': '5', 'x-ogw-ratelimit-reset': '2' },
    path: '/open-apis/im/v1/messages',
  });
  await enqueueMessages(
    deps.db,
    'tenant_rate',
    [{ kind: 'send', to: { type: 'open_id', id: user }, msgType: 'text', content: { text: '请签收' } }],
    new Date(),
  );
  await deliverAll(10_000);
  const attempts = fake.calls.filter((c) => c.path === '/open-apis/im/v1/messages').map((c) => c.time.getTime());
  expect(attempts).toHaveLength(2);
  expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1_990);
  expect(fake.messagesTo(user)).toHaveLength(1);
});

it("sends cards too old to update afresh within the chat's 5 per second", { timeout: 20_000 }, async () => {
  // Eight tasks of one chat whose group cards are 20 days old: each update is a fresh send to
  // the chat (Lark updates a card for 14 days), and the chat takes 5 a second whatever the task.
  const chatId = fake.addChat({ name: '办公室', members: [] }).chatId;
  const now = new Date();
  const old = new Date(now.getTime() - 20 * 24 * 3600_000);
  const rows = await deps.db
    .insert(tasks)
    .values(
      Array.from({ length: 8 }, (_, i) => ({
        tenantKey: 'tenant_rate',
        number: i + 1,
        title: `事项${i + 1}`,
        state: 'in_progress',
        creatorId: 'ou_boss',
        chatId,
        cardMessageId: `om_old${i}`,
        cardSentAt: old,
        createdAt: old,
        updatedAt: old,
      })),
    )
    .returning({ id: tasks.id });
  const card = { schema: '2.0', config: { update_multi: true }, body: { elements: [{ tag: 'markdown', content: '更新' }] } };
  await enqueueMessages(
    deps.db,
    'tenant_rate',
    rows.map((r): OutMessage => ({ kind: 'card_update', taskId: r.id, chatId, card })),
    now,
  );
  await deliverAll(15_000);
  expect(fake.refusedForFrequency).toBe(0);
  expect(fake.messagesTo(chatId)).toHaveLength(8);
});
