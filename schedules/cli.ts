/**
 * The job command (SPEC §7): runs one scheduled job once, for operators catching up after
 * downtime and for tests, then drains the outbox and prints a one-line summary.
 *
 *   npm run job -- <chase|revisit|digest|deliver> [--now <ISO time>]
 *   npm run job -- verify-ledger
 *   npm run job -- calendar import <file> [--year 2027]   (the State Council's notice text, JSON or CSV)
 *   npm run job -- calendar show [year]
 *
 * Exit status 0 on success; 1 when the job fails or the ledger is broken; 2 for a usage or
 * configuration problem (one line each, no stack trace).
 */
import { existsSync, readFileSync } from 'node:fs';
import { clockFrom, systemClock } from '../bot/clock.js';
import { ConfigError, loadConfig, type Config } from '../bot/config.js';
import { statutoryNameOf, WorkCalendar, weekdayOf, type CalendarOverride } from '../bot/domain/calendar.js';
import { statutoryHolidays } from '../bot/domain/holidays.js';
import { parseCalendarImport } from '../bot/domain/calendar-import.js';
import { createLogger } from '../bot/log.js';
import { redactSecrets, secretsOf } from '../bot/redact.js';
import { LarkApiError } from '../bot/lark/api.js';
import { createNodeDeps, type NodeDeps } from '../bot/node-deps.js';
import { countOverridesOf, loadCalendar, saveOverrides } from '../db/calendar.js';
import { openDb } from '../db/node.js';
import { isJobName, runJob } from './jobs.js';
import { runVerifyLedger } from './verify-ledger.js';

const USAGE = [
  'usage: npm run job -- <chase|revisit|digest|deliver> [--now <ISO time>]',
  '       npm run job -- verify-ledger',
  '       npm run job -- calendar import <file> [--year 2027]',
  '       npm run job -- calendar show [year]',
];

const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** How long the command keeps delivering what the job queued before it reports and exits. */
const DRAIN_MS = 60_000;

class UsageError extends Error {}

/** What went wrong, for people: one line each, never a stack trace. */
class Failure extends Error {
  constructor(
    readonly lines: string[],
    readonly code = 1,
  ) {
    super(lines.join('\n'));
  }
}

interface Out {
  out(line: string): void;
  err(line: string): void;
}

function parseArgs(argv: string[]): { positional: string[]; now: Date | null; year?: number } {
  const positional: string[] = [];
  let now: Date | null = null;
  let year: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--year' || a.startsWith('--year=')) {
      const v = a === '--year' ? argv[++i] : a.slice('--year='.length);
      if (!v || !/^\d{4}$/.test(v)) throw new UsageError(`--year needs a year such as 2027 (got ${v ?? 'nothing'})`);
      year = Number(v);
    } else if (a === '--now' || a.startsWith('--now=')) {
      const v = a === '--now' ? argv[++i] : a.slice('--now='.length);
      const d = v ? new Date(v) : null;
      if (!v || !d || Number.isNaN(d.getTime())) throw new UsageError(`--now needs an ISO time such as 2026-12-02T09:30:00+08:00 (got ${v ?? 'nothing'})`);
      now = d;
    } else if (a === '--help' || a === '-h') {
      throw new UsageError('');
    } else if (a.startsWith('--')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  return { positional, now, year };
}

function config(env: Record<string, string | undefined>, needsLark: boolean): Config {
  // Commands that never talk to Lark (calendar, verify-ledger) run with the database settings alone.
  const filled = needsLark ? env : { LARK_APP_ID: 'cli_offline', LARK_APP_SECRET: 'offline-secret', LARK_MODE: 'websocket', ...env };
  try {
    return loadConfig(filled);
  } catch (err) {
    if (err instanceof ConfigError) throw new Failure(['duban job: fix these settings (see .env.example):', ...err.problems.map((p) => `  ${p}`)], 2);
    throw err;
  }
}

async function runScheduled(name: string, now: Date | null, env: Record<string, string | undefined>, io: Out): Promise<void> {
  if (!isJobName(name) || name === 'housekeeping') throw new UsageError(`unknown job ${name}`);
  const cfg = config(env, true);
  const clock = now ? clockFrom(now) : systemClock;
  let deps: NodeDeps;
  try {
    deps = await createNodeDeps(cfg, { clock, log: createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, secretsOf(cfg)), autoSend: false });
  } catch (err) {
    if (err instanceof LarkApiError) {
      throw new Failure([
        `duban job: cannot reach Lark as app ${cfg.LARK_APP_ID}: ${err.message} (code ${err.code}, HTTP ${err.status}); check LARK_DOMAIN, LARK_APP_ID and LARK_APP_SECRET.`,
      ]);
    }
    throw new Failure([`duban job: cannot open the database ${redactSecrets(cfg.DATABASE_URL)}: ${err instanceof Error ? err.message : String(err)}`]);
  }
  try {
    const at = clock.now();
    let result: Record<string, unknown>;
    try {
      result = await runJob(deps, name, at);
    } catch (err) {
      deps.log.error({ err, job: name }, 'job failed');
      throw new Failure([`duban job: ${name} failed: ${err instanceof Error ? err.message : String(err)}`]);
    }
    const sent = name === 'deliver' ? null : await deps.drainUntilQuiet(Date.now() + DRAIN_MS);
    const parts = Object.entries(result).map(([k, v]) => `${k} ${String(v)}`);
    if (sent) parts.push(`sent ${sent.sent}`, `failed ${sent.failed}`, `retried ${sent.retried}`);
    io.out(`${name} at ${at.toISOString()}: ${parts.join(', ')}`);
  } finally {
    await deps.close();
  }
}

