/**
 * In-process schedules for the Node entry (SPEC §7 "one machine"): every job of
 * schedules/jobs.ts on the `cron` package in DUBAN_TZ. A tick that comes while the same job is
 * still running is skipped (the next tick catches up: jobs decide from `now`, not from the
 * tick). `stop()` stops the timers and resolves once running ticks have finished.
 * @example const cron = startCronJobs(deps); …; await cron.stop();
 */
import { CronJob } from 'cron';
import type { Deps } from '../bot/deps.js';
import { JOBS, runJob, type Job } from './jobs.js';

export interface CronHandle {
  stop(): Promise<void>;
  /** Names of jobs running right now (for /healthz and tests). */
  running(): string[];
}

export function startCronJobs(deps: Deps, jobs: readonly Job[] = JOBS): CronHandle {
  const inflight = new Map<string, Promise<void>>();
  const log = deps.log.child({ component: 'cron' });
  const timers = jobs.map((job) =>
    CronJob.from({
      cronTime: job.cron,
      timeZone: deps.config.DUBAN_TZ,
      start: true,
      onTick: () => {
        if (inflight.has(job.name)) {
          log.warn({ job: job.name }, 'previous run still going; tick skipped');
          return;
        }
        const run: Promise<void> = runJob(deps, job.name, deps.clock.now())
          .then(() => undefined)
          .catch((err: unknown) => log.error({ err, job: job.name }, 'job failed'))
          .finally(() => inflight.delete(job.name));
        inflight.set(job.name, run);
      },
    }),
  );
  return {
    async stop() {
      for (const t of timers) void t.stop();
      await Promise.all([...inflight.values()]);
    },
    running: () => [...inflight.keys()],
  };
}
