/**
 * The webhook's doors against an unauthenticated caller: a chunked upload is cut off at the
 * body cap while it is read (the real Node server, over HTTP); every request that fails
 * authentication gets one and the same answer, whatever step failed (no padding oracle); and
 * webhook mode refuses to start without an Encrypt Key (the real process).
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../bot/app.js';
import { configOf } from '../../bot/worker-deps.js';
import { ConfigError } from '../../bot/config.js';
import { ENCRYPT_KEY, PEOPLE, TENANT, VERIFICATION_TOKEN, testBot, type TestBot } from '../helpers/app.js';
import { encrypt, messageEvent, signedRequest, urlVerification } from '../../bot/sandbox/fake-lark/events.js';
import { rowCounts } from './support.js';

let bot: TestBot;
let server: ServerType;
let port: number;

beforeAll(async () => {
  bot = await testBot();
  // The server `npm start` runs: @hono/node-server in front of the same app.
  await new Promise<void>((ready) => {
    server = serve({ fetch: (req) => bot.app.fetch(req), hostname: '127.0.0.1', port: 0 }, () => ready());
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await bot?.close();
});

interface Upload {
  status: number;
  body: string;
  /** Bytes the client had handed to the socket when the answer came (or it stopped). */
  written: number;
}

/**
 * Streams `chunk` again and again with Transfer-Encoding: chunked (no content-length) until the
 * server answers or `max` bytes are out, then ends the request.
 */
function chunkedUpload(chunk: Buffer, max: number, headers: Record<string, string> = {}): Promise<Upload> {
  return new Promise((done, fail) => {
    let written = 0;
    let answered = false;
    const req = http.request(
      { host: '127.0.0.1', port, path: '/lark/events', method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        answered = true;
        const at = written;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          req.destroy();
          done({ status: res.statusCode ?? 0, body: text, written: at });
        });
      },
    );
    req.on('error', (err) => {
      if (!answered) fail(err);
    });
    const pump = () => {
      while (!answered && written < max) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('the body cap while reading', () => {
  it('answers 413 to a chunked upload at the cap, before the rest is sent, and writes nothing', async () => {
    const before = await rowCounts(bot.deps.db);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    // Without a limit while reading, the server would wait for all 64 MB, then refuse.
    const r = await chunkedUpload(chunk, 64 * 1024 * 1024);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ error: 'body too large' });
    expect(r.written).toBeLessThan(16 * 1024 * 1024);
    expect(await rowCounts(bot.deps.db)).toEqual(before);
  });

  it('refuses a chunked upload that starts like a signed event the same way', async () => {
    const { headers } = signedRequest(messageEvent({ text: 'x', chatId: 'oc_x', sender: PEOPLE.zhang.openId }), {
      encryptKey: ENCRYPT_KEY,
      verificationToken: VERIFICATION_TOKEN,
    });
    const r = await chunkedUpload(Buffer.from(`{"encrypt":"${'A'.repeat(32 * 1024)}`), 32 * 1024 * 1024, headers);
    expect(r.status).toBe(413);
    expect(r.written).toBeLessThan(16 * 1024 * 1024);
  });

  it('still takes a genuine event sent chunked, under the cap', async () => {
    const chatId = bot.fake.p2pChatOf(PEOPLE.zhang.openId);
    const messageId = 'om_chunked_ok';
    bot.fake.userSays({ sender: PEOPLE.zhang.openId, text: '/帮助', chatId, messageId });
    const env = messageEvent({ text: '/帮助', chatId, chatType: 'p2p', sender: PEOPLE.zhang.openId, tenantKey: TENANT, messageId, time: bot.clock.now() });
    const { body, headers } = signedRequest(env, { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, timestamp: bot.clock.now() });
    const bytes = Buffer.from(body);
    const status = await new Promise<number>((done, fail) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/lark/events', method: 'POST', headers }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      });
      req.on('error', fail);
      for (let i = 0; i < bytes.length; i += 100) req.write(bytes.subarray(i, i + 100));
      req.end();
    });
    expect(status).toBe(200);
    await bot.settle();
    expect(bot.fake.messages.some((m) => m.replyTo === messageId)).toBe(true);
  });

  it('keeps the cap where it was', () => expect(MAX_BODY_BYTES).toBe(256 * 1024));
});

