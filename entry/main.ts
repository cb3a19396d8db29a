/**
 * Node entry (`npm start`): configuration → database (migrated) → Lark client → the HTTP
 * server (webhook + /healthz) and, by default, the long connection → cron jobs → outbox.
 * A clean shutdown on SIGTERM/SIGINT stops the jobs, closes the connection and drains the
 * outbox for a few seconds.
 */
import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { dispatchEnvelope, recoverInbox } from '../bot/ingest.js';
import { createRouter } from '../handlers/index.js';
import { createApp, isLoopbackPeer } from '../bot/app.js';
import { ConfigError, loadConfig, type Config } from '../bot/config.js';
import { createNodeDeps, type NodeDeps } from '../bot/node-deps.js';
import { LarkApiError } from '../bot/lark/api.js';
import { startLongConnection, type LongConnection } from '../bot/lark/ws.js';
import { startCronJobs } from '../schedules/node.js';
import { redactSecrets, secretsOf } from '../bot/redact.js';

const SHUTDOWN_DRAIN_MS = 5_000;
const INBOX_RECOVERY_MS = 30_000;
const CALENDAR_RELOAD_MS = 5 * 60_000;

/** Secrets of the configuration being started, kept out of every line printed. */
let secrets: string[] = [];

function fail(lines: string[]): never {
  for (const line of lines) process.stderr.write(`${redactSecrets(line, secrets)}\n`);
  process.exit(1);
}

export async function main(env: Record<string, string | undefined> = process.env): Promise<void> {
  if (existsSync('.env') && env === process.env) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(['duban cannot start; fix these settings (see .env.example):', ...err.problems.map((p) => `  ${p}`)]);
    throw err;
  }
  secrets = secretsOf(config);

  let deps: NodeDeps;
  try {
    deps = await createNodeDeps(config);
  } catch (err) {
    if (err instanceof LarkApiError) {
      fail([
        `duban cannot reach Lark as app ${config.LARK_APP_ID}: ${err.message} (code ${err.code}, HTTP ${err.status}).`,
        err.status === 0
          ? `  check the network and LARK_DOMAIN (${config.LARK_DOMAIN}).`
          : '  check LARK_APP_ID and LARK_APP_SECRET, and that the app has the bot capability enabled.',
      ]);
    }
    fail([`duban cannot open its database ${config.DATABASE_URL}: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const { log } = deps;
  const router = createRouter();

  let ws: LongConnection | null = null;
  const app = createApp(deps, router, {
    health: () => ({ mode: config.LARK_MODE, ...(ws ? { longConnection: ws.state(), problem: ws.problem() } : {}) }),
    isLoopback: (c) => isLoopbackPeer(getConnInfo(c).remote.address),
  });
  const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT });
  log.info({ url: `http://${config.HOST}:${config.PORT}`, mode: config.LARK_MODE, db: redactSecrets(config.DATABASE_URL, secrets) }, 'duban listening');

  if (config.LARK_MODE === 'websocket') {
    ws = startLongConnection(deps, {
      appId: config.LARK_APP_ID,
      appSecret: config.LARK_APP_SECRET,
      domain: config.LARK_DOMAIN,
      dispatch: (d, envelope) => dispatchEnvelope(d, router, envelope),
    });
  }
  const cron = startCronJobs(deps);
  // `npm run job -- calendar import` writes the overrides table; pick imports up without a restart.
  const calendarTimer = setInterval(() => void deps.reloadCalendar(), CALENDAR_RELOAD_MS);
  calendarTimer.unref();
  await recoverInbox(deps, router).catch((err) => log.error({ err }, 'inbox recovery failed'));
  deps.sender.kick();
  // Events a crash left claimed but unprocessed stay leased for a minute from their claim, so
  // the recovery at start may find them still leased: look again on a timer, as the Worker
  // does on every tick.
  let recovering = false;
  const recoveryTimer = setInterval(() => {
    if (recovering) return;
    recovering = true;
    recoverInbox(deps, router)
      .catch((err) => log.error({ err }, 'inbox recovery failed'))
      .finally(() => (recovering = false));
  }, INBOX_RECOVERY_MS);
  recoveryTimer.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    cron.stop();
    clearInterval(recoveryTimer);
    clearInterval(calendarTimer);
    await ws?.stop().catch(() => {});
    server.close();
    await Promise.race([deps.settle(), new Promise((r) => setTimeout(r, SHUTDOWN_DRAIN_MS))]);
    await deps.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isEntry) {
  main().catch((err) => {
    process.stderr.write(`duban stopped: ${redactSecrets(err instanceof Error ? err.message : String(err), secrets)}\n`);
    process.exit(1);
  });
}
