/**
 * Weekly digests for 10,000 tasks in 200 chats (SPEC §10: all cards built in < 2 s), and a
 * 10,000-task 台账 export: time, the longest event-loop stall and RSS. The office is seeded straight into a libSQL file
 * (tasks, assignees, hash-chained events, chats, directory, 20 subscribed leaders); the digest
 * job then runs as in production against it; the Lark client here sends nothing (delivery is not measured).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bot/config.js';
import { canonicalJson, eventHash, genesisHash } from '../../bot/domain/chain.js';
import { computeFigures, isActiveIn, isoWeekKey, weekStartYmd, addDaysYmd } from '../../bot/domain/figures.js';
import type { Task } from '../../bot/domain/types.js';
import { leaderDigestCard, weeklySummaryCard, cardBytes } from '../../bot/cards/digest.js';
import type { LarkApi } from '../../bot/lark/api.js';
import { createLogger } from '../../bot/log.js';
import { createNodeDeps, type NodeDeps } from '../../bot/node-deps.js';
import { listChats, loadDirectory, loadFigureEvents, loadFigureTasks } from '../../db/figures.js';
import { listSubscribers } from '../../db/subscriptions.js';
import { chats, subscriptions, taskAssignees, taskEvents, tasks, users } from '../../db/schema.js';
import { toRow } from '../../db/tasks.js';
import { runDigest } from '../../schedules/digest.js';
import { leaderDigestInput, type TenantDigestData } from '../schedules/digest-reference.js';
import { LedgerTooLargeError } from '../../bot/ledger-xlsx.js';
import { LEDGER_MAX_BYTES, ledgerWorkbook } from '../../handlers/ledger.js';

const TENANT = 'tenant_bench';
const NOW = new Date('2026-12-04T16:00:00+08:00');
const DAY = 86_400_000;

/** Deterministic pseudo-random numbers, so every run seeds the same office. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function seed(deps: NodeDeps, taskCount: number, chatCount: number): Promise<{ events: number }> {
  const rand = rng(42);
  const people = Array.from({ length: 400 }, (_, i) => `ou_staff_${i}`);
  const leaders = Array.from({ length: 20 }, (_, i) => `ou_leader_${i}`);
  const chatIds = Array.from({ length: chatCount }, (_, i) => `oc_bench_${i}`);
  await deps.db.insert(users).values(
    [...people, ...leaders].map((openId, i) => ({
      openId,
      tenantKey: TENANT,
      name: openId.startsWith('ou_leader') ? `领导${i}` : `员工${i}`,
      departmentId: `od_${i % 12}`,
      departmentName: `第${i % 12}科`,
      fetchedAt: NOW,
    })),
  );
  for (let i = 0; i < chatIds.length; i += 100) {
    await deps.db.insert(chats).values(
      chatIds.slice(i, i + 100).map((chatId, j) => ({
        chatId,
        tenantKey: TENANT,
        name: `工作群${i + j}`,
        chatType: 'group',
        ownerId: leaders[(i + j) % leaders.length]!,
        settings: { supervisorId: leaders[(i + j) % leaders.length]! },
        updatedAt: NOW,
      })),
    );
  }
  await deps.db.insert(subscriptions).values(leaders.map((userId) => ({ tenantKey: TENANT, userId, createdAt: NOW })));

  let eventCount = 0;
  const BATCH = 250;
  for (let start = 0; start < taskCount; start += BATCH) {
    const taskRows: Array<ReturnType<typeof toRow> & { id: number }> = [];
    const assigneeRows: Array<typeof taskAssignees.$inferInsert> = [];
    const eventRows: Array<typeof taskEvents.$inferInsert> = [];
    for (let k = start; k < Math.min(taskCount, start + BATCH); k++) {
      const id = k + 1;
      const chatId = chatIds[k % chatIds.length]!;
      const lead = people[Math.floor(rand() * people.length)]!;
      const leadIndex = people.indexOf(lead);
      const co = people[(leadIndex + 1 + Math.floor(rand() * (people.length - 1))) % people.length]!;
      const createdAt = new Date(NOW.getTime() - Math.floor(rand() * 90 * DAY));
      const dueAt = new Date(createdAt.getTime() + Math.floor((2 + rand() * 20) * DAY));
      const r = rand();
      const state: Task['state'] = r < 0.45 ? 'done' : r < 0.5 ? 'cancelled' : r < 0.65 ? 'submitted' : r < 0.8 ? 'assigned' : 'in_progress';
      const doneAt = state === 'done' ? new Date(Math.min(NOW.getTime() - 3_600_000, dueAt.getTime() + (rand() - 0.7) * 5 * DAY)) : null;
      const extended = rand() < 0.1;
      const task: Task = {
        id,
        tenantKey: TENANT,
        number: id,
        title: `督办事项 ${id}：落实第 ${k % 37} 次会议议定事项并报送进展`,
        detail: null,
        category: (['decision', 'special', 'livelihood', null] as const)[k % 4]!,
        source: `办〔2026〕${k % 300}号`,
        priority: k % 11 === 0 ? 'urgent' : 'normal',
        state,
        creatorId: leaders[k % leaders.length]!,
        supervisorId: null,
        chatId,
        assignees: [
          { userId: lead, role: 'lead', acceptedAt: createdAt },
          { userId: co, role: 'co', acceptedAt: null },
        ],
        dueAt: extended ? new Date(dueAt.getTime() + 7 * DAY) : dueAt,
        originalDueAt: dueAt,
        revisitAt: null,
        percent: state === 'in_progress' ? Math.floor(rand() * 100) : null,
        lastProgressAt: new Date(createdAt.getTime() + DAY),
        lastProgressText: '已召开专题会议研究部署，正在按计划推进',
        pendingExtension:
          state === 'in_progress' && rand() < 0.05
            ? { dueAt: new Date(NOW.getTime() + 10 * DAY), reason: '需协调外单位', requestedBy: lead, requestedAt: NOW }
            : null,
        extensionCount: extended ? 1 : 0,
        returnCount: 0,
        chaseCount: Math.floor(rand() * 3),
        createdAt,
        updatedAt: doneAt ?? createdAt,
        acceptedAt: createdAt,
        submittedAt: doneAt ? new Date(doneAt.getTime() - 3_600_000) : state === 'submitted' ? NOW : null,
        doneAt,
        cancelledAt: state === 'cancelled' ? new Date(createdAt.getTime() + DAY) : null,
        cardMessageId: null,
        cardSentAt: null,
        version: 1,
      };
      taskRows.push({ id, ...toRow(task) });
      assigneeRows.push(
        { taskId: id, userId: lead, role: 'lead', acceptedAt: createdAt, position: 0 },
        { taskId: id, userId: co, role: 'co', acceptedAt: null, position: 1 },
      );
      const kinds: Array<[string, Date, Record<string, unknown>]> = [
        ['assigned', createdAt, { title: task.title }],
        ['accepted', new Date(createdAt.getTime() + 3_600_000), {}],
        ['progress', new Date(createdAt.getTime() + DAY), { text: task.lastProgressText, percent: 40 }],
      ];
      if (extended) kinds.push(['extension_approved', new Date(createdAt.getTime() + 2 * DAY), { dueAt: task.dueAt!.toISOString() }]);
      if (rand() < 0.3) kinds.push(['chased', new Date(NOW.getTime() - Math.floor(rand() * 4) * DAY), { day: 1 }]);
      if (doneAt) kinds.push(['submitted', task.submittedAt!, {}], ['approved', doneAt, {}]);
      kinds.sort((a, b) => a[1].getTime() - b[1].getTime());
      let prev = genesisHash(TENANT, id);
      kinds.forEach(([kind, at, payload], i) => {
        const actorId = kind === 'chased' ? 'bot' : kind === 'approved' || kind === 'assigned' ? task.creatorId : lead;
        const hash = eventHash(prev, { tenantKey: TENANT, taskId: id, seq: i + 1, kind, actorId, payload, at });
        eventRows.push({ tenantKey: TENANT, taskId: id, seq: i + 1, kind, actorId, payload: canonicalJson(payload), at, prevHash: prev, hash });
        prev = hash;
      });
      eventCount += kinds.length;
    }
    await deps.db.insert(tasks).values(taskRows);
    await deps.db.insert(taskAssignees).values(assigneeRows);
    for (let i = 0; i < eventRows.length; i += 200) await deps.db.insert(taskEvents).values(eventRows.slice(i, i + 200));
  }
  return { events: eventCount };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (t0: number) => Math.round(performance.now() - t0);

export async function benchDigest(taskCount = 10_000, chatCount = 200): Promise<Record<string, string | number>> {
  const dir = process.env.DUBAN_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'duban-bench-digest-'));
  const config = loadConfig({
    LARK_APP_ID: 'cli_bench',
    LARK_APP_SECRET: 'bench-secret',
    LARK_MODE: 'websocket',
    DATABASE_URL: `file:${join(dir, 'b.db')}`,
    LOG_LEVEL: 'silent',
  });
  const deps = await createNodeDeps(config, { log: createLogger('silent'), lark: {} as LarkApi, botOpenId: 'ou_bot', autoSend: false });
  try {
    let t0 = performance.now();
    const { events } = await seed(deps, taskCount, chatCount);
    const seedMs = ms(t0);

    // 1. Loading what the digests need (what runDigest reads once per tenant).
    const cal = deps.calendar;
    const monday = weekStartYmd(cal.localDate(NOW));
    const period = { from: cal.at(monday, '00:00'), to: NOW };
    t0 = performance.now();
    const data: TenantDigestData = {
      tasks: await loadFigureTasks(deps.db, TENANT, cal.at(addDaysYmd(monday, -49), '00:00')),
      events: await loadFigureEvents(deps.db, TENANT, period.from, NOW),
      directory: await loadDirectory(deps.db, TENANT),
      chats: await listChats(deps.db, TENANT),
    };
    const loadMs = ms(t0);

    // 2. Building every card: 200 weekly summaries and 20 leader cards (pure).
    const view = { lang: 'zh' as const, tz: config.DUBAN_TZ, now: NOW, names: data.directory.names, departmentNames: data.directory.departmentNames };
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const byChat = new Map<string, Task[]>();
    for (const t of data.tasks) {
      if (!isActiveIn(t, period)) continue;
      const list = byChat.get(t.chatId);
      if (list) list.push(t);
      else byChat.set(t.chatId, [t]);
    }
    let cards = 0;
    let maxBytes = 0;
    for (const [chatId, list] of byChat) {
      const ids = new Set(list.map((t) => t.id));
      const f = computeFigures({
        tasks: list,
        events: data.events.filter((e) => ids.has(e.taskId)),
        period,
        now: NOW,
        calendar: cal,
        departmentOf: (u) => data.directory.departmentOf[u],
      });
      maxBytes = Math.max(maxBytes, cardBytes(weeklySummaryCard(f, chatId, view)));
      cards++;
    }
    for (const leader of await listSubscribers(deps.db, TENANT)) {
      maxBytes = Math.max(maxBytes, cardBytes(leaderDigestCard(leaderDigestInput(leader, data, period, NOW, cal), view)));
      cards++;
    }
    const buildMs = ms(t0);
    const buildCpu = process.cpuUsage(cpu0);

    // 3. The whole job as production runs it: load, build, claim and enqueue each card.
    t0 = performance.now();
    const run = await runDigest(deps, NOW);
    const jobMs = ms(t0);
    t0 = performance.now();
    const again = await runDigest(deps, new Date(NOW.getTime() + 15 * 60_000));
    const rerunMs = ms(t0);

    // 4. The full 台账: 10,000 tasks with their event log, as /台账 全部 builds it (handlers/ledger.ts
    // ledgerWorkbook: read and written a page of tasks at a time, then the event log likewise).
    await import('exceljs'); // loaded once per process on the first export; not part of this figure
    // The longest stretch the event loop was held (webhooks wait that long for their ack), and
    // the resident set sampled meanwhile (maxRSS would still hold the digests' peak above).
    const rssBefore = process.memoryUsage.rss();
    let rssPeak = rssBefore;
    let stall = 0;
    let tick = performance.now();
    const beat = setInterval(() => {
      const t = performance.now();
      stall = Math.max(stall, t - tick);
      tick = t;
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    }, 5);
    t0 = performance.now();
    let bytes: Uint8Array | null = null;
    try {
      bytes = await ledgerWorkbook(deps, { scope: { tenantKey: TENANT }, lang: 'zh', now: NOW });
    } catch (err) {
      if (!(err instanceof LedgerTooLargeError)) throw err; // /台账 tells the chat to export a shorter period
    }
    const ledgerMs = ms(t0);
    clearInterval(beat);
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    let ledgerResult = `over ${mb(LEDGER_MAX_BYTES)}: refused (the chat is asked for a shorter period)`;
    if (bytes) {
      const workbook = new (await import('exceljs')).default.Workbook();
      await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
      const sheetRows = (name: string) => workbook.getWorksheet(name)!.rowCount - 1;
      ledgerResult = `${sheetRows('督查台账')} tasks, ${sheetRows('事件日志')} events; ${(bytes.length / 2 ** 20).toFixed(1)} MB file, Lark takes 30 MB`;
    }

    return {
      tasks: taskCount,
      chats: chatCount,
      'events in the log': events,
      week: isoWeekKey(cal.localDate(NOW)),
      'seed (not measured against a target)': `${seedMs} ms`,
      'digest: load tenant data': `${loadMs} ms (${data.tasks.length} tasks in play, ${data.events.length} counted events)`,
      'digest: build all cards (target < 2000 ms)': `${buildMs} ms for ${cards} cards (CPU ${Math.round((buildCpu.user + buildCpu.system) / 1000)} ms)`,
      'digest: largest card': `${(maxBytes / 1024).toFixed(1)} KB (limit 30 KB)`,
      'digest: whole job incl. claims + outbox': `${jobMs} ms → ${run.groups} group summaries, ${run.leaders} leader cards`,
      'digest: rerun 15 min later': `${rerunMs} ms → ${again.groups + again.leaders} sent (none expected)`,
      'ledger: load + rows + xlsx, in pages': `${ledgerMs} ms (${ledgerResult})`,
      'ledger: longest event-loop stall': `${Math.round(stall)} ms`,
      'ledger: RSS during the export': `peak ${mb(rssPeak)}, +${mb(rssPeak - rssBefore)} over ${mb(rssBefore)} before`,
    };
  } finally {
    await deps.close();
    if (!process.env.DUBAN_BENCH_DIR) rmSync(dir, { recursive: true, force: true });
  }
}
