/**
 * `npm run load [-- --minutes 5 --rate 5]`: 200 simulated staff in 50 chats use the real bot
 * process (`node --import tsx entry/main.ts`, webhook mode) for a few minutes — /交办, /签收,
 * /进展, /办结, replies to task cards and card clicks (签收, 通过) — posted signed and encrypted
 * exactly as Lark posts them, against the fake Lark server with its rate limits on, while the
 * chase job runs every minute (the job command, over 100 overdue tasks seeded beforehand) and
 * the bot's own cron ticks.
 *
 * Reported: HTTP statuses (no 5xx), ack time p50 / p99 / max (Lark's limit is 3 s), the bot's
 * RSS at start, along the way and at the end, and whether every reply was delivered (the
 * outbox drained, what the fake Lark received). A script, not a test: it prints figures.
 */
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { newTask } from '../../bot/domain/task.js';
import { commitChange } from '../../db/commit.js';
import { openDb } from '../../db/node.js';
import { botEnv, startBotProcess, startJob, type BotProcess, type JobRun } from '../support/bot-process.js';
import { FakeLark } from '../../bot/sandbox/fake-lark/server.js';
import { cardActionEvent, messageEvent } from '../../bot/sandbox/fake-lark/events.js';
import { BOT_NAME, furnishWorkGroups } from '../fixtures/office.js';

const APP_ID = 'cli_load_app';
const APP_SECRET = 'load-app-secret';
const ENCRYPT_KEY = 'load-encrypt-key';
const VERIFICATION_TOKEN = 'load-verification-token';
const TENANT = 'tenant_load';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const MINUTES = arg('minutes', 5);
/** Events per second from everyone together (a busy office, well under Lark's 1000 messages a minute). */
const RATE = arg('rate', 5);
const CHATS = arg('chats', 50);
/** Everyone together, a chief and a leader in each chat among them. */
const STAFF = arg('staff', 200);
const CHASE_EVERY_S = arg('chase-every', 60);
const OVERDUE_SEED = 100;

interface Person {
  openId: string;
  name: string;
  chat: number;
}

interface TaskView {
  id: number;
  number: number;
  state: string;
  chatId: string;
  creatorId: string;
  lead: string;
  cardMessageId: string | null;
}

const rand = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const dueDay = () => new Date(Date.now() + (14 + rand(14)) * 86_400_000).toISOString().slice(0, 10);

