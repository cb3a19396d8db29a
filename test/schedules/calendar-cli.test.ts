/**
 * `npm run job -- calendar import <file>` on the State Council's notice text and
 * `calendar show <year>`, through the job command's entry point on a real libSQL file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../schedules/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-cal-'));
const env = { DATABASE_URL: `file:${join(dir, 'cal.db')}`, LOG_LEVEL: 'silent' };
async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}
const fixture = (year: number) => fileURLToPath(new URL(`../fixtures/calendar/notice-${year}.txt`, import.meta.url));

describe('calendar import and show', () => {
  it('2027 before an import is provisional, with its statutory days marked', async () => {
    const r = await cli('calendar', 'show', '2027');
    expect(r.code).toBe(0);
    expect(r.out[0]).toContain('PROVISIONAL');
    expect(r.out.join('\n')).toContain('2027-01-01 元旦 (statutory)');
    expect(r.out.join('\n')).toContain('2027-02-08 春节 (statutory)');
  });

  it('refuses a notice line it cannot read and writes nothing', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。\n二、春节：待定。\n');
    const r = await cli('calendar', 'import', bad);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain('line 3: cannot read "待定"');
    expect((await cli('calendar', 'show', '2027')).out[0]).toContain('PROVISIONAL');
  });

  it('imports a published notice, printing each day it understood', async () => {
    const r = await cli('calendar', 'import', fixture(2026));
    expect(r.code).toBe(0);
    expect(r.out).toContain('  2026-01-04 周日 班 workday 元旦调休');
    expect(r.out).toContain('  2026-02-15 周日 休 holiday 春节');
    expect(r.out.at(-1)).toContain('for 2026');
  });

  it('a notice for 2027 with --year: the days come from the import, the year is no longer provisional', async () => {
    const notice = join(dir, 'n27.txt');
    writeFileSync(
      notice,
      '一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。\n二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。2月14日（周日）上班。\n',
    );
    expect((await cli('calendar', 'import', notice, '--year', '2027')).code).toBe(0);
    const show = (await cli('calendar', 'show', '2027')).out.join('\n');
    expect(show).not.toContain('PROVISIONAL');
    expect(show).toContain('2027-02-09 春节 (imported)');
    expect(show).toContain('2027-02-14 春节调休 (imported)');
    // Days the notice does not list still follow the law.
    expect(show).toContain('2027-10-01 国庆节 (statutory)');
  });
});
