/**
 * wrangler.toml against the code it deploys: the Cron Triggers are exactly the schedule
 * table's UTC crons (so Workers and Node cannot drift apart), and the settings the pinned
 * workerd and the Lark SDK need are there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOBS, jobByCron } from '../schedules/jobs.js';

const toml = readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8');
const setting = (name: string): string | undefined => new RegExp(`^${name}\\s*=\\s*(.+)$`, 'm').exec(toml)?.[1]?.trim();

function crons(): string[] {
  const m = /^\[triggers\][^[]*?^crons\s*=\s*\[([^\]]*)\]/ms.exec(toml);
  if (!m) throw new Error('wrangler.toml has no [triggers] crons');
  return [...m[1]!.matchAll(/"([^"]*)"/g)].map((x) => x[1]!);
}

describe('wrangler.toml', () => {
  it('has one Cron Trigger per job, equal to the schedule table', () => {
    expect(crons()).toEqual(JOBS.map((j) => j.utcCron));
    for (const c of crons()) expect(jobByCron(c)).toBeDefined();
  });

  it('targets what wrangler 4.86.0 can run, with nodejs_compat and the SDK fix', () => {
    const date = JSON.parse(setting('compatibility_date')!) as string;
    expect(date <= '2026-05-03').toBe(true);
    expect(setting('compatibility_flags')).toContain('"nodejs_compat"');
    expect(setting('main')).toBe('"entry/worker.ts"');
    expect(setting('__dirname')).toBe(`'"/"'`);
    // The experimental flag the test pool needs must never be deployed.
    expect(toml).not.toContain('increase_websocket_message_size');
  });

  it('keeps secrets out of [vars]', () => {
    const vars = /^\[vars\]\n([^[]*)/m.exec(toml)?.[1] ?? '';
    for (const secret of ['LARK_APP_SECRET', 'LARK_ENCRYPT_KEY', 'LARK_VERIFICATION_TOKEN', 'DATABASE_AUTH_TOKEN']) {
      expect(vars).not.toMatch(new RegExp(`^${secret}\\s*=`, 'm'));
    }
  });
});
