/**
 * A morning burst of work, against what `npm start` runs (the esbuild bundle on plain node with
 * its flags), in webhook mode, the fake Lark in this process:
 *
 * - **Command burst**: 600 p2p `/任务` commands from 200 people at 200 a second (open loop: each
 *   request is sent at its scheduled moment and its latency counts from that moment, so a slow
 *   answer cannot slow the sender down). Each needs a card in reply. Reported: ack p50 / p99 /
 *   max, requests not answered 200 within Lark's 3 s, and the time until every reply reached the
 *   fake Lark (its limits on) against the least Lark's 50 messages/s app limit allows.
 * - **Command to card**: 20 commands a second for 5 s with the fake's limits off; from each
 *   command's ack to its card arriving at the fake Lark.
 *
 * `BURST_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` adds node flags to the bot process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newTask } from '../../bot/domain/task.js';
import { messageEvent, signedRequest } from '../../bot/sandbox/fake-lark/events.js';
import { FakeLark } from '../../bot/sandbox/fake-lark/server.js';
import { commitChange } from '../../db/commit.js';
import { openDb } from '../../db/node.js';
import { freePort, processEnv, ROOT } from '../support/bot-process.js';
import { waitForHealth } from './load.js';

const APP_ID = 'cli_burst';
const APP_SECRET = 'burst-secret';
const KEY = 'burst-encrypt-key';
const TENANT = 'tenant_burst';
/** Lark's send limit per app (频控策略: 50 QPS for sending messages). */
const LARK_SENDS_PER_SECOND = 50;
const ACK_LIMIT_MS = 3_000;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** The environment, node flags and entry of `npm start` (package.json), after its prestart bundling. */
function npmStart(): { env: Record<string, string>; args: string[] } {
  execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: ROOT, stdio: 'inherit' });
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts.start!.split(/\s+/);
  const node = words.indexOf('node');
  return { env: Object.fromEntries(words.slice(0, node).map((w) => w.split('=', 2) as [string, string])), args: words.slice(node + 1) };
}

interface Bot {
  port: number;
  child: ChildProcess;
}

async function startBot(dbUrl: string, larkUrl: string): Promise<Bot> {
  const port = await freePort();
  const start = npmStart();
  const child = spawn(process.execPath, [...(process.env.BURST_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), ...start.args], {
    cwd: ROOT,
    env: processEnv({
      ...start.env,
      LARK_APP_ID: APP_ID,
      LARK_APP_SECRET: APP_SECRET,
      LARK_ENCRYPT_KEY: KEY,
      LARK_DOMAIN: larkUrl,
      LARK_MODE: 'webhook',
      DATABASE_URL: dbUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'error',
      // Measures the pipeline, not the per-person limit (test/hostile/bursts.test.ts covers that).
      DUBAN_COMMANDS_PER_MINUTE: '100000',
      DUBAN_HINT_EVERY_MINUTES: '0',
    }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHealth(port, 30_000);
  return { port, child };
}

/** Every person has two open tasks in one of 20 groups, so `/任务` answers with a real list. */
async function seed(dbUrl: string, people: string[]): Promise<void> {
  const handle = await openDb(dbUrl);
  const now = new Date();
  for (let i = 0; i < people.length * 2; i++) {
    const lead = people[i % people.length]!;
    const creator = people[(i + 7) % people.length]!;
    const { task, events } = newTask({
      tenantKey: TENANT,
      number: 0,
      title: `落实会议议定事项${i}号`,
      category: null,
      source: null,
      priority: 'normal',
      creatorId: creator,
      supervisorId: creator,
      chatId: `oc_burst_${i % 20}`,
      leadId: lead,
      coIds: [],
      dueAt: new Date(now.getTime() + (3 + (i % 20)) * 86_400_000),
      now,
    });
    await commitChange(handle.db, { tenantKey: TENANT, now, task: { value: task, expectedVersion: null }, events });
  }
  handle.client.close();
}

interface Command {
  body: string;
  headers: Record<string, string>;
  messageId: string;
}

/** A p2p `/任务` from `sender`, known to the fake Lark (so the bot may reply to it), signed and encrypted. */
function command(fake: FakeLark, sender: string, n: number): Command {
  const chatId = fake.p2pChatOf(sender);
  const said = fake.userSays({ sender, text: '/任务', chatId });
  const env = messageEvent({
    text: '/任务',
    chatId,
    chatType: 'p2p',
    sender,
    tenantKey: TENANT,
    mentions: [],
    eventId: `ev_burst_${n}_${process.pid}`,
    messageId: said.id,
  });
  const { body, headers } = signedRequest(env, { encryptKey: KEY });
  return { body, headers, messageId: said.id };
}

/** As many sockets as the burst needs: Lark opens a connection per pending push. */
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function post(port: number, c: Command): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/lark/events', method: 'POST', agent, headers: { ...c.headers, 'content-length': Buffer.byteLength(c.body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    // Lark gives up after 3 s: so does this sender, and counts the request unanswered.
    req.setTimeout(ACK_LIMIT_MS + 1_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(c.body);
  });
}

interface Paced {
  /** From each request's scheduled moment to its answer, ms (sorted). */
  lat: number[];
  /** Epoch ms of each command's ack, by message id. */
  ackedAt: Map<string, number>;
  statuses: Record<number, number>;
  unanswered: number;
  t0: number;
  /** How late this sender was against its schedule, ms (sorted): a busy machine delays it too. */
  lateness: number[];
}

/** Sends `commands` at `rate` per second, each at its scheduled moment (open loop). */
async function paced(port: number, commands: Command[], rate: number): Promise<Paced> {
  const lat: number[] = [];
  const ackedAt = new Map<string, number>();
  const statuses: Record<number, number> = {};
  let unanswered = 0;
  const t0 = performance.now();
  const wall0 = Date.now();
  const inflight: Promise<void>[] = [];
  const lateness: number[] = [];
  for (let i = 0; i < commands.length; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lateness.push(Math.max(0, performance.now() - due));
    const c = commands[i]!;
    inflight.push(
      post(port, c).then((status) => {
        const ms = performance.now() - due;
        lat.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200 || ms > ACK_LIMIT_MS) unanswered++;
        else ackedAt.set(c.messageId, Date.now());
      }),
    );
  }
  await Promise.all(inflight);
  lat.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  return { lat, ackedAt, statuses, unanswered, t0: wall0, lateness };
}

