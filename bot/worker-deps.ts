/**
 * Composition root for Cloudflare Workers: the Workers twin of bot/node-deps.ts. Builds the
 * shared runtime (bot/runtime.ts) from the Worker's `env` for one request or one cron tick:
 *  - the database is a remote libSQL (Turso) over HTTP through `@libsql/client/web`, which has
 *    no `file:` URLs; migrations are applied ahead of time with drizzle-kit, never here;
 *  - deferred work and the outbox sender run inside `ctx.waitUntil`, so the webhook answers
 *    first and the work finishes after the answer;
 *  - what is worth keeping between requests of one isolate (the Lark client with its tenant
 *    token, the bot's open_id, the calendar overrides) is cached at module scope, keyed by the
 *    settings it was made from. Nothing holding a request's I/O (database client, sender) is.
 */
import { createClient } from '@libsql/client/web';
import pino, { type Logger } from 'pino';
import { loggerOptions } from './log.js';
import { wrapClient, type DbHandle } from '../db/client.js';
import { loadCalendar } from '../db/calendar.js';
import { systemClock, type Clock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createRuntime, type Runtime } from './runtime.js';
import type { WorkCalendar } from './domain/calendar.js';
import type { LarkApi } from './lark/api.js';
import { createLarkApi } from './lark/sdk-client.js';

/** The Worker's bindings: [vars] from wrangler.toml and secrets from `wrangler secret put`. */
export interface WorkerEnv {
  LARK_APP_ID: string;
  LARK_APP_SECRET: string;
  LARK_ENCRYPT_KEY?: string;
  LARK_VERIFICATION_TOKEN?: string;
  LARK_DOMAIN?: string;
  LARK_MODE?: string;
  /** Optional: the bot's open_id, which saves the bot-info call on a cold isolate. */
  LARK_BOT_OPEN_ID?: string;
  DATABASE_URL: string;
  DATABASE_AUTH_TOKEN?: string;
  DUBAN_TZ?: string;
  DUBAN_LANG?: string;
  LOG_LEVEL?: string;
}

export interface WorkerDeps extends Runtime {
  /**
   * End of a request: settle, and when this request queued messages, follow up on their
   * retries until `deadline`; then close.
   */
  finish(deadline: number): Promise<void>;
}

export interface WorkerDepsOptions {
  /** ExecutionContext.waitUntil of the current request or tick. */
  waitUntil(promise: Promise<unknown>): void;
  clock?: Clock;
  log?: Logger;
  /** A LarkApi to use instead of the SDK client (tests). */
  lark?: LarkApi;
}

/** How long calendar overrides are trusted before they are read again (an import shows up this soon). */
export const CALENDAR_TTL_MS = 5 * 60_000;

/** Only string bindings are configuration; anything else (a service binding, a KV) is not. */
export function configOf(env: object): Config {
  const record: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') record[k] = v;
  // A Worker is reached only through the webhook, whatever LARK_MODE says.
  const config = loadConfig({ ...record, LARK_MODE: 'webhook' });
  if (config.DATABASE_URL.startsWith('file:')) {
    throw new ConfigError(['DATABASE_URL: a Worker has no disk; use the remote database, libsql://<db>-<org>.turso.io (wrangler secret put DATABASE_URL)']);
  }
  return config;
}

/**
 * Structured JSON lines through console.* (what Workers Logs index). pino's browser build is
 * the one a Worker bundle gets; it keeps the same levels, child loggers and redaction.
 */
export function createWorkerLogger(level: string): Logger {
  // The browser build's redaction leaves a `restore` function on each record; drop it.
  const emit = (method: 'log' | 'warn' | 'error') => (o: object) => {
    const { restore: _restore, ...record } = o as Record<string, unknown>;
    console[method](record);
  };
  return pino({
    ...loggerOptions(level),
    browser: {
      asObject: true,
      serialize: true,
      write: { trace: emit('log'), debug: emit('log'), info: emit('log'), warn: emit('warn'), error: emit('error'), fatal: emit('error') },
    },
  });
}

