/**
 * The Worker entry (entry/worker.ts `fetch`, run here on Node with a stand-in ExecutionContext):
 * when Lark's bot-info call fails, anonymous requests arriving meanwhile do not each ask Lark
 * again — the failure is remembered for FAILED_LOOKUP_TTL_MS — and they get a 503.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import worker from '../../entry/worker.js';
import { FAILED_LOOKUP_TTL_MS, forgetIsolateCaches } from '../../bot/worker-deps.js';

let server: http.Server;
let url: string;
const hits: string[] = [];

beforeAll(async () => {
  // A Lark that fails every call with a 500: the tenant token and bot info never come.
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":99991400,"msg":"down"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  forgetIsolateCaches();
});

describe('Workers: failed lookups are remembered briefly', () => {
  it('anonymous hits while bot info and the database fail ask each once, not once per hit', async () => {
    forgetIsolateCaches();
    const env = {
      LARK_APP_ID: 'cli_worker_test',
      LARK_APP_SECRET: 'worker-test-secret',
      LARK_ENCRYPT_KEY: 'k',
      LARK_DOMAIN: url,
      // The same failing server stands in for the remote database (every answer a 500).
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
    };
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
    const hit = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await worker.fetch!(new Request('https://duban.example.workers.dev/healthz') as never, env as never, ctx as never);
        expect(res.status).toBe(503);
      }
      await new Promise((r) => setTimeout(r, 1_000));
    };
    await hit(10);
    const lark = () => hits.filter((h) => h.startsWith('/open-apis')).length;
    const db = () => hits.filter((h) => !h.startsWith('/open-apis')).length;
    const [larkFirst, dbFirst] = [lark(), db()];
    expect(larkFirst).toBeGreaterThan(0);
    expect(dbFirst).toBeGreaterThan(0);
    await hit(10);
    expect(lark()).toBe(larkFirst);
    expect(db()).toBe(dbFirst);
    expect(FAILED_LOOKUP_TTL_MS).toBe(30_000);
  });
});
