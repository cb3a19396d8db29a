/**
 * Sending at the platform's limit: 2,000 messages to 100 chats and 300 users through the real
 * sender and SDK client, against the fake Lark server enforcing Lark's limits (50/s and
 * 1000/min per app, 5/s per chat and per user). Compares the achieved time with the best any
 * sender could do under those limits. Target: ≥ 90% of the allowed rate, zero refused for
 * frequency, zero lost, zero doubled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bot/config.js';
import type { OutMessage } from '../../bot/domain/types.js';
import { createLogger } from '../../bot/log.js';
import { createNodeDeps } from '../../bot/node-deps.js';
import { enqueueMessages, pendingCount } from '../../db/outbox.js';
import { FakeLark } from '../../bot/sandbox/fake-lark/server.js';

/** The earliest finish for n sends under 50/s and 1000/min (per-key limits are not binding here). */
export function idealSeconds(n: number): number {
  const sent: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.max(0, i >= 50 ? sent[i - 50]! + 1000 : 0, i >= 1000 ? sent[i - 1000]! + 60_000 : 0);
    sent.push(t);
  }
  return (sent[n - 1] ?? 0) / 1000;
}

export async function benchOutbox(total = 2000): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-outbox-'));
  const fake = new FakeLark({ appId: 'cli_bench', appSecret: 'bench-secret' });
  const { url } = await fake.start();
  const chats = Array.from({ length: 100 }, (_, i) => fake.addChat({ name: `群${i}`, members: [] }).chatId);
  const people = Array.from({ length: 300 }, (_, i) => fake.addUser({ name: `员工${i}` }).openId);
  const config = loadConfig({
    LARK_APP_ID: 'cli_bench',
    LARK_APP_SECRET: 'bench-secret',
    LARK_DOMAIN: url,
    LARK_MODE: 'webhook',
    LARK_ENCRYPT_KEY: 'k',
    DATABASE_URL: `file:${join(dir, 'b.db')}`,
    LOG_LEVEL: 'silent',
  });
  const deps = await createNodeDeps(config, { log: createLogger('silent'), autoSend: false });
  try {
    const messages: OutMessage[] = Array.from({ length: total }, (_, i) => ({
      kind: 'send',
      to: i % 2 === 0 ? { type: 'chat_id', id: chats[(i / 2) % 100]! } : { type: 'open_id', id: people[((i - 1) / 2) % 300]! },
      msgType: 'text',
      content: { text: `催办 #${i}：请于今日 18:00 前报送进展。` },
    }));
    await enqueueMessages(deps.db, 'bench', messages, new Date());
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    while ((await pendingCount(deps.db)) > 0) {
      await deps.sender.drain();
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    const ideal = idealSeconds(total);
    const received = fake.messages.length;
    const distinct = new Set(fake.messages.map((m) => m.uuid)).size;
    return {
      messages: total,
      'elapsed, s': seconds.toFixed(1),
      'best possible under the limits, s': ideal.toFixed(1),
      'achieved rate, msg/s': (total / seconds).toFixed(1),
      'allowed rate, msg/s (50/s, 1000/min)': (total / ideal).toFixed(1),
      'share of the allowed rate (target ≥ 90%)': `${((ideal / seconds) * 100).toFixed(1)}%`,
      'refused for frequency (target 0)': fake.refusedForFrequency,
      'lost (target 0)': total - distinct,
      'doubled (target 0)': received - distinct,
      'RSS growth, MB': ((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1),
    };
  } finally {
    await deps.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