// ---- per-isolate caches ----------------------------------------------------------------------
// An isolate serves many requests in a row. Without these, every webhook delivery would first
// fetch a tenant token and the bot info from Lark, and read the overrides table — three round
// trips before the 3-second answer. Each entry is keyed by the settings it came from, so a
// changed secret or database (a new deployment shares no isolate anyway) never gets a stale one.

const larkClients = new Map<string, LarkApi>();
const botOpenIds = new Map<string, { at: number; failed: boolean; openId: Promise<string> }>();
const calendars = new Map<string, { loadedAt: number; failed: boolean; calendar: Promise<WorkCalendar> }>();

function larkFor(config: Config): LarkApi {
  const key = `${config.LARK_DOMAIN}\n${config.LARK_APP_ID}\n${config.LARK_APP_SECRET}`;
  let api = larkClients.get(key);
  if (!api) {
    api = createLarkApi({ appId: config.LARK_APP_ID, appSecret: config.LARK_APP_SECRET, domain: config.LARK_DOMAIN });
    larkClients.set(key, api);
  }
  return api;
}

/**
 * A lookup that failed is remembered this long: anonymous requests (a scanner on /healthz or
 * /lark/events) must not make every request ask Lark and the database again.
 */
export const FAILED_LOOKUP_TTL_MS = 30_000;

/** The bot's open_id never changes for an app, so one bot-info call per isolate is enough. */
function botOpenIdFor(config: Config, lark: LarkApi, nowMs: number): Promise<string> {
  const key = `${config.LARK_DOMAIN}\n${config.LARK_APP_ID}`;
  const hit = botOpenIds.get(key);
  if (hit && (!hit.failed || nowMs - hit.at < FAILED_LOOKUP_TTL_MS)) return hit.openId;
  const entry = { at: nowMs, failed: false, openId: lark.botInfo().then((b) => b.openId) };
  entry.openId.catch(() => {
    entry.failed = true;
    entry.at = Date.now();
  });
  botOpenIds.set(key, entry);
  return entry.openId;
}

function calendarFor(config: Config, handle: DbHandle, nowMs: number): Promise<WorkCalendar> {
  const key = `${config.DATABASE_URL}\n${config.DUBAN_TZ}`;
  const hit = calendars.get(key);
  if (hit && nowMs - hit.loadedAt < (hit.failed ? FAILED_LOOKUP_TTL_MS : CALENDAR_TTL_MS)) return hit.calendar;
  const entry = { loadedAt: nowMs, failed: false, calendar: loadCalendar(handle, config.DUBAN_TZ) };
  entry.calendar.catch(() => {
    entry.failed = true;
    entry.loadedAt = Date.now();
  });
  calendars.set(key, entry);
  return entry.calendar;
}

/** Drops the per-isolate caches (tests that change the database under a running isolate). */
export function forgetIsolateCaches(): void {
  larkClients.clear();
  botOpenIds.clear();
  calendars.clear();
}

// ---------------------------------------------------------------------------------------------

export async function createWorkerDeps(env: WorkerEnv, opts: WorkerDepsOptions): Promise<WorkerDeps> {
  const config = configOf(env);
  const log = opts.log ?? createWorkerLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  // A client per request: it is a thin HTTP wrapper, and a Worker may not reuse one request's
  // I/O objects in another.
  const client = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  const handle = wrapClient(client);
  const lark = opts.lark ?? larkFor(config);
  const [botOpenId, calendar] = await Promise.all([env.LARK_BOT_OPEN_ID || botOpenIdFor(config, lark, Date.now()), calendarFor(config, handle, Date.now())]);

  // Work after the answer runs inside ctx.waitUntil; the sender keeps no retry timer (it would
  // not outlive the request): drainUntilQuiet waits for retries while the request may.
  const rt = createRuntime({ config, log, clock, handle, lark, botOpenId, calendar, waitUntil: opts.waitUntil, retryTimer: false });
  const deps = rt as WorkerDeps;
  deps.finish = async (deadline: number) => {
    try {
      await rt.settle();
      if (rt.queuedMessages()) await rt.drainUntilQuiet(deadline);
    } catch (err) {
      log.error({ err }, 'work after the answer failed');
    } finally {
      await rt.close();
    }
  };
  return deps;
}
