/**
 * SPEC §4 "each (task, kind, slot) is sent at most once, even with two instances running the
 * same schedule": two real processes run the job command at the same moment on one database
 * file, against the fake Lark server; every reminder reaches Lark exactly once.
 */
import { MAX_ACTION_ITEMS } from '../../bot/cards/chase.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newTask } from '../../bot/domain/task.js';
import { commitChange } from '../../db/commit.js';
import { openDb } from '../../db/node.js';
import { outbox, sends } from '../../db/schema.js';
import { FakeLark } from '../../bot/sandbox/fake-lark/server.js';
import { furnishWorkGroups, type WorkGroup } from '../fixtures/office.js';
import { startJob } from '../support/bot-process.js';

const TENANT = 'tenant_two';
const TASKS = 12;

let fake: FakeLark;
let dir: string;
let env: Record<string, string>;
/** The sample office's work group: a chief who assigns, a leader who supervises, a lead for each task. */
let office: WorkGroup;

beforeAll(async () => {
  // Rate limits off: this test is about claiming slots once; test/bench/outbox.ts covers the limits.
  fake = new FakeLark({ appId: 'cli_two_app', appSecret: 'two-app-secret', tenantKey: TENANT, rateLimits: false });
  const { url } = await fake.start();
  [office] = furnishWorkGroups(fake, { groups: 1, staff: TASKS, tag: 'two' }) as [WorkGroup];

  dir = mkdtempSync(join(tmpdir(), 'duban-two-'));
  const dbUrl = `file:${join(dir, 'duban.db')}`;
  const handle = await openDb(dbUrl);
  for (let i = 0; i < TASKS; i++) {
    const created = new Date('2026-11-23T10:00:00+08:00');
    const { task, events } = newTask({
      tenantKey: TENANT,
      number: 0,
      title: `事项 ${i}`,
      category: null,
      source: null,
      priority: i % 2 ? 'urgent' : 'normal',
      creatorId: office.chief.openId,
      supervisorId: office.leader.openId,
      chatId: office.chatId,
      leadId: office.staff[i]!.openId,
      coIds: [],
      dueAt: new Date('2026-11-25T18:00:00+08:00'),
      now: created,
    });
    await commitChange(handle.db, { tenantKey: TENANT, now: created, task: { value: task, expectedVersion: null }, events });
  }
  handle.client.close();
  env = {
    LARK_APP_ID: 'cli_two_app',
    LARK_APP_SECRET: 'two-app-secret',
    LARK_DOMAIN: url,
    LARK_MODE: 'websocket',
    DATABASE_URL: dbUrl,
    DUBAN_TZ: 'Asia/Shanghai',
    LOG_LEVEL: 'error',
  };
});

afterAll(async () => {
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const job = async (args: string[]) => startJob(args, env).done;

it('two processes chasing at the same moment send one message per recipient, each reminder once', { timeout: 120_000 }, async () => {
  // Friday: overdue day 2 for every (still unsigned) task — one 催办 in the group listing them
  // all, one 督办 card to the leader listing them all, one 待签收 reminder to each assignee.
  const now = '2026-11-27T09:30:00+08:00';
  const [a, b] = await Promise.all([job(['chase', '--now', now]), job(['chase', '--now', now])]);
  expect(a.stderr + b.stderr).toBe('');
  expect([a.code, b.code]).toEqual([0, 0]);
  const claimed = [a, b].map((r) => Number(/claimed (\d+)/.exec(r.stdout)?.[1]));
  expect(claimed[0]! + claimed[1]!).toBe(3 * TASKS);

  const group = fake.messages.filter((m) => m.chatId === office.chatId);
  expect(group).toHaveLength(1);
  expect(new Set(fake.textOf(group[0]!).match(/事项 \d+/g)).size).toBe(TASKS);
  const cards = fake.messagesTo(office.leader.openId);
  expect(cards).toHaveLength(1);
  expect(new Set(fake.textOf(cards[0]!).match(/#\d+(?= 事项)/g)).size).toBe(Math.min(TASKS, MAX_ACTION_ITEMS));
  // 紧急 tasks: the leader is buzzed once, on that card; each urgent task's lead once, on their card.
  expect(fake.urgents.filter((u) => u.userIds.includes(office.leader.openId))).toHaveLength(1);
  for (let i = 0; i < TASKS; i++) expect(fake.messagesTo(office.staff[i]!.openId)).toHaveLength(1);
  expect(fake.urgents).toHaveLength(1 + TASKS / 2);

  // A rerun (an operator catching up) finds everything claimed.
  const again = await job(['chase', '--now', now]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/claimed 0/);
  expect(fake.messages.filter((m) => m.chatId === office.chatId)).toHaveLength(1);

  const handle = await openDb(env.DATABASE_URL!);
  try {
    // Claims: every (task, kind, slot), every batch (group, leader, each assignee), every 加急.
    const claims = await handle.db.select().from(sends);
    expect(claims.filter((c) => c.kind !== 'batch' && c.kind !== 'urgent')).toHaveLength(3 * TASKS);
    expect(claims.filter((c) => c.kind === 'batch')).toHaveLength(2 + TASKS);
    expect(claims.filter((c) => c.kind === 'urgent')).toHaveLength(1 + TASKS / 2);
    const rows = await handle.db.select().from(outbox);
    expect(rows.filter((r) => r.kind === 'send')).toHaveLength(2 + TASKS);
    expect(rows.filter((r) => r.kind === 'urgent')).toHaveLength(1 + TASKS / 2);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  } finally {
    handle.client.close();
  }
});
