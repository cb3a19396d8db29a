/**
 * SPEC §10: "chase scan over 100,000 open tasks < 1 s, and its cost grows with the tasks that
 * are due, not with all tasks". The same 500 due tasks (overdue, due tomorrow, unsigned) sit
 * among 10k, 100k and 1M open tasks that are not due (deadlines weeks away, recent progress),
 * in an embedded libSQL file migrated like production. For each size: the first run (plans
 * and claims every reminder: 500-odd transactions), then the steady-state scan (everything
 * claimed, what every 5-minute tick costs), median of several; and peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bot/config.js';
import type { Deps } from '../../bot/deps.js';
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { createLogger } from '../../bot/log.js';
import type { LarkApi } from '../../bot/lark/api.js';
import { openDb } from '../../db/node.js';
import { chaseWindows, runChase } from '../../schedules/chase.js';
import { loadChaseCandidates, loosestSettings } from '../../db/reminders.js';

const NOW = new Date('2026-11-25T10:00:00+08:00'); // a Wednesday
const DUE = { overdue: 250, tomorrow: 150, unsigned: 100 };
const SIZES = [10_000, 100_000, 1_000_000];
const SCANS = 5;
const CHATS = 200;

const H = 3_600_000;
const D = 24 * H;

async function seed(client: Awaited<ReturnType<typeof openDb>>['client'], total: number): Promise<void> {
  const t = NOW.getTime();
  const due = DUE.overdue + DUE.tomorrow + DUE.unsigned;
  // Task n: the first `due` are due in one of three ways; the rest are open and quiet.
  // due_at: overdue → 2–6 days ago at 18:00-ish; tomorrow → Thursday 18:00; quiet → 20–80 days ahead.
  await client.execute(`
    WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${total})
    INSERT INTO tasks (tenant_key, number, title, priority, state, creator_id, supervisor_id, chat_id,
                       due_at, original_due_at, created_at, updated_at, accepted_at, last_progress_at, is_open)
    SELECT 'tenant_bench', n, '事项 ' || n,
           CASE WHEN n % 7 = 0 THEN 'urgent' ELSE 'normal' END,
           CASE WHEN n > ${DUE.overdue + DUE.tomorrow} AND n <= ${due} THEN 'assigned' ELSE 'in_progress' END,
           'ou_creator' || (n % 50), 'ou_boss', 'oc_chat' || (n % ${CHATS}),
           CASE
             WHEN n <= ${DUE.overdue} THEN ${t} - ${2 * D} - (n % 4) * ${D}
             WHEN n <= ${DUE.overdue + DUE.tomorrow} THEN ${t + D + 8 * H}
             ELSE ${t + 20 * D} + (n % 60) * ${D}
           END,
           NULL,
           CASE WHEN n > ${DUE.overdue + DUE.tomorrow} AND n <= ${due} THEN ${t - 3 * H} ELSE ${t - 10 * D} END,
           ${t - D},
           CASE WHEN n > ${DUE.overdue + DUE.tomorrow} AND n <= ${due} THEN NULL ELSE ${t - 10 * D} END,
           CASE WHEN n > ${DUE.overdue + DUE.tomorrow} AND n <= ${due} THEN NULL ELSE ${t - D} - (n % 5) * ${H} END,
           1
    FROM seq`);
  await client.execute(`
    INSERT INTO task_assignees (task_id, user_id, role, accepted_at, position)
    SELECT id, 'ou_staff' || (id % 300), 'lead', accepted_at, 0 FROM tasks`);
  await client.execute('ANALYZE');
}

function deps(db: Awaited<ReturnType<typeof openDb>>['db'], url: string): Deps {
  const config = loadConfig({ LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'bench-secret', DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const lark = new Proxy({}, { get: () => async () => Promise.reject(new Error('no Lark in the chase bench')) }) as unknown as LarkApi;
  return {
    db,
    lark,
    clock: { now: () => NOW },
    log: createLogger('silent'),
    config,
    botOpenId: 'ou_bot',
    calendar: new WorkCalendar({ tz: config.DUBAN_TZ }),
    defer: () => {},
    kickOutbox: () => {},
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

export async function benchChase(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {
    'RSS before': `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    setup: `${DUE.overdue} overdue + ${DUE.tomorrow} due tomorrow + ${DUE.unsigned} unsigned among N open tasks, ${CHATS} chats, file database`,
  };
  for (const size of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'duban-bench-chase-'));
    const url = `file:${join(dir, 'duban.db')}`;
    const handle = await openDb(url);
    try {
      const t0 = performance.now();
      await seed(handle.client, size);
      const seedMs = performance.now() - t0;
      const d = deps(handle.db, url);
      const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;

      const windows = chaseWindows(d, NOW, await loosestSettings(d.db));
      const c0 = performance.now();
      const candidates = await loadChaseCandidates(d.db, windows);
      const loadMs = performance.now() - c0;

      const f0 = performance.now();
      const first = await runChase(d, NOW);
      const firstMs = performance.now() - f0;

      const scans: number[] = [];
      let steady = first;
      for (let i = 0; i < SCANS; i++) {
        const s0 = performance.now();
        steady = await runChase(d, new Date(NOW.getTime() + (i + 1) * 60_000));
        scans.push(performance.now() - s0);
      }
      out[`${label} open: seeded in`] = `${(seedMs / 1000).toFixed(1)} s`;
      out[`${label} open: candidates loaded`] = `${candidates.length} in ${ms(loadMs)}`;
      out[`${label} open: first run (plan + claim + enqueue)`] = `${ms(firstMs)}, planned ${first.planned}, claimed ${first.claimed}`;
      out[`${label} open: steady scan (median of ${SCANS})`] = `${ms(median(scans))}, planned ${steady.planned}, claimed ${steady.claimed}`;
      out[`${label} open: RSS now / peak`] =
        `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB / ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;
      if (size === 100_000) out['target: steady scan at 100k < 1 s'] = median(scans) < 1000 ? 'met' : 'MISSED';
    } finally {
      handle.client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

if (import.meta.url.endsWith(process.argv[1]?.split('/').pop() ?? '')) {
  for (const [k, v] of Object.entries(await benchChase())) console.log(`${k}: ${v}`);
}
