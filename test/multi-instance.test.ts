/**
 * Scale out (SPEC §4, §7): two Node processes (the job command) and the Worker (wrangler dev,
 * its Cron Trigger fired through /cdn-cgi/handler/scheduled) run the chase at the same moment against ONE
 * remote libSQL database — the Hrana test server — and one fake Lark. Each reminder is claimed
 * by one of them and reaches Lark once; nothing is sent twice, nothing is lost.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createClient } from '@libsql/client';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../bot/app.js';
import { createRouter } from '../handlers/index.js';
import { FixedClock } from '../bot/clock.js';
import { loadConfig } from '../bot/config.js';
import { WorkCalendar } from '../bot/domain/calendar.js';
import { createLogger } from '../bot/log.js';
import { createNodeDeps } from '../bot/node-deps.js';
import { openDb } from '../db/node.js';
import { jobByName } from '../schedules/jobs.js';
import { APP_ID, APP_SECRET, BOT_ENV, BOT_NAME, BOT_OPEN_ID, GROUP, PEOPLE, TENANT, furnish } from './scenarios/office.js';
import { FakeLark } from '../bot/sandbox/fake-lark/server.js';
import { startHranaServer, type HranaServer } from './support/hrana-server.js';
import { messageEvent, signedRequest } from '../bot/sandbox/fake-lark/events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN } from './scenarios/office.js';

const ROOT = new URL('..', import.meta.url).pathname;
const TASKS = 4;
const calendar = new WorkCalendar({ tz: 'Asia/Shanghai' });

let dir: string;
let hrana: HranaServer;
let fake: FakeLark;
let worker: ChildProcess | null = null;
let workerUrl: string;
let workerLog = '';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function botEnv(): Record<string, string> {
  return { ...BOT_ENV, DATABASE_URL: hrana.url, LARK_DOMAIN: fake.url };
}

/**
 * The Worker as `wrangler deploy` would upload it: built once from the real wrangler.toml with
 * `--dry-run` (its size printed), then served by `wrangler dev --no-bundle` from a temporary
 * config, so edits elsewhere in the work tree cannot reload it mid-test. Settings come from an
 * env file, as secrets would. Resolves once /healthz answers.
 */
