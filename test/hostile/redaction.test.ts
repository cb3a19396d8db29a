/**
 * Credentials never reach what is printed: a database that cannot be opened is named without
 * its authToken (libsql:// and http:// forms, user:password@ too) by `npm start` and by the
 * job command, and the logger takes them out of messages and errors.
 */
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from '../../bot/log.js';
import { redactSecrets } from '../../bot/redact.js';

const TOKEN = 'eyJhbGciOiJFZERTQSJ9.SEKRET-in-url';
const HEADER_TOKEN = 'SEKRET-auth-token-value';
const base = {
  PATH: process.env.PATH,
  LARK_APP_ID: 'cli_test_app',
  LARK_APP_SECRET: 'test-app-secret',
  LARK_DOMAIN: 'http://127.0.0.1:9',
  DATABASE_AUTH_TOKEN: HEADER_TOKEN,
  LOG_LEVEL: 'info',
};
// Port 9 (discard) is closed here: every one of these fails to open.
const URLS = [`libsql://127.0.0.1:9?authToken=${TOKEN}`, `http://127.0.0.1:9/?authToken=${TOKEN}`, `http://admin:${TOKEN}@127.0.0.1:9`];

function run(entry: string[], url: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...entry], {
    env: { ...base, DATABASE_URL: url },
    encoding: 'utf8',
    cwd: process.cwd(),
    timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('credentials are redacted', () => {
  it.each(URLS)('npm start with %s says it cannot open the database, without the token', (url) => {
    const r = run(['entry/main.ts'], url);
    expect(r.status).toBe(1);
    expect(r.output).toContain('cannot open its database');
    expect(r.output).toContain('127.0.0.1:9');
    expect(r.output).not.toContain('SEKRET');
  });

  it.each(URLS)('npm run job -- chase with %s, likewise', (url) => {
    const r = run(['schedules/cli.ts', 'chase'], url);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('cannot open the database');
    expect(r.output).not.toContain('SEKRET');
  });

  it('the logger takes tokens out of messages, fields and errors (their causes too)', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino(loggerOptions('info', [HEADER_TOKEN]), sink);
    const err = new Error(`connect ECONNREFUSED libsql://db.example?authToken=${TOKEN}`, { cause: new Error(`token ${HEADER_TOKEN} refused`) });
    log.error({ err, url: `https://u:${TOKEN}@db.example/x` }, `cannot open libsql://db.example?authToken=${TOKEN}`);
    log.warn({ err: String(err) }, 'as a string');
    log.info({ nested: { header: `Bearer ${TOKEN}` } }, 'nested');
    const all = lines.join('');
    expect(all).toContain('ECONNREFUSED');
    expect(all).toContain('authToken=***');
    expect(all).not.toContain('SEKRET');
  });

  it.each([
    ['libsql://db-org.turso.io?authToken=abc.def', 'libsql://db-org.turso.io?authToken=***'],
    ['http://127.0.0.1:8080/?tls=0&authToken=abc', 'http://127.0.0.1:8080/?tls=0&authToken=***'],
    ['https://user:pa55@db.example/', 'https://***@db.example/'],
    ['Authorization: Bearer t-123.abc', 'Authorization: Bearer ***'],
    ['file:./data/duban.db', 'file:./data/duban.db'],
  ])('%s → %s', (input, out) => expect(redactSecrets(input)).toBe(out));
});
