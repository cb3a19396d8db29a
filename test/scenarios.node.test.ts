/**
 * The shared webhook and job scenarios (test/scenarios) on the Node composition root, with
 * the embedded libSQL file: the same scenarios run inside workerd in test/worker/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createApp } from '../bot/app.js';
import { createRouter } from '../handlers/index.js';
import { FixedClock } from '../bot/clock.js';
import { loadConfig } from '../bot/config.js';
import { createLogger } from '../bot/log.js';
import { createNodeDeps, type NodeDeps } from '../bot/node-deps.js';
import { nextDueAt } from '../db/outbox.js';
import { isJobName, runJob } from '../schedules/jobs.js';
import * as directory from './scenarios/directory.js';
import type { Harness } from './scenarios/harness.js';
import { localFake } from './scenarios/local-fake.js';
import { APP_ID, APP_SECRET, BOT_ENV, BOT_NAME, BOT_OPEN_ID, TENANT, furnish } from './scenarios/office.js';
import * as tasks from './scenarios/tasks.js';
import * as webhook from './scenarios/webhook.js';
import { FakeLark } from '../bot/sandbox/fake-lark/server.js';

let h: Harness;
let close: () => Promise<void>;

/**
 * Node's scheduler calls runJob with the clock's now (schedules/node.ts), so a job "at" a
 * moment runs with the clock set there; the clock otherwise starts at the real time, like a
 * Worker's.
 */
async function nodeHarness(): Promise<{ h: Harness; close(): Promise<void> }> {
  const clock = new FixedClock(new Date());
  const fake = new FakeLark({ appId: APP_ID, appSecret: APP_SECRET, botOpenId: BOT_OPEN_ID, botName: BOT_NAME, tenantKey: TENANT, now: () => clock.now() });
  furnish(fake);
  const { url } = await fake.start();
  const dir = mkdtempSync(join(tmpdir(), 'duban-scenarios-'));
  const config = loadConfig({
    ...BOT_ENV,
    LOG_LEVEL: process.env.LOG_LEVEL ?? BOT_ENV.LOG_LEVEL,
    LARK_DOMAIN: url,
    DATABASE_URL: `file:${join(dir, 'duban.db')}`,
  });
  const deps: NodeDeps = await createNodeDeps(config, { clock, log: createLogger(config.LOG_LEVEL) });
  const app = createApp(deps, createRouter());
  /**
   * Waits for deferred work, then lets time pass for retries a rate limit pushed a second or
   * two ahead: the clock stands still otherwise, and a retry never comes due on a still clock.
   */
  const settle = async (budgetMs = 15_000) => {
    const end = Date.now() + budgetMs;
    for (;;) {
      await deps.settle();
      const next = await nextDueAt(deps.db);
      if (!next) return;
      const wait = next.getTime() - clock.now().getTime();
      if (Date.now() + Math.max(0, wait) > end) return;
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
        clock.advance(wait);
      }
      deps.sender.kick();
    }
  };
  const harness: Harness = {
    runtime: 'node',
    now: () => clock.now(),
    postRaw: async (body, headers) => app.request('/lark/events', { method: 'POST', body, headers }),
    settle: () => settle(),
    async runJob(name, now) {
      if (!isJobName(name)) throw new Error(`no job ${name}`);
      clock.set(now);
      await runJob(deps, name, now);
      await settle();
    },
    async query(sql, args = []) {
      return (await deps.handle.client.execute({ sql, args })).rows as never;
    },
    fake: localFake(fake),
  };
  return {
    h: harness,
    async close() {
      await deps.settle().catch(() => {});
      await deps.close();
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

beforeAll(async () => {
  ({ h, close } = await nodeHarness());
});
afterAll(() => close?.());

describe('webhook on Node', () => {
  it('answers the url_verification challenge', () => webhook.urlVerificationIsAnswered(h));
  it('decodes Chinese text that straddles AES blocks exactly', () => webhook.chineseTextSurvivesDecryption(h));
  it('refuses forged deliveries with 401 and writes nothing', () => webhook.forgedRequestsChangeNothing(h));
  it('processes a redelivered event once', () => webhook.redeliveryIsProcessedOnce(h));
});

describe('tasks and jobs on Node', () => {
  it('/交办 in Chinese creates the task and its cards reach Lark', async () => {
    await tasks.assignCreatesTaskAndCards(h);
  });
  it('the chase job sends the overdue reminder once', () => tasks.chaseSendsOverdueReminderOnce(h));
  it('an urgent task card Lark refused once goes out with its 加急 before the request ends', () => tasks.urgentCardRefusedOnceGoesOutWithItsUrgent(h));
});

describe('Lark lookups on Node', () => {
  it('in a new group its owner sets the 督办领导: chat name, owner and department come from Lark', () => directory.groupOwnerSettingsLearnNamesFromLark(h));
});
