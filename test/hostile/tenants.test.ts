/**
 * Tenants (issue 9): events carry `tenant_key`, and one tenant's tasks, numbers, settings,
 * subscriptions, stats and ledger are invisible and untouchable from another's events,
 * commands, replies and card payloads. The same open_ids appear in both tenants on purpose:
 * only the tenant tells them apart.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { t } from '../../bot/i18n.js';
import { isSubscribed } from '../../db/subscriptions.js';
import { getChat } from '../../db/chats.js';
import { outbox } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';
import { botAddedEvent } from '../../bot/sandbox/fake-lark/events.js';
import { rowCounts } from './support.js';

const B = 'tenant_b';
const B_GROUP = 'oc_group_b';
let bot: TestBot;

async function say(from: Person, text: string, o: { tenantKey?: string; chatId?: string; chatType?: 'p2p'; mention?: Person[]; parentId?: string } = {}) {
  // Same open_ids in both tenants, but a p2p chat has one tenant: B's people talk to the bot in their own.
  const p2p = o.tenantKey === B ? `oc_p2p_b_${from}` : undefined;
  if (p2p && !bot.fake.chats.has(p2p)) Object.assign(bot.fake.addChat({ chatId: p2p, name: '', members: [PEOPLE[from].openId] }), { chatType: 'p2p' });
  const chatId = o.chatType ? p2p : (o.chatId ?? GROUP);
  const r = await bot.say({ from, text, tenantKey: o.tenantKey ?? TENANT, chatId, chatType: o.chatType, mention: o.mention, parentId: o.parentId });
  expect(r.res.status).toBe(200);
  await bot.settle();
}
const sayB = (from: Person, text: string, o: Parameters<typeof say>[2] = {}) => say(from, text, { chatId: B_GROUP, ...o, tenantKey: B });

/** Everything queued for tenant B since `from` (outbox ids), as text. */
async function queuedFor(tenant: string, from: number): Promise<Array<Record<string, any>>> {
  const rows = await bot.deps.db.select().from(outbox).where(eq(outbox.tenantKey, tenant)).orderBy(desc(outbox.id));
  return rows.filter((r) => r.id > from).map((r) => ({ ...JSON.parse(r.body), bytes: r.bytes }));
}
async function maxOutbox(): Promise<number> {
  const [r] = await bot.deps.db.select({ id: outbox.id }).from(outbox).orderBy(desc(outbox.id)).limit(1);
  return r?.id ?? 0;
}

beforeAll(async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  bot.fake.addChat({
    chatId: B_GROUP,
    name: 'B单位工作群',
    ownerId: PEOPLE.leader.openId,
    members: [PEOPLE.chief.openId, PEOPLE.zhang.openId, PEOPLE.sun.openId],
  });
  await say('leader', '/设置 督办领导 @王主任', { mention: ['leader'] });
  await say('chief', '/交办 @张三 A单位的机密事项 截止 2026-12-01', { mention: ['zhang'] });
  await sayB('chief', '/交办 @张三 B单位的普通事项 截止 2026-12-01', { mention: ['zhang'] });
});
afterAll(async () => bot?.close());

