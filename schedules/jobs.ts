/**
 * The one schedule table. Node runs each job with the `cron` package on `cron`, in DUBAN_TZ
 * (schedules/node.ts); Workers run it on a Cron Trigger with `utcCron` (wrangler.toml's
 * `[triggers] crons` is this column, in this order; entry/worker.ts dispatches on it), and the
 * job command runs one by name (schedules/cli.ts). A tick is only a tick: each job decides
 * from `now` what is due — the chase policy gates on working time per chat, the digest on
 * each chat's weekday and time — so a late, missed or doubled tick changes nothing.
 *
 * Workers' crons are UTC and each trigger string names one job, so every `utcCron` is
 * distinct; the chase and revisit ticks run around the clock there (the policy keeps the
 * night quiet) rather than guessing the office's zone in a static file.
 *
 * @example await runJob(deps, 'chase', new Date('2026-12-02T09:30:00+08:00'))
 */
import { applyCalendarImports } from './calendar-imports.js';
import type { Deps } from '../bot/deps.js';
import { pruneInbox } from '../db/inbox.js';
import { prunePersonUses } from '../db/person-uses.js';
import { runChase } from './chase.js';
import { drainOutbox } from './deliver.js';
import { runRevisit } from './revisit.js';
import { runSeries } from './series.js';

export type JobName = 'chase' | 'revisit' | 'digest' | 'deliver' | 'housekeeping';

export interface Job {
  name: JobName;
  /** Local time, for Node's `cron` in DUBAN_TZ. */
  cron: string;
  /** UTC, for Workers Cron Triggers (wrangler.toml). */
  utcCron: string;
  /** What the tick does; the result is logged and printed by the job command. */
  run(deps: Deps, now: Date): Promise<Record<string, unknown>>;
}

export const JOBS: readonly Job[] = [
  {
    name: 'chase',
    // Every 5 minutes through any sane working day (06:00–22:55); the policy decides the rest.
    cron: '*/5 6-22 * * *',
    utcCron: '*/5 * * * *',
    run: async (deps, now) => {
      // An imported holiday schedule first: the chase then counts on it.
      const imports = await applyCalendarImports(deps, now).catch((err) => {
        deps.log.warn({ err }, 'applying calendar imports failed; keeping the loaded calendar');
        return { recounted: 0 };
      });
      // 周期任务: the instances whose creation day has come, and the day's 未反馈 lists (schedules/series.ts).
      const series = await runSeries(deps, now);
      return { ...(await runChase(deps, now)), ...(imports.recounted ? imports : {}), ...series };
    },
  },
  {
    name: 'revisit',
    cron: '*/10 6-22 * * *',
    utcCron: '*/10 * * * *',
    run: async (deps, now) => ({ ...(await runRevisit(deps, now)) }),
  },
  {
    name: 'digest',
    // Every quarter hour: runDigest sends each chat's summary once its weekday and time have come.
    cron: '*/15 * * * *',
    utcCron: '*/15 * * * *',
    // Loaded on first use: the digest job lives in its own module (schedules/digest.ts).
    run: async (deps, now) => {
      const { runDigest } = await import('./digest.js');
      return { ...(await runDigest(deps, now)) };
    },
  },
  {
    name: 'deliver',
    // Retries rows a rate limit or a failure rescheduled; fresh rows are kicked on commit.
    cron: '* * * * *',
    utcCron: '* * * * *',
    run: async (deps) => ({ ...(await drainOutbox(deps)) }),
  },
  {
    name: 'housekeeping',
    // 03:17 Asia/Shanghai: the inbox's dedupe rows past Lark's retry horizon, per-person uses past a day.
    cron: '17 3 * * *',
    utcCron: '17 19 * * *',
    run: async (deps, now) => {
      await pruneInbox(deps.db, now);
      await prunePersonUses(deps.db, now);
      return { pruned: true };
    },
  },
];

const byName = new Map(JOBS.map((j) => [j.name, j]));
if (byName.size !== JOBS.length) throw new Error('duplicate job name in schedules/jobs.ts');
const byUtcCron = new Map(JOBS.map((j) => [j.utcCron, j]));
if (byUtcCron.size !== JOBS.length) throw new Error('two jobs share a utcCron in schedules/jobs.ts: a Worker could not tell them apart');

export function isJobName(name: string): name is JobName {
  return byName.has(name as JobName);
}

export function jobByName(name: JobName): Job {
  return byName.get(name)!;
}

/** The job a Workers Cron Trigger fired for (its `controller.cron`), if any. */
export function jobByCron(utcCron: string): Job | undefined {
  return byUtcCron.get(utcCron.trim());
}

/** Runs one job once at `now`, with a child logger; throws what the job throws. */
export async function runJob(deps: Deps, name: JobName, now: Date): Promise<Record<string, unknown>> {
  const job = jobByName(name);
  const log = deps.log.child({ job: name });
  const started = Date.now();
  const result = await job.run(deps, now);
  log.info({ ...result, ms: Date.now() - started, now: now.toISOString() }, 'job done');
  return result;
}
