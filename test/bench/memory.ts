/**
 * SPEC §10 "memory < 200 MB RSS with 100,000 tasks": the resident set of a bot process whose
 * database holds 100,000 tasks (each with its assignee and its first hash-chained ledger
 * event) in 200 chats — after start, after a chase run that sends its reminders, and after a
 * digest run that sends every weekly summary — measured from /proc by the parent.
 *
 * The measured process is a child running the Node entry's composition (createNodeDeps,
 * createApp, the HTTP server) and the two jobs in-process at fixed moments (a Friday 10:00
 * chase, the Friday 16:00 digest): entry/main.ts would only run them when the wall clock says
 * so. Its outbox goes to the fake Lark server (limits on) in the parent.
 *
 * The office: 200 tasks overdue (each gets a 催办 in its group and a 督办 card to its leader),
 * 30,000 open and quiet, the rest closed months ago — a few years of an office's work. The
 * leaders of 20 chats and a director who is an admin of every chat subscribe to the leader
 * digest, so the digest run also builds a leader card over all 200 chats.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Client } from '@libsql/client';
import { createApp } from '../../bot/app.js';
import { createRouter } from '../../handlers/index.js';
import { FixedClock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { canonicalJson, eventHash, genesisHash } from '../../bot/domain/chain.js';
import { createLogger } from '../../bot/log.js';
import { createNodeDeps } from '../../bot/node-deps.js';
import { openDb } from '../../db/node.js';
import { runJob } from '../../schedules/jobs.js';
import type { FakeLark } from '../../bot/sandbox/fake-lark/server.js';
import { freePort, processEnv, ROOT, rssOf } from '../support/bot-process.js';

const TENANT = 'tenant_mem';
const TASKS = 100_000;
const OPEN = 30_000;
const OVERDUE = 200;
const CHATS = 200;
const STAFF = 300;
const SUBSCRIBED_LEADERS = 20;
const DIRECTOR = 'ou_director';
const CHASE_AT = new Date('2026-12-04T10:00:00+08:00'); // a Friday
const DIGEST_AT = new Date('2026-12-04T16:00:00+08:00');
const H = 3_600_000;
const D = 24 * H;

/** Tasks and assignees in two INSERT … SELECT statements; the events, hashed here, in one batch. */
async function seed(client: Client): Promise<void> {
  const t = CHASE_AT.getTime();
  await client.execute(`
    WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${TASKS})
    INSERT INTO tasks (id, tenant_key, number, title, priority, state, creator_id, supervisor_id, chat_id,
                       due_at, original_due_at, created_at, updated_at, accepted_at, last_progress_at, last_progress_text,
                       done_at, is_open, version)
    SELECT n, '${TENANT}', n, '督办事项 ' || n || '：落实会议议定事项并报送进展',
           CASE WHEN n % 11 = 0 THEN 'urgent' ELSE 'normal' END,
           CASE WHEN n <= ${OPEN} THEN 'in_progress' ELSE 'done' END,
           'ou_chief_' || (n % ${CHATS}), 'ou_leader_' || (n % ${CHATS}), 'oc_mem_' || (n % ${CHATS}),
           CASE
             WHEN n <= ${OVERDUE} THEN ${t - 3 * D}
             WHEN n <= ${OPEN} THEN ${t + 20 * D} + (n % 60) * ${D}
             ELSE ${t - 400 * D} + (n % 300) * ${D}
           END,
           NULL,
           CASE WHEN n <= ${OPEN} THEN ${t - 10 * D} ELSE ${t - 420 * D} + (n % 300) * ${D} END,
           CASE WHEN n <= ${OPEN} THEN ${t - D} ELSE ${t - 390 * D} + (n % 300) * ${D} END,
           CASE WHEN n <= ${OPEN} THEN ${t - 10 * D} ELSE ${t - 419 * D} + (n % 300) * ${D} END,
           CASE WHEN n <= ${OPEN} THEN ${t - D} - (n % 5) * ${H} ELSE NULL END,
           CASE WHEN n <= ${OPEN} THEN '已召开专题会议研究部署，正在按计划推进' ELSE NULL END,
           CASE WHEN n <= ${OPEN} THEN NULL ELSE ${t - 390 * D} + (n % 300) * ${D} END,
           CASE WHEN n <= ${OPEN} THEN 1 ELSE 0 END,
           1
    FROM seq`);
  await client.execute(`
    INSERT INTO task_assignees (task_id, user_id, role, accepted_at, position)
    SELECT id, 'ou_staff_' || (id % ${STAFF}), 'lead', accepted_at, 0 FROM tasks`);
  await client.execute(`INSERT INTO counters (tenant_key, last_number) VALUES ('${TENANT}', ${TASKS})`);
  await client.execute(`
    WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${CHATS - 1})
    INSERT INTO chats (chat_id, tenant_key, name, chat_type, owner_id, settings, updated_at)
    SELECT 'oc_mem_' || n, '${TENANT}', '工作群' || n, 'group', 'ou_leader_' || n, '{"admins":["${DIRECTOR}"]}', ${t} FROM seq`);
  await client.execute(`
    WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${SUBSCRIBED_LEADERS - 1})
    INSERT INTO subscriptions (tenant_key, user_id, created_at)
    SELECT '${TENANT}', 'ou_leader_' || n, ${t} FROM seq UNION ALL SELECT '${TENANT}', '${DIRECTOR}', ${t}`);
  await client.execute(`
    WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${STAFF - 1})
    INSERT INTO users (open_id, tenant_key, name, department_id, department_name, fetched_at)
    SELECT 'ou_staff_' || n, '${TENANT}', '员工' || n, 'od_' || (n % 12), '第' || (n % 12) || '科', ${t} FROM seq`);

  // The first ledger event of each task, chained from the task's genesis like commitChange does.
  const rows = (await client.execute('SELECT id, creator_id, created_at, title FROM tasks ORDER BY id')).rows;
  const statements = [];
  for (let i = 0; i < rows.length; i += 500) {
    const args: Array<string | number> = [];
    const values: string[] = [];
    for (const r of rows.slice(i, i + 500)) {
      const taskId = Number(r.id);
      const at = new Date(Number(r.created_at));
      const payload = { title: String(r.title) };
      const prev = genesisHash(TENANT, taskId);
      const hash = eventHash(prev, { tenantKey: TENANT, taskId, seq: 1, kind: 'assigned', actorId: String(r.creator_id), payload, at });
      values.push('(?, ?, 1, ?, ?, ?, ?, ?, ?)');
      args.push(TENANT, taskId, 'assigned', String(r.creator_id), canonicalJson(payload), at.getTime(), prev, hash);
    }
    statements.push({
      sql: `INSERT INTO task_events (tenant_key, task_id, seq, kind, actor_id, payload, at, prev_hash, hash) VALUES ${values.join(',')}`,
      args,
    });
  }
  await client.batch(statements, 'write');
  await client.execute('ANALYZE');
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** The measured process: the bot's composition, then the two jobs on command of the parent. */
async function child(): Promise<void> {
  const env = process.env as Record<string, string>;
  const config = loadConfig(env);
  const clock = new FixedClock(CHASE_AT);
  const deps = await createNodeDeps(config, { clock, log: createLogger('silent') });
  serve({ fetch: createApp(deps, createRouter()).fetch, hostname: '127.0.0.1', port: config.PORT });
  const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const lines = process.stdin.setEncoding('utf8');
  say({ step: 'started', peak: process.resourceUsage().maxRSS * 1024 });
  let buffered = '';
  for await (const chunk of lines) {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const cmd = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (cmd === 'chase' || cmd === 'digest') {
        clock.set(cmd === 'chase' ? CHASE_AT : DIGEST_AT);
        const t0 = performance.now();
        const result = await runJob(deps, cmd, clock.now());
        await deps.settle();
        say({ step: cmd, result, ms: Math.round(performance.now() - t0), peak: process.resourceUsage().maxRSS * 1024, usage: process.memoryUsage() });
      } else if (cmd === 'usage') {
        say({ step: cmd, usage: process.memoryUsage() });
      } else if (cmd === 'exit') {
        await deps.close();
        process.exit(0);
      }
    }
  }
}

