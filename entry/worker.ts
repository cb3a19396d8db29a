/**
 * Cloudflare Workers entry (SPEC §7, "scale out"): the same app, handlers and jobs as the Node
 * process, on a remote libSQL database.
 *  - fetch: the Hono app of bot/app.ts. The webhook stores the event and answers at once; the
 *    handler and the outbox sender continue in ctx.waitUntil.
 *  - scheduled: a Cron Trigger (UTC) → the job of schedules/jobs.ts with that utcCron, at the
 *    trigger's scheduledTime; then events a crash left unprocessed, then the outbox.
 * Migrations are not run here: `DATABASE_URL=libsql://… DATABASE_AUTH_TOKEN=… npx drizzle-kit
 * migrate` applies them before a deploy (docs/deploy-workers.md).
 */
// The importable flavour of the Workers types: the project's lib is DOM, whose Request and
// Response differ from workerd's only in extras (cf, webSocket) this file does not touch.
import type { ExportedHandler, Response as WorkerResponse } from '@cloudflare/workers-types/index.ts';
import { jobByCron, runJob } from '../schedules/jobs.js';
import { createApp } from '../bot/app.js';
import { clockFrom } from '../bot/clock.js';
import { ConfigError } from '../bot/config.js';
import { recoverInbox } from '../bot/ingest.js';
import { createRouter } from '../handlers/index.js';
import { LarkApiError } from '../bot/lark/api.js';
import { createWorkerDeps, createWorkerLogger, type WorkerEnv } from '../bot/worker-deps.js';

export type Env = WorkerEnv;

/** Built once per isolate: the handlers never change while it lives. */
const router = createRouter();

/** A cron tick may drain the outbox for this long (a scheduled event may run for 15 min). */
const TICK_DRAIN_MS = 60_000;
/** Work after a webhook answer: waitUntil keeps a request alive for 30 s after its response. */
const AFTER_ANSWER_MS = 25_000;

const asWorker = (r: Response): WorkerResponse => r as unknown as WorkerResponse;

function refuse(err: unknown, env: Env): Response {
  // Setup problems are logged with every detail; the caller (Lark, a scanner) learns nothing.
  const log = createWorkerLogger('info');
  if (err instanceof ConfigError) {
    log.error({ problems: err.problems }, 'duban is misconfigured: fix these settings (wrangler secret put / [vars])');
    return Response.json({ error: 'misconfigured' }, { status: 500 });
  }
  if (err instanceof LarkApiError) {
    log.error({ code: err.code, status: err.status, app: env.LARK_APP_ID }, `cannot reach Lark: ${err.message}`);
  } else {
    log.error({ err }, 'cannot start the request');
  }
  return Response.json({ error: 'temporarily unavailable' }, { status: 503 });
}

export default {
  async fetch(request, env, ctx) {
    let deps;
    try {
      deps = await createWorkerDeps(env, { waitUntil: (p) => ctx.waitUntil(p) });
    } catch (err) {
      return asWorker(refuse(err, env));
    }
    const app = createApp(deps, router, { health: () => ({ mode: 'webhook', runtime: 'workers' }) });
    const started = Date.now();
    const response = await app.fetch(request as unknown as Request);
    ctx.waitUntil(deps.finish(started + AFTER_ANSWER_MS));
    return asWorker(response);
  },

  async scheduled(controller, env, ctx) {
    const now = new Date(controller.scheduledTime);
    const deps = await createWorkerDeps(env, { waitUntil: (p) => ctx.waitUntil(p), clock: clockFrom(now) });
    const { log } = deps;
    const job = jobByCron(controller.cron);
    let failure: unknown = null;
    try {
      await recoverInbox(deps, router).catch((err) => log.error({ err }, 'inbox recovery failed'));
      if (job) {
        await runJob(deps, job.name, now);
      } else {
        log.warn({ cron: controller.cron }, 'no job has this cron (wrangler.toml and schedules/jobs.ts differ?)');
      }
    } catch (err) {
      log.error({ err, job: job?.name }, 'job failed');
      failure = err;
    }
    try {
      await deps.settle();
      // What the job just enqueued goes out now rather than at the next `deliver` tick.
      if (job?.name !== 'deliver') {
        const r = await deps.drainUntilQuiet(Date.now() + TICK_DRAIN_MS);
        if (r.sent || r.failed || r.retried) log.info({ ...r }, 'outbox drained');
      }
    } finally {
      await deps.close();
    }
    // A failed job fails the invocation, so the Cron Trigger's history shows it.
    if (failure) throw failure;
  },
} satisfies ExportedHandler<Env>;