async function runVerify(env: Record<string, string | undefined>, io: Out): Promise<void> {
  const cfg = config(env, false);
  const handle = await openDb(cfg.DATABASE_URL, cfg.DATABASE_AUTH_TOKEN);
  try {
    const r = await runVerifyLedger({ db: handle.db, log: createLogger('warn') });
    if (!r.ok) {
      throw new Failure([`verify-ledger: BROKEN after ${r.checked} events: ${JSON.stringify(r.broken)}`]);
    }
    io.out(`verify-ledger: ok, ${r.checked} events`);
  } finally {
    handle.client.close();
  }
}

async function runCalendar(args: string[], env: Record<string, string | undefined>, io: Out, opts: { year?: number } = {}): Promise<void> {
  const [sub, arg] = args;
  const cfg = config(env, false);
  if (sub === 'import') {
    if (!arg) throw new UsageError('calendar import needs a file');
    if (!existsSync(arg)) throw new Failure([`calendar import: no such file ${arg}`]);
    let days: CalendarOverride[];
    try {
      days = parseCalendarImport(readFileSync(arg, 'utf8'), { year: opts.year });
    } catch (err) {
      throw new Failure([err instanceof Error ? err.message : String(err)]);
    }
    if (days.length === 0) throw new Failure([`calendar import: ${arg} lists no days`]);
    const handle = await openDb(cfg.DATABASE_URL, cfg.DATABASE_AUTH_TOKEN);
    try {
      await saveOverrides(handle.db, days);
    } finally {
      handle.client.close();
    }
    const years = [...new Set(days.map((d) => d.date.slice(0, 4)))].sort();
    const holidays = days.filter((d) => d.kind === 'holiday').length;
    // What was understood, day by day, before the summary.
    for (const d of [...days].sort((a, b) => (a.date < b.date ? -1 : 1))) {
      io.out(`  ${d.date} ${WEEKDAY_ZH[weekdayOf(d.date)]} ${d.kind === 'holiday' ? '休 holiday' : '班 workday'}${d.name ? ` ${d.name}` : ''}`);
    }
    io.out(
      `calendar import: ${days.length} days for ${years.join(', ')} (${holidays} holidays, ${days.length - holidays} make-up workdays); a running bot picks them up within 5 minutes`,
    );
    return;
  }
  if (sub === 'show') {
    const handle = await openDb(cfg.DATABASE_URL, cfg.DATABASE_AUTH_TOKEN);
    let cal: WorkCalendar;
    let imported: number;
    const year = arg ? Number(arg) : Number(new WorkCalendar({ tz: cfg.DUBAN_TZ }).localDate(systemClock.now()).slice(0, 4));
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError(`calendar show needs a year such as 2027 (got ${arg})`);
    try {
      cal = await loadCalendar(handle, cfg.DUBAN_TZ);
      imported = await countOverridesOf(handle.db, year);
    } finally {
      handle.client.close();
    }
    const provisional = cal.isProvisional(year);
    const offs: string[] = [];
    const makeups: string[] = [];
    let workdays = 0;
    for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
      const ymd = d.toISOString().slice(0, 10);
      const work = cal.isWorkday(ymd);
      if (work) workdays++;
      const weekend = cal.weekday(ymd) >= 6;
      const source = cal.sourceOf(ymd);
      const name = cal.override(ymd)?.name ?? statutoryNameOf(ymd);
      const mark = source === 'imported' ? 'imported' : source === 'official' ? 'chinese-days' : statutoryNameOf(ymd) ? 'statutory' : '';
      const label = [ymd, name, mark && `(${mark})`].filter(Boolean).join(' ');
      if (!work && !weekend) offs.push(label);
      if (work && weekend) makeups.push(label);
    }
    const source = provisional
      ? 'PROVISIONAL — no State Council schedule yet: statutory holidays and weekends are off, 调休 unknown; import the notice with: npm run job -- calendar import <file>'
      : imported
        ? `${imported} imported days`
        : 'chinese-days';
    io.out(`calendar ${year}: ${workdays} working days; source ${source}`);
    if (provisional) {
      const statutory = (statutoryHolidays(year) ?? []).map((h) => `${h.date} ${h.name}`);
      io.out(`  statutory holidays: ${statutory.join(', ') || 'none known for this year'}`);
    }
    io.out(`  holidays on weekdays: ${offs.join(', ') || 'none'}`);
    io.out(`  make-up working days: ${makeups.join(', ') || 'none'}`);
    return;
  }
  throw new UsageError(`calendar needs import <file> or show [year]`);
}

/** Runs the command; returns the exit status. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env, out: Out = defaultOut): Promise<number> {
  // Whatever is printed (a database error quoting its URL) leaves the credentials out.
  const secrets = secretsOf(env);
  const io: Out = { out: out.out, err: (l) => out.err(redactSecrets(l, secrets)) };
  try {
    const { positional, now, year } = parseArgs(argv);
    const [cmd, ...rest] = positional;
    if (!cmd) throw new UsageError('');
    if (cmd === 'calendar') await runCalendar(rest, env, io, { year });
    else if (cmd === 'verify-ledger') await runVerify(env, io);
    else await runScheduled(cmd, now, env, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) io.err(`duban job: ${err.message}`);
      for (const l of USAGE) io.err(l);
      return 2;
    }
    if (err instanceof Failure) {
      for (const l of err.lines) io.err(l);
      return err.code;
    }
    io.err(`duban job: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

const defaultOut: Out = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isEntry) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`duban job: ${redactSecrets(err instanceof Error ? err.message : String(err), secretsOf(process.env))}\n`);
      process.exit(1);
    },
  );
}
