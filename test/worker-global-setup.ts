/**
 * Node side of the `worker` test project: starts what the Worker under test talks to, on
 * 127.0.0.1 — a remote libSQL database (the Hrana test server, migrated with the committed
 * migrations, as drizzle-kit would do before a deploy) and the fake Lark Open API — plus a
 * small control server through which the tests, inside workerd, read the fake's records and
 * set its faults and add people and chats to it.
 * Hands their addresses to the pool as the Worker's bindings (vitest.config.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { TestProject } from 'vitest/node';
import { openDb } from '../db/node.js';
import { FakeLark } from '../bot/sandbox/fake-lark/server.js';
import { startHranaServer } from './support/hrana-server.js';
import { APP_ID, APP_SECRET, BOT_ENV, BOT_NAME, BOT_OPEN_ID, TENANT, furnish } from './scenarios/office.js';
import { localFake, sentMessages } from './scenarios/local-fake.js';

/** The fake's records as plain JSON, its faults to set and its directory to add to, for the tests inside workerd. */
export function controlApp(fake: FakeLark): Hono {
  const app = new Hono();
  app.get('/messages', (c) => c.json(sentMessages(fake)));
  app.get('/urgents', async (c) => c.json(await localFake(fake).urgents()));
  app.post('/fail-next', async (c) => {
    const { n, fault } = await c.req.json<{ n: number; fault: Parameters<FakeLark['failNext']>[1] }>();
    fake.failNext(n, fault);
    return c.json({});
  });
  app.post('/latency', async (c) => {
    fake.setLatency((await c.req.json<{ ms: number }>()).ms);
    return c.json({});
  });
  app.post('/clear-faults', (c) => {
    fake.clearFaults();
    return c.json({});
  });
  app.post('/users', async (c) => {
    await localFake(fake).addUser(await c.req.json());
    return c.json({});
  });
  app.post('/chats', async (c) => {
    await localFake(fake).addChat(await c.req.json());
    return c.json({});
  });
  return app;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-worker-'));
  const hrana = await startHranaServer({ path: join(dir, 'duban.db'), port: 0 });
  const migrated = await openDb(hrana.url);
  migrated.client.close();

  // Real time and no rate limits: the Worker's clock cannot be set, and the scenarios are small.
  const fake = new FakeLark({ appId: APP_ID, appSecret: APP_SECRET, botOpenId: BOT_OPEN_ID, botName: BOT_NAME, tenantKey: TENANT });
  furnish(fake);
  const { url: larkUrl } = await fake.start();

  const control = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: controlApp(fake).fetch, hostname: '127.0.0.1', port: 0, overrideGlobalObjects: false }, () => resolve(s as Server)) as Server;
  });
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;

  project.provide('workerBindings', { ...BOT_ENV, LOG_LEVEL: process.env.LOG_LEVEL ?? BOT_ENV.LOG_LEVEL, DATABASE_URL: hrana.url, LARK_DOMAIN: larkUrl });
  project.provide('fakeControlUrl', controlUrl);

  return async () => {
    control.closeAllConnections();
    await new Promise<void>((r) => control.close(() => r()));
    await fake.stop();
    await hrana.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
