/**
 * Composition root for Node: config → database → Lark client → calendar → Deps. Used by the
 * process entry (entry/main.ts), the job command (schedules/cli.ts), tests and the sandbox.
 */
import type { Logger } from 'pino';
import { loadCalendar } from '../db/calendar.js';
import { openDb } from '../db/node.js';
import type { DbHandle } from '../db/client.js';
import { OutboxSender } from '../schedules/deliver.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import type { LarkApi } from './lark/api.js';
import { createLarkApi } from './lark/sdk-client.js';
import { createLogger } from './log.js';
import { secretsOf } from './redact.js';

export interface NodeDeps extends Deps {
  handle: DbHandle;
  sender: OutboxSender;
  /** Settles deferred work (tests, graceful shutdown). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface NodeDepsOptions {
  clock?: Clock;
  log?: Logger;
  lark?: LarkApi;
  /** Skip learning the bot's open_id (only when the caller sets it). */
  botOpenId?: string;
  /** Start the outbox sender on every commit (off for the job command, which drains itself). */
  autoSend?: boolean;
}

export async function createNodeDeps(config: Config, opts: NodeDepsOptions = {}): Promise<NodeDeps> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL, secretsOf(config));
  const handle = await openDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  const lark = opts.lark ?? createLarkApi({ appId: config.LARK_APP_ID, appSecret: config.LARK_APP_SECRET, domain: config.LARK_DOMAIN });
  const botOpenId = opts.botOpenId ?? (await lark.botInfo()).openId;
  const calendar = await loadCalendar(handle, config.DUBAN_TZ);
  const inflight = new Set<Promise<unknown>>();
  const autoSend = opts.autoSend ?? true;
  const deps = {
    db: handle.db,
    handle,
    lark,
    clock: opts.clock ?? systemClock,
    log,
    config,
    botOpenId,
    calendar,
    defer(work: () => Promise<unknown>) {
      const p = Promise.resolve()
        .then(work)
        .catch((err) => log.error({ err }, 'deferred work failed'))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    },
    kickOutbox() {
      if (autoSend) deps.sender.kick();
    },
    async settle() {
      while (inflight.size) await Promise.all([...inflight]);
      await deps.sender.idle();
      while (inflight.size) await Promise.all([...inflight]);
    },
    async close() {
      deps.sender.stop();
      handle.client.close();
    },
  } as NodeDeps;
  deps.sender = new OutboxSender(deps);
  return deps;
}
