/**
 * The Harness on the Worker entry, inside workerd: requests go through `fetch` and jobs through
 * `scheduled` of entry/worker.ts with real ExecutionContexts, so waitUntil work is awaited the way
 * the runtime would. The database is the remote libSQL of the global setup, read here over HTTP.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createClient } from '@libsql/client/web';
import { inject } from 'vitest';
import worker, { type Env } from '../../entry/worker.js';
import { JOBS } from '../../schedules/jobs.js';
import type { Harness } from '../scenarios/harness.js';
import { remoteFake } from '../scenarios/remote-fake.js';

export const workerEnv = env as unknown as Env;

export function workerHarness(): Harness {
  const pending: Promise<void>[] = [];
  const db = createClient({ url: workerEnv.DATABASE_URL });
  const h: Harness = {
    runtime: 'workerd',
    now: () => new Date(),
    async postRaw(body, headers) {
      const ctx = createExecutionContext();
      const req = new Request('https://duban.example.workers.dev/lark/events', { method: 'POST', body, headers });
      const res = await worker.fetch(req as never, workerEnv, ctx);
      pending.push(waitOnExecutionContext(ctx));
      return res as unknown as Response;
    },
    async settle() {
      while (pending.length) await pending.shift();
    },
    async runJob(name, now) {
      const job = JOBS.find((j) => j.name === name);
      if (!job) throw new Error(`no job ${name}`);
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: job.utcCron, scheduledTime: now }) as never, workerEnv, ctx);
      await waitOnExecutionContext(ctx);
    },
    async query(sql, args = []) {
      const rs = await db.execute({ sql, args });
      return rs.rows as never;
    },
    fake: remoteFake(inject('fakeControlUrl')),
  };
  return h;
}