async function backlog(port: number): Promise<string> {
  const body = (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json())) as Record<string, unknown>;
  return JSON.stringify(body.inbox ?? 'not reported');
}

export async function benchBurst(): Promise<Record<string, string | number>> {
  const figures: Record<string, string | number> = {};
  const people = Array.from({ length: 200 }, (_, i) => `ou_burst_${i}`);
  const run = async (opts: { limits: boolean; rate: number; count: number }, measure: (bot: Bot, fake: FakeLark, commands: Command[]) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-bench-burst-'));
    const dbUrl = `file:${join(dir, 'duban.db')}`;
    const fake = new FakeLark({ appId: APP_ID, appSecret: APP_SECRET, tenantKey: TENANT, ...(opts.limits ? {} : { rateLimits: false }) });
    const { url } = await fake.start();
    people.forEach((p, i) => fake.addUser({ openId: p, name: `员工${i}号` }));
    for (let c = 0; c < 20; c++)
      fake.addChat({ chatId: `oc_burst_${c}`, name: `工作群${c}`, ownerId: people[c]!, members: people.filter((_, i) => i % 20 === c) });
    await seed(dbUrl, people);
    const bot = await startBot(dbUrl, url);
    try {
      // One command from everyone first: chats and names remembered, code warm.
      const warm = people.map((p, i) => command(fake, p, -1 - i));
      await Promise.all(warm.map((c) => post(bot.port, c)));
      await fake.waitForMessages(warm.length, 60_000);
      fake.messages.length = 0;
      const commands = Array.from({ length: opts.count }, (_, i) => command(fake, people[i % people.length]!, i));
      await measure(bot, fake, commands);
    } finally {
      // With BURST_NODE_FLAGS (say --cpu-prof) the bot stops cleanly, so it writes its profile.
      const exited = new Promise((r) => bot.child.once('exit', r));
      bot.child.kill(process.env.BURST_NODE_FLAGS ? 'SIGTERM' : 'SIGKILL');
      await exited;
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };

  await run({ limits: true, rate: 200, count: 600 }, async (bot, fake, commands) => {
    const r = await paced(bot.port, commands, 200);
    const behind = await backlog(bot.port);
    // A request answered late was still stored (Lark would deliver it again): every command gets its reply.
    await fake.waitForMessages(commands.length, 120_000).catch(() => {});
    const lastReply = Math.max(...fake.messages.map((m) => m.time.getTime()));
    const allReplies = (lastReply - r.t0) / 1000;
    const minimum = commands.length / LARK_SENDS_PER_SECOND;
    figures['burst: 600 p2p commands at 200/s from 200 people, ack p50 / p99 / max, ms (target p99 < 50)'] =
      `${r.lat[Math.floor(r.lat.length / 2)]!.toFixed(0)} / ${quantile(r.lat, 0.99).toFixed(0)} / ${r.lat[r.lat.length - 1]!.toFixed(0)}`;
    figures['burst: requests not answered 200 within 3 s (target 0)'] =
      `${r.unanswered} of ${commands.length}${Object.keys(r.statuses).length > 1 ? ` (statuses ${JSON.stringify(r.statuses)})` : ''}`;
    figures['burst: the sender behind its schedule p50 / p99 / max, ms'] =
      `${quantile(r.lateness, 0.5).toFixed(0)} / ${quantile(r.lateness, 0.99).toFixed(0)} / ${r.lateness[r.lateness.length - 1]!.toFixed(0)}`;
    figures['burst: backlog right after the last ack (/healthz)'] = behind;
    figures['burst: every reply at the fake Lark after, s (minimum at 50 msg/s; target ≤ 1.2×)'] =
      `${allReplies.toFixed(1)} (${minimum.toFixed(1)}; ${(allReplies / minimum).toFixed(2)}×), ${fake.messages.length} of ${commands.length} replies, ${fake.refusedForFrequency} refused for frequency`;
  });

  await run({ limits: false, rate: 20, count: 100 }, async (bot, fake, commands) => {
    const r = await paced(bot.port, commands, 20);
    await fake.waitForMessages(commands.length, 60_000).catch(() => {});
    const toCard: number[] = [];
    for (const m of fake.messages) {
      const acked = m.replyTo ? r.ackedAt.get(m.replyTo) : undefined;
      if (acked !== undefined && m.msgType === 'interactive') toCard.push(m.time.getTime() - acked);
    }
    toCard.sort((a, b) => a - b);
    figures['command → card at 20/s, limits off: ack p50 / p99, ms'] = `${quantile(r.lat, 0.5).toFixed(0)} / ${quantile(r.lat, 0.99).toFixed(0)}`;
    figures['command → card at 20/s, limits off: ack to card p50 / p99 / max, ms (target p50 < 100, p99 < 300)'] =
      `${quantile(toCard, 0.5)} / ${quantile(toCard, 0.99)} / ${toCard[toCard.length - 1]} (${toCard.length} cards)`;
  });
  return figures;
}