async function main(): Promise<void> {
  console.log(`duban load — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}`);

  const fake = new FakeLark({ appId: APP_ID, appSecret: APP_SECRET, tenantKey: TENANT });
  const { url } = await fake.start();
  // The sample office's work groups (test/fixtures/office.ts), as many as there are chats: a
  // chief, a leader and the rest of the staff each; everyone acts.
  const groups = furnishWorkGroups(fake, { groups: CHATS, staff: Math.max(1, Math.round(STAFF / CHATS) - 2), tag: 'load' });
  const chatIds = groups.map((g) => g.chatId);
  const people: Person[] = groups.flatMap((g, chat) => [g.chief, g.leader, ...g.staff].map((p) => ({ ...p, chat })));
  console.log(`${people.length} staff in ${CHATS} chats, ${RATE} events/s for ${MINUTES} min, chase job every ${CHASE_EVERY_S} s`);

  const dir = mkdtempSync(join(tmpdir(), 'duban-load-'));
  const dbUrl = `file:${join(dir, 'duban.db')}`;
  const env = {
    ...botEnv({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN }, url, dbUrl),
    LOG_LEVEL: 'error',
  };

  // Overdue work for the chase job: created two weeks ago, due three days ago, never signed.
  const handle = await openDb(dbUrl);
  for (let i = 0; i < OVERDUE_SEED; i++) {
    const g = groups[i % CHATS]!;
    const leads = [g.leader, ...g.staff];
    const created = new Date(Date.now() - 14 * 86_400_000);
    const { task, events } = newTask({
      tenantKey: TENANT,
      number: 0,
      title: `逾期事项${i}号`,
      category: null,
      source: null,
      priority: 'normal',
      creatorId: g.chief.openId,
      supervisorId: g.chief.openId,
      chatId: g.chatId,
      leadId: leads[i % leads.length]!.openId,
      coIds: [],
      dueAt: new Date(Date.now() - 3 * 86_400_000),
      now: created,
    });
    await commitChange(handle.db, { tenantKey: TENANT, now: created, task: { value: task, expectedVersion: null }, events });
  }
  handle.client.close();

  let bot: BotProcess | null = null;
  const jobs: JobRun[] = [];
  const reader = createClient({ url: dbUrl });
  try {
    bot = await startBotProcess({ env, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN });
    await new Promise((r) => setTimeout(r, 1_000));
    const rssStart = bot.rss();
    const rssSamples: number[] = [rssStart];

    // What the staff can see: tasks and their cards, read from the database every 2 s.
    let tasks: TaskView[] = [];
    const refresh = async () => {
      const rows = (
        await reader.execute(`SELECT t.id, t.number, t.state, t.chat_id, t.creator_id, t.card_message_id,
          (SELECT user_id FROM task_assignees a WHERE a.task_id = t.id AND a.role = 'lead') AS lead
          FROM tasks t WHERE t.is_open = 1 ORDER BY t.id DESC LIMIT 2000`)
      ).rows;
      tasks = rows.map((r) => ({
        id: Number(r.id),
        number: Number(r.number),
        state: String(r.state),
        chatId: String(r.chat_id),
        creatorId: String(r.creator_id),
        lead: String(r.lead),
        cardMessageId: r.card_message_id ? String(r.card_message_id) : null,
      }));
    };
    await refresh();

    let seq = 0;
    const say = (p: Person, text: string, o: { mention?: Person[]; parentId?: string } = {}) => {
      const chatId = chatIds[p.chat]!;
      const messageId = `om_load_${++seq}`;
      fake.userSays({ sender: p.openId, text, chatId, messageId, parentId: o.parentId });
      return messageEvent({
        text: o.parentId ? text : `@${BOT_NAME} ${text}`,
        chatId,
        sender: p.openId,
        mentions: o.parentId ? [] : [{ openId: fake.botOpenId, name: BOT_NAME }, ...(o.mention ?? []).map((m) => ({ openId: m.openId, name: m.name }))],
        parentId: o.parentId,
        tenantKey: TENANT,
        messageId,
        eventId: `ev_load_${seq}`,
      });
    };
    const click = (p: Person, t: TaskView, a: string) =>
      cardActionEvent({
        operator: p.openId,
        value: { a, task: t.id, n: t.number, v: 'g' },
        chatId: t.chatId,
        messageId: t.cardMessageId ?? 'om_unknown',
        tenantKey: TENANT,
        eventId: `ev_load_click_${++seq}`,
      });

    /** One thing a person does, chosen from what they can see. */
    const nextAction = (): { kind: string; envelope: Record<string, unknown> } => {
      const p = pick(people);
      const mine = tasks.filter((t) => t.lead === p.openId);
      const created = tasks.filter((t) => t.creatorId === p.openId && t.state === 'submitted');
      const roll = Math.random();
      const unsigned = mine.filter((t) => t.state === 'assigned');
      if (unsigned.length && roll < 0.5) {
        const t = pick(unsigned);
        return t.cardMessageId && roll < 0.25
          ? { kind: 'click 签收', envelope: click(p, t, 'accept') }
          : { kind: '/签收', envelope: say(p, `/签收 #${t.number}`) };
      }
      const working = mine.filter((t) => t.state === 'in_progress' || t.state === 'returned');
      if (working.length && roll < 0.8) {
        const t = pick(working);
        if (roll < 0.55) return { kind: '/办结', envelope: say(p, `/办结 #${t.number} 已按要求完成`) };
        if (t.cardMessageId && roll < 0.68)
          return { kind: 'reply to card', envelope: say(p, `已完成${10 + rand(80)}%，正在推进`, { parentId: t.cardMessageId }) };
        return { kind: '/进展', envelope: say(p, `/进展 #${t.number} 已完成${10 + rand(80)}%`) };
      }
      if (created.length && roll < 0.9) {
        const t = pick(created);
        if (t.cardMessageId) return { kind: 'click 通过', envelope: click(p, t, 'approve') };
      }
      const colleagues = people.filter((q) => q.chat === p.chat && q !== p);
      const who = pick(colleagues);
      return { kind: '/交办', envelope: say(p, `/交办 @${who.name} 第${seq}项工作 截止 ${dueDay()}`, { mention: [who] }) };
    };

    const ackMs: number[] = [];
    const statuses: Record<number, number> = {};
    const kinds: Record<string, number> = {};
    let late = 0;
    const inflight = new Set<Promise<void>>();
    const t0 = Date.now();
    const end = t0 + MINUTES * 60_000;
    let nextChase = t0;
    let nextReport = t0 + 30_000;
    let nextRefresh = t0 + 2_000;
    let i = 0;
    while (Date.now() < end) {
      if (Date.now() >= nextChase) {
        const job = startJob(['chase'], env);
        jobs.push(job);
        nextChase += CHASE_EVERY_S * 1000;
      }
      if (Date.now() >= nextRefresh) {
        await refresh();
        nextRefresh = Date.now() + 2_000;
      }
      if (Date.now() >= nextReport) {
        const rss = bot.rss();
        rssSamples.push(rss);
        console.log(
          `  ${Math.round((Date.now() - t0) / 1000)} s: ${ackMs.length} events, ack p99 ${quantile(ackMs, 0.99).toFixed(0)} ms, max ${Math.max(0, ...ackMs).toFixed(0)} ms, RSS ${mb(rss)}, Lark got ${fake.messages.length} messages`,
        );
        nextReport += 30_000;
      }
      // Open loop: events arrive at the rate whatever the bot is doing.
      const due = t0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      i++;
      const { kind, envelope } = nextAction();
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const p: Promise<void> = bot
        .post(envelope)
        .then((r) => {
          ackMs.push(r.ms);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.ms > 3_000) late++;
        })
        .catch(() => {
          statuses[0] = (statuses[0] ?? 0) + 1;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all([...inflight]);
    const loadSeconds = (Date.now() - t0) / 1000;

    // Everything the load caused must go out: wait for the outbox (the job runs too).
    await Promise.all(jobs.map((j) => j.done));
    const drainStart = Date.now();
    let pending = 0;
    let unprocessed = 0;
    for (;;) {
      pending = Number((await reader.execute("SELECT count(*) FROM outbox WHERE status = 'pending'")).rows[0]![0]);
      unprocessed = Number((await reader.execute('SELECT count(*) FROM inbox WHERE processed_at IS NULL')).rows[0]![0]);
      if ((pending === 0 && unprocessed === 0) || Date.now() - drainStart > 180_000) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const rssEnd = bot.rss();
    const outbox = (await reader.execute('SELECT status, count(*) AS n FROM outbox GROUP BY status')).rows.map((r) => `${r.status} ${r.n}`);
    const failed = (await reader.execute("SELECT last_error, count(*) AS n FROM outbox WHERE status = 'failed' GROUP BY last_error")).rows;
    const uuids = fake.messages.map((m) => m.uuid);
    const doubled = uuids.length - new Set(uuids).size;
    const five = Object.entries(statuses)
      .filter(([s]) => Number(s) >= 500)
      .reduce((n, [, c]) => n + c, 0);
    const chaseRuns = await Promise.all(jobs.map((j) => j.done));

    const figures: Record<string, string | number> = {
      'events posted': `${ackMs.length} in ${loadSeconds.toFixed(0)} s (${(ackMs.length / loadSeconds).toFixed(1)}/s): ${Object.entries(kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      'HTTP statuses': Object.entries(statuses)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', '),
      '5xx (target 0)': five,
      'ack p50 / p99 / max': `${quantile(ackMs, 0.5).toFixed(1)} / ${quantile(ackMs, 0.99).toFixed(1)} / ${Math.max(...ackMs).toFixed(1)} ms`,
      'acks later than 3 s (target 0)': late,
      'chase job runs': `${chaseRuns.length}, exit codes ${[...new Set(chaseRuns.map((r) => r.code))].join('/')}; ${chaseRuns.map((r) => /claimed (\d+)/.exec(r.stdout)?.[1] ?? '?').join('+')} reminders claimed`,
      'bot RSS start → end': `${mb(rssStart)} → ${mb(rssEnd)} (samples: ${rssSamples.map(mb).join(', ')})`,
      'outbox at the end': `${outbox.join(', ')}; drained ${drainSeconds.toFixed(0)} s after the load stopped`,
      'failed for good': failed.length ? failed.map((r) => `${r.n}× ${String(r.last_error).slice(0, 100)}`).join('; ') : 'none',
      'inbox unprocessed (target 0)': unprocessed,
      'Lark received': `${fake.messages.length} messages, ${fake.patches.length} card updates, ${fake.urgents.length} 加急; doubled ${doubled}; refused for frequency ${fake.refusedForFrequency}`,
    };
    console.log('');
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
    const ok = five === 0 && late === 0 && pending === 0 && unprocessed === 0 && doubled === 0;
    console.log(`\n${ok ? 'PASS' : 'FAIL'}: ${ok ? 'no 5xx, every ack within 3 s, every reply delivered once' : 'see the figures above'}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const j of jobs) j.kill9();
    await bot?.stop();
    reader.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
