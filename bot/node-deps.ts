/**
 * Composition root for Node: config → database → Lark client → calendar → the shared runtime
 * (bot/runtime.ts). Used by the process entry (entry/main.ts), the job command
 * (schedules/cli.ts), tests and the sandbox.
 */
import type { Logger } from 'pino';
import { loadCalendar } from '../db/calendar.js';
import { openDb } from '../db/node.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { LarkApi } from './lark/api.js';
import { createLarkApi } from './lark/sdk-client.js';
import { createLogger } from './log.js';
import { secretsOf } from './redact.js';
import { createRuntime, type Runtime } from './runtime.js';

/** The Node runtime: the shared one (bot/runtime.ts), nothing of its own. */
export type NodeDeps = Runtime;

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
  return createRuntime({ config, log, clock: opts.clock ?? systemClock, handle, lark, botOpenId, calendar, autoSend: opts.autoSend ?? true });
}
