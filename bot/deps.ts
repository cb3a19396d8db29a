/** The one injection seam: everything a handler or job may touch. */
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from '../db/client.js';
import type { LarkApi } from './lark/api.js';
import type { WorkCalendar } from './domain/calendar.js';

export interface Deps {
  db: Db;
  lark: LarkApi;
  clock: Clock;
  log: Logger;
  config: Config;
  /** The bot's own open_id, learned at start (bot info API). */
  botOpenId: string;
  /** China's working-day calendar with the database's overrides loaded. */
  calendar: WorkCalendar;
  /** Run work after the answer: Workers' ctx.waitUntil, an in-process queue on Node. */
  defer(work: () => Promise<unknown>): void;
  /** Ask the outbox sender to run soon (after a commit). */
  kickOutbox(): void;
}