describe('one answer for every authentication failure', () => {
  it('answers the same 401 whatever step failed: no padding or JSON oracle on unsigned bodies', async () => {
    const before = await rowCounts(bot.deps.db);
    const env = messageEvent({ text: '/帮助', chatId: 'oc_x', sender: PEOPLE.zhang.openId, tenantKey: TENANT, time: bot.clock.now() });
    const captured = signedRequest(env, { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, timestamp: bot.clock.now() });
    const cipher = Buffer.from(JSON.parse(captured.body).encrypt, 'base64');
    // An attacker flips the last byte of the second-to-last block: the padding breaks, or now and then holds.
    const flipped = Buffer.from(cipher);
    flipped[flipped.length - 17]! ^= 0x5a;
    const plainHeaders = { 'content-type': 'application/json' };
    const cases: Array<[string, string | Uint8Array<ArrayBuffer>, Record<string, string>]> = [
      ['a captured event without its signature', captured.body, plainHeaders],
      ['the same with a changed block (padding broken)', JSON.stringify({ encrypt: flipped.toString('base64') }), plainHeaders],
      ['good padding around text that is not JSON', JSON.stringify({ encrypt: encrypt('not json', ENCRYPT_KEY) }), plainHeaders],
      ['good padding around JSON that is no challenge', JSON.stringify({ encrypt: encrypt('{"a":1}', ENCRYPT_KEY) }), plainHeaders],
      ['a challenge with the wrong token', JSON.stringify({ encrypt: encrypt(JSON.stringify(urlVerification('c', 'nope')), ENCRYPT_KEY) }), plainHeaders],
      ['a plaintext challenge', JSON.stringify(urlVerification('c', VERIFICATION_TOKEN)), plainHeaders],
      ['a plaintext event with the right token', JSON.stringify({ ...env, header: { ...(env.header as object), token: VERIFICATION_TOKEN } }), plainHeaders],
      ['a body that is not JSON', 'not json', plainHeaders],
      ['a body that is not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), plainHeaders],
      ['an empty body', '', plainHeaders],
      ['a base64 blob too short for AES', JSON.stringify({ encrypt: 'AAAA' }), plainHeaders],
      ['a wrong signature', captured.body, { ...captured.headers, 'x-lark-signature': '0'.repeat(64) }],
      ['a stale timestamp', captured.body, { ...captured.headers, 'x-lark-request-timestamp': '1' }],
      ['garbage with a signature header', 'not json', { ...captured.headers }],
    ];
    const answers = new Set<string>();
    for (const [what, body, headers] of cases) {
      const res = await bot.app.request('/lark/events', { method: 'POST', body, headers });
      const text = await res.text();
      expect(res.status, what).toBe(401);
      answers.add(`${res.status} ${res.headers.get('content-type')} ${text}`);
    }
    expect([...answers]).toEqual(['401 application/json {"error":"unauthorized"}']);
    expect(await rowCounts(bot.deps.db)).toEqual(before);
  });

  it('keeps the genuine challenge and a genuine event working', async () => {
    const challenge = JSON.stringify({ encrypt: encrypt(JSON.stringify(urlVerification('ch-ok', VERIFICATION_TOKEN)), ENCRYPT_KEY) });
    const res = await bot.app.request('/lark/events', { method: 'POST', body: challenge, headers: { 'content-type': 'application/json' } });
    expect(await res.json()).toEqual({ challenge: 'ch-ok' });
    const ok = await bot.say({ from: 'zhang', text: '/帮助', chatType: 'p2p' });
    expect(ok.res.status).toBe(200);
  });
});

describe('webhook mode needs the Encrypt Key', () => {
  const base = {
    PATH: process.env.PATH,
    LARK_APP_ID: 'cli_test_app',
    LARK_APP_SECRET: 'test-app-secret',
    LARK_MODE: 'webhook',
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    LARK_DOMAIN: 'http://127.0.0.1:9',
    DATABASE_URL: 'file::memory:',
  };

  it('npm start refuses to start with only the verification token, saying why and how', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'entry/main.ts'], { env: base, encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('LARK_ENCRYPT_KEY');
    expect(r.stderr).toMatch(/forge/);
    expect(r.stderr).toMatch(/Encrypt Key/);
    expect(r.stderr).toMatch(/LARK_MODE=websocket/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a Worker is webhook-only: its configuration needs the key too, whatever LARK_MODE says', () => {
    const env = { ...base, LARK_MODE: 'websocket', DATABASE_URL: 'libsql://db.example.turso.io', DATABASE_AUTH_TOKEN: 't' };
    expect(() => configOf(env)).toThrow(ConfigError);
    expect(() => configOf(env)).toThrow(/LARK_ENCRYPT_KEY/);
    expect(configOf({ ...env, LARK_ENCRYPT_KEY: 'k' }).LARK_MODE).toBe('webhook');
  });
});