async function startWorker(): Promise<void> {
  const wrangler = join(ROOT, 'node_modules/.bin/wrangler');
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' };
  const outdir = join(dir, 'bundle');
  const build = spawnSync(wrangler, ['deploy', '--dry-run', '--outdir', outdir], { cwd: ROOT, env, encoding: 'utf8' });
  const size = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(build.stdout + build.stderr);
  if (build.status !== 0 || !size) throw new Error(`wrangler deploy --dry-run failed:\n${build.stdout}\n${build.stderr}`);
  console.info(`worker bundle: ${size[1]} KiB, ${size[2]} KiB gzipped`);
  // Workers take at most 3 MB (Free) / 10 MB (Paid) after compression.
  expect(Number(size[2])).toBeLessThan(3 * 1024);

  const real = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*(".*")/m.exec(real)![1];
  const config = join(dir, 'wrangler.toml');
  writeFileSync(
    config,
    [
      `name = "duban"`,
      `main = "${join(outdir, 'worker.js')}"`,
      `compatibility_date = ${date}`,
      `compatibility_flags = ["nodejs_compat"]`,
      `no_bundle = true`,
    ].join('\n'),
  );
  const envFile = join(dir, 'worker.env');
  writeFileSync(
    envFile,
    Object.entries({ ...botEnv(), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' })
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const port = await freePort();
  const inspector = await freePort();
  worker = spawn(
    wrangler,
    [
      'dev',
      '--config',
      config,
      '--test-scheduled',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
      '--env-file',
      envFile,
      '--persist-to',
      join(dir, 'state'),
      '--show-interactive-dev-session=false',
    ],
    { cwd: dir, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  worker.stdout!.on('data', (b) => (workerLog += b));
  worker.stderr!.on('data', (b) => (workerLog += b));
  workerUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (worker.exitCode !== null) throw new Error(`wrangler dev exited:\n${workerLog}`);
    const ok = await fetch(`${workerUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`wrangler dev not ready:\n${workerLog}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The job command, as an operator (or a second machine's cron) runs it. */
function runJobCommand(now: Date): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'schedules/cli.ts', 'chase', '--now', now.toISOString()], {
      cwd: ROOT,
      env: { ...process.env, ...botEnv(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (b) => (out += b));
    child.stderr!.on('data', (b) => (out += b));
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duban-multi-'));
  // Three writers share one database file here, on a machine that may be busy running other
  // tests: let a write wait longer for another stream's transaction than the 5 s default.
  hrana = await startHranaServer({ path: join(dir, 'duban.db'), port: 0, lockWaitMs: 30_000 });
  (await openDb(hrana.url)).client.close();
  fake = new FakeLark({ appId: APP_ID, appSecret: APP_SECRET, botOpenId: BOT_OPEN_ID, botName: BOT_NAME, tenantKey: TENANT });
  furnish(fake);
  await fake.start();
  await startWorker();
}, 120_000);

afterAll(async () => {
  // wrangler dev runs workerd in child processes: stop the whole group we started.
  if (worker?.pid && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.once('exit', r));
    try {
      process.kill(-worker.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
  await fake?.stop();
  await hrana?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two Node processes and the Worker, one remote database', () => {
  it('send each reminder once when they chase at the same moment', async () => {
    // Tasks assigned through the webhook of a Node bot on the same database.
    const clock = new FixedClock(new Date());
    const config = loadConfig({ ...botEnv(), LOG_LEVEL: 'silent' });
    const deps = await createNodeDeps(config, { clock, log: createLogger('silent') });
    const app = createApp(deps, createRouter());
    const dueDay = calendar.addWorkdays(calendar.localDate(clock.now()), 1);
    const titles = Array.from({ length: TASKS }, (_, i) => `多实例催办测试事项第${i + 1}项`);
    for (const [i, title] of titles.entries()) {
      const assignee = i % 2 ? PEOPLE.chief : PEOPLE.zhang;
      const envelope = messageEvent({
        text: `@${BOT_NAME} /交办 @${assignee.name} ${title} 截止 ${dueDay}`,
        chatId: GROUP,
        sender: PEOPLE.leader.openId,
        mentions: [
          { openId: BOT_OPEN_ID, name: BOT_NAME },
          { openId: assignee.openId, name: assignee.name },
        ],
        tenantKey: TENANT,
      });
      const { body, headers } = signedRequest(envelope, {
        encryptKey: ENCRYPT_KEY,
        verificationToken: VERIFICATION_TOKEN,
        timestamp: Math.floor(clock.now().getTime() / 1000),
      });
      expect((await app.request('/lark/events', { method: 'POST', body, headers })).status).toBe(200);
      await deps.settle();
    }
    await deps.close();
    const before = fake.messages.length;

    // The working day after the due day, 09:30: every task is overdue (day 1) and unsigned.
    const at = calendar.at(calendar.addWorkdays(dueDay, 1), '09:30');
    const cron = encodeURIComponent(jobByName('chase').utcCron);
    // The job commands take a few seconds to start (tsx, the SDK, opening the database): fire
    // the Worker's trigger when both have asked Lark who the bot is, which they do right after
    // opening the database and right before the chase, so all three chase at once.
    const infoCalls = () => fake.calls.filter((c) => c.path === '/open-apis/bot/v3/info').length;
    const ready = infoCalls() + 2;
    const commands = [runJobCommand(at), runJobCommand(at)];
    const until = Date.now() + 60_000;
    while (infoCalls() < ready && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const w = await fetch(`${workerUrl}/cdn-cgi/handler/scheduled?cron=${cron}&time=${at.getTime()}`).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }));
    const [a, b] = await Promise.all(commands);
    // A tick that fails (the database too busy for one of three writers) is what the next tick
    // is for: nothing it claimed is lost and nothing is claimed twice. Report it, then tick again.
    const failures = [
      ...[a, b].filter((x) => x.code !== 0).map((x) => `job command: ${x.out.trim().split('\n').pop()}`),
      ...(w.status === 200 ? [] : [`worker: ${w.text}`]),
    ];
    for (let tick = 1; failures.length && tick <= 3; tick++) {
      console.warn(`ticks that failed, to be caught up by the next one:\n${failures.join('\n')}`);
      failures.length = 0;
      // A failed writer's open transaction holds the database until its stream expires
      // (the Hrana server's idleStreamMs, 15 s; sqld and Turso expire abandoned streams too).
      await new Promise((r) => setTimeout(r, 16_000));
      const next = await fetch(`${workerUrl}/cdn-cgi/handler/scheduled?cron=${cron}&time=${at.getTime() + tick * 5 * 60_000}`);
      if (next.status !== 200) failures.push(`worker: ${await next.text()}`);
    }
    expect(failures, workerLog.slice(-4000)).toEqual([]);

    // Anything a rate limit pushed back goes out with the next deliver tick.
    const deliver = encodeURIComponent(jobByName('deliver').utcCron);
    const pending = async () => {
      const c = createClient({ url: hrana.url });
      const n = Number((await c.execute("SELECT count(*) AS n FROM outbox WHERE status = 'pending'")).rows[0]!.n);
      c.close();
      return n;
    };
    for (let i = 0; i < 8 && (await pending()) > 0; i++) {
      await new Promise((r) => setTimeout(r, 1_200));
      await fetch(`${workerUrl}/cdn-cgi/handler/scheduled?cron=${deliver}&time=${at.getTime() + (i + 1) * 60_000}`);
    }

    const sent = fake.messages.slice(before);
    // One group 催办 per slot lists the overdue tasks; one p2p card per person their 待签收
    // reminders: each task's line appears exactly once in each.
    const groupChases = sent.filter((m) => m.chatId === GROUP && m.msgType === 'text' && fake.textOf(m).includes('逾期第'));
    const p2p = sent.filter((m) => m.chatType === 'p2p' && m.msgType === 'interactive');
    for (const title of titles) {
      expect(
        groupChases.filter((m) => fake.textOf(m).includes(`「${title}」逾期第 1 天`)),
        title,
      ).toHaveLength(1);
      expect(
        p2p.filter((m) => fake.textOf(m).includes(title)),
        title,
      ).toHaveLength(1);
    }
    // Every reminder (overdue and unsigned per task) was claimed once, and everything queued
    // since — reminders and the card updates they bring — was delivered: nothing left behind.
    const db = createClient({ url: hrana.url });
    const claims = Number(await db.execute("SELECT count(*) AS n FROM sends WHERE kind NOT IN ('batch', 'urgent', 'red')").then((r) => r.rows[0]!.n));
    const rows = (await db.execute({ sql: 'SELECT status FROM outbox WHERE created_at >= ?', args: [at.getTime()] })).rows;
    db.close();
    expect(claims).toBe(TASKS * 2);
    expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'superseded')).toEqual([]);
    // At one slot: one message in the group, one to each of the two assignees.
    if (groupChases.length === 1) expect(p2p).toHaveLength(2);
    expect(new Set(sent.map((m) => m.uuid)).size).toBe(sent.length);
    // A send whose answer was recorded too late is retried with the same uuid; Lark answers it
    // with the first message instead of a second one (counted here, never shown twice).
    console.info(`sends Lark answered from its uuid cache: ${fake.dedupedSends}`);

    // Who claimed what: the job command prints its count; the Worker claimed the rest.
    const claimed = (out: string) => Number(/claimed (\d+)/.exec(out)?.[1] ?? 0);
    const byNode = [claimed(a.out), claimed(b.out)];
    console.info(`chase claims: job commands ${byNode.join(' + ')}, Worker ${TASKS * 2 - byNode[0]! - byNode[1]!} (of ${TASKS * 2})`);
  }, 180_000);
});
