/**
 * The permission table of issue 9: every verb and every button against every role, with the
 * exact catalogue sentence of each refusal. Shared by permissions-commands.test.ts and
 * permissions-buttons.test.ts, which each run it on one bot.
 */
import { asc, desc, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { hasMessage, t, type MessageKey } from '../../bot/i18n.js';
import { outbox, taskEvents } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, OTHER_GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

export const OTHER_TENANT = 'tenant_other';
export const OTHER_TENANT_GROUP = 'oc_group_tenant_other';
/** The other tenant's p2p chat with the bot (a p2p chat, like a group, has one tenant). */
export const OTHER_TENANT_P2P = 'oc_p2p_tenant_other';

export type Role = 'creator' | 'supervisor' | 'lead' | 'co' | 'member' | 'otherChat' | 'otherTenant';
export const ROLES: readonly Role[] = ['creator', 'supervisor', 'lead', 'co', 'member', 'otherChat', 'otherTenant'];

/** Who plays each role, where they speak from, and as which tenant. */
export const CAST: Record<Role, { who: Person; chatId: string; tenantKey: string }> = {
  creator: { who: 'chief', chatId: GROUP, tenantKey: TENANT },
  supervisor: { who: 'leader', chatId: GROUP, tenantKey: TENANT },
  lead: { who: 'zhang', chatId: GROUP, tenantKey: TENANT },
  co: { who: 'zhao', chatId: GROUP, tenantKey: TENANT },
  member: { who: 'sun', chatId: GROUP, tenantKey: TENANT },
  otherChat: { who: 'outsider', chatId: OTHER_GROUP, tenantKey: TENANT },
  // The lead's own open_id, but arriving as another tenant from that tenant's chat: the tenant
  // alone must keep them out. (Events naming this tenant's chat from another are ignored whole:
  // tenants.test.ts.)
  otherTenant: { who: 'zhang', chatId: OTHER_TENANT_GROUP, tenantKey: OTHER_TENANT },
};

/** The state a task must be in for the verb to apply, so a refusal is about the role alone. */
export type Fixture = 'assigned' | 'submitted' | 'extension';

/** 'ok', or the catalogue key (and params beyond n/verb) of the refusal. */
export type Expect = 'ok' | { key: MessageKey; params?: Record<string, string | number> };

const NA: Expect = { key: 'task.refuse.not_assignee' };
const NM: Expect = { key: 'task.refuse.not_creator_or_supervisor' };
const NF: Expect = { key: 'task.not_found' };

/** Per role, in ROLES order. */
const row = (...e: Expect[]): Record<Role, Expect> => Object.fromEntries(ROLES.map((r, i) => [r, e[i]!])) as Record<Role, Expect>;

export const ASSIGNEE_ONLY = row(NA, NA, 'ok', 'ok', NA, NA, NF);
export const LEAD_ONLY = row(NA, NA, 'ok', { key: 'task.refuse.not_lead', params: { lead: PEOPLE.zhang.name } }, NA, NA, NF);
export const MANAGER_ONLY = row('ok', 'ok', NM, NM, NM, NM, NF);
export const CAN_SEE = row('ok', 'ok', 'ok', 'ok', 'ok', NF, NF);
export const ANYONE = row('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');

export interface BotWorld {
  bot: TestBot;
  numbers: Record<Fixture, number>;
}

export async function say(bot: TestBot, role: Role | Person, text: string, extra: Record<string, unknown> = {}): Promise<void> {
  const cast = (ROLES as readonly string[]).includes(role) ? CAST[role as Role] : { who: role as Person, chatId: GROUP, tenantKey: TENANT };
  const r = await bot.say({ from: cast.who, text, chatId: cast.chatId, tenantKey: cast.tenantKey, ...extra });
  expect(r.res.status).toBe(200);
  await bot.settle();
}

/** A task of the test tenant in the given state; returns its number. */
export async function makeTask(bot: TestBot, state: Fixture, label: string): Promise<number> {
  await bot.say({ from: 'chief', text: `/交办 @张三 @赵六 ${label} 截止 2026-12-01`, mention: ['zhang', 'zhao'] });
  await bot.settle();
  const [{ n }] = await bot.deps.db.all<{ n: number }>(sql`select max(number) as n from tasks where tenant_key = ${TENANT}`);
  if (state === 'submitted') await say(bot, 'zhang', `/办结 #${n}`);
  if (state === 'extension') await say(bot, 'zhang', `/延期 #${n} 2026-12-08 等待数据`);
  return n;
}

/** One bot: 王主任 (the chat owner) is 督办领导; three fixture tasks. */
export async function world(): Promise<BotWorld> {
  const bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  // Every assertion reads the durable outbox, so nothing needs delivering: that keeps a table
  // of some two hundred cases quick.
  bot.deps.kickOutbox = () => {};
  await say(bot, 'leader', '/设置 督办领导 @王主任', { mention: ['leader'] });
  const numbers = {
    assigned: await makeTask(bot, 'assigned', '起草年度工作总结'),
    submitted: await makeTask(bot, 'submitted', '整理会议纪要'),
    extension: await makeTask(bot, 'extension', '核对统计数据'),
  };
  return { bot, numbers };
}

export interface Snapshot {
  version: number;
  events: number;
  outboxMax: number;
}

export async function snapshot(bot: TestBot, n: number): Promise<Snapshot> {
  const task = (await getTaskByNumber(bot.deps.db, TENANT, n))!;
  const [{ c }] = await bot.deps.db.all<{ c: number }>(sql`select count(*) as c from task_events where task_id = ${task.id}`);
  const [{ m }] = await bot.deps.db.all<{ m: number | null }>(sql`select max(id) as m from outbox`);
  return { version: task.version, events: Number(c), outboxMax: Number(m ?? 0) };
}

/** Outbox rows queued after a snapshot, decoded. */
export async function queuedSince(bot: TestBot, s: Snapshot): Promise<Array<Record<string, any>>> {
  const rows = await bot.deps.db.select({ id: outbox.id, body: outbox.body }).from(outbox).orderBy(asc(outbox.id));
  return rows.filter((r) => r.id > s.outboxMax).map((r) => JSON.parse(r.body));
}

/** The exact sentence a refusal answers with. */
export function sentence(e: Exclude<Expect, 'ok'>, n: number | string, verbKind: string): string {
  const verbKey = `task.verb.${verbKind}`;
  const verb = hasMessage(verbKey) ? t('zh', verbKey) : '';
  return t('zh', e.key, { n, verb, ...(e.params ?? {}) });
}

export async function eventsOf(bot: TestBot, n: number): Promise<string[]> {
  const task = (await getTaskByNumber(bot.deps.db, TENANT, n))!;
  return (await bot.deps.db.select({ kind: taskEvents.kind }).from(taskEvents).where(eq(taskEvents.taskId, task.id)).orderBy(desc(taskEvents.seq))).map(
    (e) => e.kind,
  );
}
