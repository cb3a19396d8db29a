/**
 * /台账 through the webhook: the answer comes at once, the workbook is built afterwards, uploaded
 * to the fake Lark and sent into the chat as a file; read back with exceljs. Also /统计 and
 * /周报 订阅 through the same pipeline.
 */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertChat } from '../../db/chats.js';
import { outbox, subscriptions } from '../../db/schema.js';
import { GROUP, OTHER_GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';
import { makeTask, saidTo, seedDirectory, seedTask } from '../schedules/digest-seed.js';

const bj = (s: string) => new Date(`${s}:00+08:00`);

let bot: TestBot;
beforeEach(async () => {
  bot = await testBot({ now: '2026-12-04T16:00:00+08:00' });
  await upsertChat(
    bot.deps.db,
    { chatId: GROUP, tenantKey: TENANT, chatType: 'group', name: '综合办公室工作群', ownerId: PEOPLE.leader.openId },
    bj('2026-11-30T08:00'),
  );
  await seedDirectory(bot);
});
afterEach(async () => {
  await bot.close();
});

async function seedTwo(): Promise<void> {
  const { zhang, zhao, chief } = PEOPLE;
  await seedTask(
    bot,
    makeTask({
      title: '起草年度工作总结',
      lead: zhang.openId,
      co: [zhao.openId],
      category: 'decision',
      source: '办〔2026〕12号',
      createdAt: bj('2026-11-20T09:00'),
      dueAt: bj('2026-12-03T18:00'),
      originalDueAt: bj('2026-11-27T18:00'),
      state: 'done',
      submittedAt: bj('2026-12-03T10:00'),
      doneAt: bj('2026-12-03T15:00'),
      extensionCount: 1,
      lastProgressText: '已报送办公室',
    }),
    [
      { kind: 'extension_approved', at: bj('2026-11-26T10:00'), actorId: chief.openId, payload: { dueAt: '2026-12-03T10:00:00.000Z' } },
      { kind: 'approved', at: bj('2026-12-03T15:00'), actorId: chief.openId },
    ],
  );
  await seedTask(bot, makeTask({ title: '修复中山路路灯', lead: zhao.openId, dueAt: bj('2026-12-01T18:00'), chaseCount: 2 }), [
    { kind: 'chased', at: bj('2026-12-02T09:30'), actorId: 'bot' },
  ]);
  // Another chat's task never appears in this chat's ledger.
  await seedTask(bot, makeTask({ title: '别的群的事', lead: PEOPLE.sun.openId, chatId: OTHER_GROUP, creatorId: PEOPLE.outsider.openId }));
}

describe('/台账', () => {
  it('answers at once, then sends the workbook into the chat', async () => {
    await seedTwo();
    const { res } = await bot.say({ from: 'chief', text: '/台账 全部' });
    expect(res.status).toBe(200);
    await bot.settle();

    expect(await saidTo(bot, GROUP)).toEqual(['正在生成督查台账（2 项），生成后发到这里。', '[file 督查台账-全部-2026-12-04.xlsx]']);
    expect(bot.fake.files).toHaveLength(1);
    const file = bot.fake.files[0]!;
    expect(file.fileName).toBe('督查台账-全部-2026-12-04.xlsx');
    const sent = bot.fake.messagesTo(GROUP).filter((m) => m.msgType === 'file');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.content.file_key).toBe(file.fileKey);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('督查台账')!;
    expect(ws.rowCount).toBe(3);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const row = (r: number) => (ws.getRow(r).values as unknown[]).slice(1);
    expect(row(2)).toEqual([
      1,
      '#1',
      '起草年度工作总结',
      '决策督查',
      '办〔2026〕12号',
      '李科长',
      '张三',
      '赵六',
      new Date('2026-11-20T09:00:00Z'),
      new Date('2026-12-03T18:00:00Z'),
      '已办结',
      undefined,
      '已报送办公室',
      new Date('2026-12-03T15:00:00Z'),
      '否',
      1,
      0,
    ]);
    expect(row(3).slice(0, 12)).toEqual([
      2,
      '#2',
      '修复中山路路灯',
      undefined,
      undefined,
      '李科长',
      '赵六',
      undefined,
      new Date('2026-11-30T09:00:00Z'),
      new Date('2026-12-01T18:00:00Z'),
      '办理中',
      '红灯',
    ]);
    expect(row(3).slice(14)).toEqual(['否', 0, 2]);
    expect((ws.getRow(3).getCell(12).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');

    const log = wb.getWorksheet('事件日志')!;
    expect(log.rowCount).toBe(1 + 3 + 2);
    expect((log.getRow(5).values as unknown[]).slice(1, 6)).toEqual(['#2', 1, new Date('2026-11-30T09:00:00Z'), '交办', '李科长']);
    expect(String(log.getRow(6).getCell(7).value)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('本月 holds the work carried over into the month: open at any time in it, or closed in it', async () => {
    await seedTwo();
    // Both were assigned in November: #1 was closed on 12-03, #2 is still open.
    await bot.say({ from: 'chief', text: '/台账 本月' });
    await bot.settle();
    expect(await saidTo(bot, GROUP)).toEqual(['正在生成督查台账（2 项），生成后发到这里。', '[file 督查台账-本月-2026-12-04.xlsx]']);
  });

  it('本月 leaves out what was closed before the month began', async () => {
    await seedTask(
      bot,
      makeTask({ title: '十一月办结的事', lead: PEOPLE.zhang.openId, createdAt: bj('2026-11-02T09:00'), state: 'done', doneAt: bj('2026-11-20T10:00') }),
    );
    await bot.say({ from: 'chief', text: '/台账 本月' });
    await bot.settle();
    expect(await saidTo(bot, GROUP)).toEqual(['本月没有事项，台账为空。']);
    expect(bot.fake.files).toHaveLength(0);
  });

  it('is refused to someone who answers for nothing in the chat', async () => {
    await seedTwo();
    await bot.say({ from: 'zhang', text: '/台账' });
    await bot.settle();
    expect(bot.fake.files).toHaveLength(0);
    expect(await saidTo(bot, GROUP)).toEqual(['只有交办人、督办领导或群管理员可以导出台账。']);
  });
});

describe('/统计', () => {
  it('shows this chat’s figures with scores and the formula', async () => {
    await seedTwo();
    await bot.say({ from: 'zhang', text: '/统计' });
    await bot.settle();
    const [body] = (await bot.deps.db.select({ body: outbox.body }).from(outbox)).map((r) => JSON.parse(r.body));
    expect(body).toMatchObject({ kind: 'reply', chatId: GROUP, msgType: 'interactive' });
    const card = { content: body.content };
    const text = bot.fake.cardText(body.content);
    expect(text).toContain('督办统计 · 综合办公室工作群 · 本周');
    expect(text).toContain('得分 = 100 × 按时办结率');
    expect(text).not.toContain('别的群的事');
    const tables = card!.content.body.elements.filter((e: any) => e.tag === 'table');
    // zhang: one late task done (0%) → 0; zhao: nothing done (100%), 3 working days overdue → 94.
    expect(tables[0].rows.map((r: any) => [r.who, r.score])).toEqual([
      ['赵六', 94],
      ['张三', 0],
    ]);
  });
});

describe('/周报', () => {
  it('subscribes and unsubscribes in p2p, refuses in a group', async () => {
    const p2p = bot.fake.p2pChatOf(PEOPLE.leader.openId);
    await bot.say({ from: 'leader', text: '/周报 订阅', chatId: p2p, chatType: 'p2p' });
    await bot.settle();
    expect(await bot.deps.db.select().from(subscriptions)).toEqual([{ tenantKey: TENANT, userId: PEOPLE.leader.openId, createdAt: bot.clock.now() }]);
    await bot.say({ from: 'leader', text: '/周报 退订', chatId: p2p, chatType: 'p2p' });
    await bot.say({ from: 'leader', text: '/周报 订阅' });
    await bot.settle();
    expect(await bot.deps.db.select().from(subscriptions)).toEqual([]);
    const p2pTexts = await saidTo(bot, p2p);
    expect(p2pTexts).toHaveLength(2);
    expect(p2pTexts[0]).toMatch(/^已订阅督办周报：每周五 16:00 发给您/);
    expect(p2pTexts[1]).toBe('已退订督办周报。');
    expect(await saidTo(bot, GROUP)).toEqual(['请在与机器人的单聊中发送 /周报 订阅。']);
  });
});
