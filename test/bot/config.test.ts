import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';

const ok = { LARK_APP_ID: 'cli_a1b2c3d4e5f60718', LARK_APP_SECRET: 'secret-secret' };

describe('configuration', () => {
  it('fills the documented defaults', () => {
    const c = loadConfig(ok);
    expect(c).toMatchObject({
      LARK_DOMAIN: 'feishu',
      LARK_MODE: 'websocket',
      DATABASE_URL: 'file:./data/duban.db',
      PORT: 3000,
      DUBAN_TZ: 'Asia/Shanghai',
      DUBAN_LANG: 'zh',
    });
  });

  it('reports every problem at once, one line each', () => {
    try {
      loadConfig({
        LARK_APP_ID: 'app',
        LARK_MODE: 'webhook',
        PORT: 'eighty',
        DUBAN_TZ: 'Mars/Base',
        DUBAN_LANG: 'fr',
        LARK_DOMAIN: 'ftp://x',
        DATABASE_URL: 'postgres://x',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const lines = (err as ConfigError).problems;
      for (const v of ['LARK_APP_ID', 'LARK_APP_SECRET', 'PORT', 'DUBAN_TZ', 'DUBAN_LANG', 'LARK_DOMAIN', 'DATABASE_URL']) {
        expect(lines.some((l) => l.startsWith(`${v}:`))).toBe(true);
      }
    }
  });

  it('webhook mode needs a way to authenticate events', () => {
    expect(() => loadConfig({ ...ok, LARK_MODE: 'webhook' })).toThrow(/LARK_ENCRYPT_KEY/);
    expect(loadConfig({ ...ok, LARK_MODE: 'webhook', LARK_ENCRYPT_KEY: 'k' }).LARK_MODE).toBe('webhook');
  });

  it('the entry point exits non-zero with one line per problem and no stack trace', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'entry/main.ts'], {
      env: { PATH: process.env.PATH, LARK_APP_ID: 'nope' },
      encoding: 'utf8',
      cwd: process.cwd(),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('LARK_APP_ID:');
    expect(r.stderr).toContain('LARK_APP_SECRET:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
