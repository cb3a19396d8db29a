/**
 * The bot and the job command as real processes (`node --import tsx entry/main.ts`,
 * `node --import tsx schedules/cli.ts …`), for the fault tests, the load script and the memory
 * benchmark: started on a free port in webhook mode, fed signed, encrypted events over HTTP
 * exactly as Lark posts them, killed with SIGKILL when a test wants a crash. Imports nothing
 * from vitest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { signedRequest } from '../../bot/sandbox/fake-lark/events.js';

export const ROOT = resolve(import.meta.dirname, '../..');

export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

/** The parent's environment (PATH, HOME) with the bot's settings on top. */
export function processEnv(extra: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { ...base, ...extra };
}

/** Resident set size of a process, from /proc (Linux); 0 where that is not available. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Posted {
  status: number;
  /** Request to answer, ms. */
  ms: number;
  body: string;
}

export interface BotProcess {
  port: number;
  child: ChildProcess;
  /** Everything the process wrote (stdout + stderr). */
  output(): string;
  /** POSTs an envelope to /lark/events, encrypted and signed like Lark. */
  post(envelope: Record<string, unknown>): Promise<Posted>;
  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill9(): Promise<void>;
  /** SIGTERM: the graceful shutdown. */
  stop(): Promise<void>;
  rss(): number;
  exited: Promise<number | null>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function postRaw(port: number, body: string, headers: Record<string, string>): Promise<Posted> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/lark/events', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => done({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: text }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

/** The app a bot process runs as: its id, secret and the event subscription's keys. */
export interface BotApp {
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
}

/**
 * The bot's settings against a fake Lark at `larkUrl` and a database file, office time: the
 * per-person command limit and the hints are off, so a run measures the pipeline
 * (test/hostile/bursts.test.ts covers the limit).
 */
export function botEnv(app: BotApp, larkUrl: string, dbUrl: string): Record<string, string> {
  return {
    LARK_APP_ID: app.appId,
    LARK_APP_SECRET: app.appSecret,
    LARK_ENCRYPT_KEY: app.encryptKey,
    LARK_VERIFICATION_TOKEN: app.verificationToken,
    LARK_DOMAIN: larkUrl,
    DATABASE_URL: dbUrl,
    DUBAN_TZ: 'Asia/Shanghai',
    DUBAN_LANG: 'zh',
    DUBAN_COMMANDS_PER_MINUTE: '100000',
    DUBAN_HINT_EVERY_MINUTES: '0',
  };
}

export interface StartOptions {
  /** Settings on top of the parent's environment (LARK_*, DATABASE_URL, …). */
  env: Record<string, string>;
  encryptKey: string;
  verificationToken: string;
  /** Give up waiting for /healthz after this long. */
  startTimeoutMs?: number;
}

/** Starts `node --import tsx entry/main.ts` in webhook mode and waits until /healthz answers. */
export async function startBotProcess(o: StartOptions): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'entry/main.ts'], {
    cwd: ROOT,
    env: processEnv({ LARK_MODE: 'webhook', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...o.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + (o.startTimeoutMs ?? 30_000);
  for (;;) {
    if (gone) throw new Error(`the bot exited before answering /healthz:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bot did not answer /healthz within ${o.startTimeoutMs ?? 30_000} ms:\n${out}`);
    }
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    port,
    child,
    exited,
    output: () => out,
    post(envelope) {
      const { body, headers } = signedRequest(envelope, { encryptKey: o.encryptKey, verificationToken: o.verificationToken });
      return postRaw(port, body, headers);
    },
    async kill9() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!gone) child.kill('SIGTERM');
      await exited;
    },
    rss: () => rssOf(child.pid!),
  };
}

export interface JobRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill9(): void;
}

/** Starts `node --import tsx schedules/cli.ts …args` (what `npm run job -- …` runs). */
export function startJob(args: string[], env: Record<string, string>): JobRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'schedules/cli.ts', ...args], {
    cwd: ROOT,
    env: processEnv({ LOG_LEVEL: 'error', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((ok, fail) => {
    child.once('error', fail);
    child.once('close', (code, signal) => ok({ code, signal, stdout, stderr }));
  });
  return { child, done, kill9: () => void child.kill('SIGKILL') };
}