describe('tenants', () => {
  it('each tenant has its own #1', async () => {
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.title).toBe('A单位的机密事项');
    expect((await getTaskByNumber(bot.deps.db, B, 1))!.title).toBe('B单位的普通事项');
    expect(await getTaskByNumber(bot.deps.db, B, 2)).toBeNull();
  });

  it('/查看, /任务, /统计 and /台账 from B show only B', async () => {
    const from = await maxOutbox();
    await sayB('chief', '/查看 #1');
    await sayB('chief', '/任务 全部');
    await sayB('zhang', '/任务 我的', { chatType: 'p2p' });
    await sayB('chief', '/统计 本月');
    await sayB('chief', '/统计 本月', { chatType: 'p2p' });
    await sayB('chief', '/台账 全部');
    const queued = await queuedFor(B, from);
    expect(JSON.stringify(queued)).toContain('B单位的普通事项');
    expect(JSON.stringify(queued)).not.toContain('A单位');
    const file = queued.find((m) => m.kind === 'file');
    expect(file, 'the ledger file').toBeDefined();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file!.bytes);
    const cells: string[] = [];
    wb.eachSheet((s) => s.eachRow((r) => r.eachCell((c) => void cells.push(String(c.value)))));
    expect(cells.join('|')).toContain('B单位的普通事项');
    expect(cells.join('|')).not.toContain('A单位');
    // Nothing for B went to A's chat.
    expect(queued.every((m) => m.to?.id !== GROUP && m.chatId !== GROUP)).toBe(true);
  });

  it("B cannot move A's task by number, by reply to A's card or by A's card payload", async () => {
    const a = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && JSON.stringify(m.sentContent).includes('A单位'))!;
    const before = await rowCounts(bot.deps.db);
    // B's #1 is B's: the same typed command moves B's task, never A's.
    await sayB('zhang', '/签收 #1');
    expect((await getTaskByNumber(bot.deps.db, B, 1))!.state).toBe('in_progress');
    // A's card, replied to and clicked as tenant B.
    await sayB('zhang', '完成', { parentId: card.id });
    for (const a2 of ['accept', 'submit', 'approve', 'chase', 'show']) {
      const r = await bot.click({ from: 'chief', value: { a: a2, task: a.id, n: 1, v: 'g' }, messageId: card.id, chatId: B_GROUP, tenantKey: B });
      expect(r.body.toast).toEqual({ type: 'warning', content: t('zh', 'task.not_found', { n: '?' }) });
    }
    await bot.settle();
    const after = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    expect({ version: after.version, state: after.state }).toEqual({ version: a.version, state: a.state });
    expect((await rowCounts(bot.deps.db)).tasks).toBe(before.tasks);
  });

  it("B's settings and subscriptions are B's alone", async () => {
    await sayB('leader', '/周报 订阅', { chatType: 'p2p' });
    expect(await isSubscribed(bot.deps.db, B, PEOPLE.leader.openId)).toBe(true);
    expect(await isSubscribed(bot.deps.db, TENANT, PEOPLE.leader.openId)).toBe(false);
    const from = await maxOutbox();
    await say('leader', '/周报 退订', { chatType: 'p2p' });
    expect((await queuedFor(TENANT, from))[0]!.content.text).toBe(t('zh', 'digest_unsub_none'));
    expect(await isSubscribed(bot.deps.db, B, PEOPLE.leader.openId)).toBe(true);

    // An event that names A's chat but comes as tenant B is ignored whole: it neither reads nor
    // changes A's settings, nor assigns anything there.
    const settingsBefore = (await getChat(bot.deps.db, GROUP))!.settings;
    const from2 = await maxOutbox();
    await say('leader', '/设置 督办领导 @孙七', { tenantKey: B, mention: ['sun'] });
    await say('zhang', '/设置', { tenantKey: B });
    await say('chief', '/交办 @张三 借A群交办 截止 2026-12-01', { tenantKey: B, mention: ['zhang'] });
    expect((await getChat(bot.deps.db, GROUP))!.settings).toEqual(settingsBefore);
    expect((await getChat(bot.deps.db, GROUP))!.tenantKey).toBe(TENANT);
    expect(await queuedFor(B, from2)).toEqual([]);
    expect(await bot.deps.db.query.tasks.findFirst({ where: (x, { eq }) => eq(x.title, '借A群交办') })).toBeUndefined();
  });

  it("a bot-added event from B naming A's chat neither renames it nor posts there", async () => {
    const before = await getChat(bot.deps.db, GROUP);
    const from = await maxOutbox();
    const res = await bot.post(botAddedEvent({ chatId: GROUP, name: 'B改的群名', operator: PEOPLE.zhang.openId, tenantKey: B, time: bot.clock.now() }));
    expect(res.status).toBe(200);
    await bot.settle();
    const after = await getChat(bot.deps.db, GROUP);
    expect(after!.name).toBe(before!.name);
    expect(after!.tenantKey).toBe(TENANT);
    expect(await queuedFor(B, from)).toEqual([]);
    expect(await queuedFor(TENANT, from)).toEqual([]);
    // The same event from A's own tenant is a welcome in A's chat.
    await bot.post(botAddedEvent({ chatId: GROUP, name: '综合办公室工作群', operator: PEOPLE.leader.openId, tenantKey: TENANT, time: bot.clock.now() }));
    await bot.settle();
    expect(JSON.stringify(await queuedFor(TENANT, from))).toContain(t('zh', 'task.welcome').slice(0, 10));
  });
});