interface ChildFigures {
  afterStart: number;
  afterChase: number;
  afterDigest: number;
  /** Highest RSS the process had reached once started (loading the code), and overall. */
  peakAtStart: number;
  peak: number;
  chase: Record<string, any>;
  digest: Record<string, any>;
  messages: number;
  refused: number;
  outbox: string;
  /** process.memoryUsage() inside the process after each phase: what of the RSS is V8's heap, buffers, the rest. */
  usage: Record<'start' | 'chase' | 'digest', NodeJS.MemoryUsage>;
}

/** Starts the measured process on a copy of the seeded database and walks it through start, chase, digest. */
async function measure(command: string[], seeded: string, larkUrl: string, fake: FakeLark, extraEnv: Record<string, string> = {}): Promise<ChildFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-memory-run-'));
  const url = `file:${join(dir, 'duban.db')}`;
  copyFileSync(seeded, join(dir, 'duban.db'));
  fake.reset();
  const port = await freePort();
  const proc = spawn(process.execPath, command, {
    cwd: ROOT,
    env: processEnv({
      ...extraEnv,
      LARK_APP_ID: 'cli_mem',
      LARK_APP_SECRET: 'mem-secret',
      LARK_DOMAIN: larkUrl,
      LARK_MODE: 'webhook',
      LARK_ENCRYPT_KEY: 'mem-encrypt-key',
      DATABASE_URL: url,
      PORT: String(port),
      LOG_LEVEL: 'silent',
    }),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const replies: Array<Record<string, any>> = [];
    const waiters: Array<() => void> = [];
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        replies.push(JSON.parse(out.slice(0, nl)));
        out = out.slice(nl + 1);
        waiters.splice(0).forEach((w) => w());
      }
    });
    const next = async (): Promise<Record<string, any>> => {
      while (replies.length === 0) await new Promise<void>((r) => waiters.push(r));
      return replies.shift()!;
    };
    const pid = proc.pid!;
    const started = await next();
    // Start-up garbage settles the way it would in an idle bot between events.
    await new Promise((r) => setTimeout(r, 2_000));
    const afterStart = rssOf(pid);
    proc.stdin!.write('usage\n');
    const startUsage = (await next()).usage as NodeJS.MemoryUsage;
    proc.stdin!.write('chase\n');
    const chase = await next();
    const afterChase = rssOf(pid);
    proc.stdin!.write('digest\n');
    const digest = await next();
    const afterDigest = rssOf(pid);
    proc.stdin!.write('exit\n');
    await new Promise((r) => proc.once('exit', r));
    const check = await openDb(url);
    const rows = (await check.client.execute('SELECT status, count(*) AS n FROM outbox GROUP BY status')).rows;
    check.client.close();
    return {
      afterStart,
      afterChase,
      afterDigest,
      peakAtStart: started.peak,
      peak: Math.max(chase.peak, digest.peak),
      chase,
      digest,
      messages: fake.messages.length,
      refused: fake.refusedForFrequency,
      usage: { start: startUsage, chase: chase.usage, digest: digest.usage },
      outbox: rows.map((r) => `${r.status} ${r.n}`).join(', '),
    };
  } finally {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same child as one esbuild bundle run by plain node (esbuild comes with tsx): what the
 * bot costs without the TypeScript loader in the process. Packages stay outside the bundle.
 */
async function bundleChild(): Promise<{ entry: string; dir: string }> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.duban-bench-'));
  const entry = join(dir, 'memory-child.mjs');
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: entry,
    logLevel: 'error',
  });
  // db/node.ts finds its migrations beside itself: beside the bundle, here.
  cpSync(join(ROOT, 'db', 'migrations'), join(dir, 'migrations'), { recursive: true });
  return { entry, dir };
}

/** Where the RSS is: V8's heap (used of total), memory outside it (Buffers, native objects), and the rest (code, native libraries, SQLite's caches, allocator). */
const where = (u: NodeJS.MemoryUsage) =>
  `rss ${mb(u.rss)} = heap ${mb(u.heapTotal)} (used ${mb(u.heapUsed)}) + external ${mb(u.external)} (buffers ${mb(u.arrayBuffers)}) + other ${mb(u.rss - u.heapTotal - u.external)}`;

const row = (f: ChildFigures) =>
  `start ${mb(f.afterStart)} → after chase ${mb(f.afterChase)} → after digest ${mb(f.afterDigest)}; peak ${mb(f.peak)}, of which start-up ${mb(f.peakAtStart)} (target < 150 MB after start, chase and digest: ${Math.max(f.afterStart, f.afterChase, f.afterDigest) < 150 * 2 ** 20 ? 'met' : 'MISSED'})`;

export async function benchMemory(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-memory-'));
  const seeded = join(dir, 'seeded.db');
  // Loaded here, not at the top: the child is bundled from this file, and the fake must not
  // come along (run as a bundle's entry, it would start itself).
  const { FakeLark } = await import('../../bot/sandbox/fake-lark/server.js');
  const fake = new FakeLark({ appId: 'cli_mem', appSecret: 'mem-secret', tenantKey: TENANT });
  const { url: larkUrl } = await fake.start();
  for (let i = 0; i < CHATS; i++) {
    fake.addUser({ openId: `ou_leader_${i}`, name: `领导${i}` });
    fake.addUser({ openId: `ou_chief_${i}`, name: `科长${i}` });
    fake.addChat({ chatId: `oc_mem_${i}`, name: `工作群${i}`, ownerId: `ou_leader_${i}`, members: [`ou_chief_${i}`] });
  }
  for (let i = 0; i < STAFF; i++) fake.addUser({ openId: `ou_staff_${i}`, name: `员工${i}` });
  fake.addUser({ openId: DIRECTOR, name: '主任' });
  let bundle: { entry: string; dir: string } | null = null;
  try {
    const t0 = performance.now();
    const handle = await openDb(`file:${seeded}`);
    await seed(handle.client);
    await handle.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    handle.client.close();
    const seedMs = performance.now() - t0;

    const tsx = await measure(['--import', 'tsx', fileURLToPath(import.meta.url), '--bot-child'], seeded, larkUrl, fake);
    bundle = await bundleChild();
    const plain = await measure([...startFlags(), bundle.entry, '--bot-child'], seeded, larkUrl, fake, startEnv());
    return {
      database: `${TASKS.toLocaleString('en')} tasks (${OPEN.toLocaleString('en')} open, ${OVERDUE} overdue) with assignees and ledger events, ${CHATS} chats; seeded in ${(seedMs / 1000).toFixed(1)} s`,
      'chase run': `${tsx.chase.ms} ms, ${JSON.stringify(tsx.chase.result)}`,
      'digest run': `${tsx.digest.ms} ms, ${JSON.stringify(tsx.digest.result)}`,
      delivered: `${tsx.messages} messages, ${tsx.refused} refused for frequency; outbox ${tsx.outbox}`,
      'RSS, TypeScript through tsx (as npm run sandbox runs it)': row(tsx),
      [`RSS, the same code bundled, ${Object.entries(startEnv())
        .map(([k, v]) => `${k}=${v} `)
        .join('')}plain node ${startFlags().join(' ')} (as npm start runs it)`]: row(plain),
      'bundled, after start': where(plain.usage.start),
      'bundled, after chase': where(plain.usage.chase),
      'bundled, after digest': where(plain.usage.digest),
    };
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
    if (bundle) rmSync(bundle.dir, { recursive: true, force: true });
  }
}

/** The node flags `npm start` runs the bot with (package.json), so the figure is for what users run. */
function startFlags(): string[] {
  return startScript().filter((w) => w.startsWith('--'));
}

/** The environment `npm start` sets before node (MALLOC_ARENA_MAX). */
function startEnv(): Record<string, string> {
  return Object.fromEntries(startScript().flatMap((w) => (/^[A-Z_]+=/.test(w) ? [w.split('=', 2) as [string, string]] : [])));
}

function startScript(): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  return scripts.start!.split(/\s+/);
}

if (process.argv.includes('--bot-child')) await child();
