/**
 * The 台账 read and written in pages (handlers/ledger.ts ledgerWorkbook): a ledger spanning
 * several pages gives exactly the workbook one page gives — every cell's value and style, in
 * both sheets — and a workbook over the file limit is refused with a message, not uploaded.
 */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertChat } from '../../db/chats.js';
import type { LedgerScope } from '../../db/ledger.js';
import { exportLedger, ledgerWorkbook } from '../../handlers/ledger.js';
import { GROUP, OTHER_GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';
import { makeTask, saidTo, seedDirectory, seedTask } from '../schedules/digest-seed.js';

const bj = (s: string) => new Date(`${s}:00+08:00`);
const NOW = bj('2026-12-04T16:00');

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

/** Nine tasks of every kind, two of them in another chat (gaps in the chat's numbers). */
async function seedOffice(): Promise<void> {
  const { zhang, zhao, sun, chief, leader, outsider } = PEOPLE;
  const day = (d: number, hm = '09:00') => bj(`2026-11-${String(d).padStart(2, '0')}T${hm}`);
  await seedTask(
    bot,
    makeTask({
      title: '起草年度工作总结',
      lead: zhang.openId,
      co: [zhao.openId],
      category: 'decision',
      source: '办〔2026〕12号',
      createdAt: day(20),
      dueAt: bj('2026-12-03T18:00'),
      originalDueAt: day(27, '18:00'),
      state: 'done',
      submittedAt: bj('2026-12-03T10:00'),
      doneAt: bj('2026-12-03T15:00'),
      extensionCount: 1,
      lastProgressText: '已报送办公室',
    }),
    [
      { kind: 'extension_approved', at: day(26, '10:00'), actorId: chief.openId, payload: { dueAt: '2026-12-03T10:00:00.000Z' } },
      { kind: 'approved', at: bj('2026-12-03T15:00'), actorId: chief.openId },
    ],
  );
  await seedTask(bot, makeTask({ title: '别的群的事', lead: sun.openId, chatId: OTHER_GROUP, creatorId: outsider.openId, createdAt: day(21) }));
  // No progress text on the task: the latest progress comes from its events.
  await seedTask(
    bot,
    makeTask({ title: '修复中山路路灯', lead: zhao.openId, co: [zhang.openId, sun.openId], createdAt: day(22), dueAt: bj('2026-12-01T18:00'), chaseCount: 2 }),
    [
      { kind: 'progress', at: day(23), actorId: zhao.openId, payload: { text: '已联系路灯所', percent: 30 } },
      { kind: 'progress', at: day(25), actorId: zhao.openId, payload: { text: '灯杆已到货', percent: 60 } },
      { kind: 'chased', at: bj('2026-12-02T09:30'), actorId: 'bot', payload: { day: 1 } },
    ],
  );
  await seedTask(bot, makeTask({ title: '整理会议纪要', lead: zhang.openId, category: 'special', createdAt: day(24), dueAt: bj('2026-12-20T18:00') }));
  await seedTask(
    bot,
    makeTask({
      title: '走访慰问',
      lead: sun.openId,
      category: 'livelihood',
      createdAt: day(25),
      dueAt: bj('2026-12-05T18:00'),
      state: 'submitted',
      submittedAt: bj('2026-12-04T10:00'),
    }),
    [{ kind: 'submitted', at: bj('2026-12-04T10:00'), actorId: sun.openId, payload: { note: '已走访 12 户' } }],
  );
  await seedTask(bot, makeTask({ title: '另一群的第二件事', lead: outsider.openId, chatId: OTHER_GROUP, creatorId: outsider.openId, createdAt: day(26) }));
  await seedTask(bot, makeTask({ title: '撤销的事项', lead: zhao.openId, createdAt: day(27), state: 'cancelled', cancelledAt: day(28) }), [
    { kind: 'cancelled', at: day(28), actorId: chief.openId, payload: { reason: '重复交办' } },
  ]);
  await seedTask(
    bot,
    makeTask({
      title: '领导交办的调研',
      lead: zhang.openId,
      creatorId: leader.openId,
      createdAt: day(28),
      dueAt: bj('2026-12-10T18:00'),
      percent: 10,
      lastProgressText: '拟定提纲',
      lastProgressAt: day(29),
    }),
  );
  await seedTask(bot, makeTask({ title: '待签收的事项', lead: zhao.openId, createdAt: day(29), state: 'assigned', dueAt: bj('2026-12-31T18:00') }), [
    { kind: 'reminded', at: day(30), actorId: 'bot' },
  ]);
}

/** Everything a reader sees: sheets, their views, filters, widths, and every cell's value and style. */
async function contentOf(bytes: Uint8Array) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => ({
    name: ws.name,
    views: ws.views,
    autoFilter: ws.autoFilter,
    widths: Array.from({ length: ws.columnCount }, (_, i) => ws.getColumn(i + 1).width),
    rows: Array.from({ length: ws.rowCount }, (_, r) => {
      const row = ws.getRow(r + 1);
      return {
        font: row.font,
        cells: Array.from({ length: ws.columnCount }, (_, c) => {
          const cell = row.getCell(c + 1);
          return { value: cell.value, style: cell.style };
        }),
      };
    }),
  }));
}

const workbook = (scope: LedgerScope, pageSize?: number, lang: 'zh' | 'en' = 'zh') =>
  ledgerWorkbook(bot.deps, { scope, lang, now: NOW }, pageSize === undefined ? {} : { pageSize });

describe('the 台账 in pages', () => {
  it('several pages give exactly the workbook of one page', async () => {
    await seedOffice();
    const scope: LedgerScope = { tenantKey: TENANT, chatId: GROUP };
    const whole = await contentOf(await workbook(scope, 1000));
    const [main, log] = whole;
    expect(whole.map((s) => s.name)).toEqual(['督查台账', '事件日志']);
    // Seven tasks of the chat, 序号 1–7 over numbers with gaps; their fifteen events.
    expect(main!.rows.slice(1).map((r) => [r.cells[0]!.value, r.cells[1]!.value])).toEqual([
      [1, '#1'],
      [2, '#3'],
      [3, '#4'],
      [4, '#5'],
      [5, '#7'],
      [6, '#8'],
      [7, '#9'],
    ]);
    expect(main!.rows[2]!.cells[12]!.value).toBe('灯杆已到货');
    expect(main!.rows[4]!.cells[12]!.value).toBe('已走访 12 户');
    expect(log!.rows).toHaveLength(1 + 15);
    expect(log!.rows.slice(1).map((r) => [r.cells[0]!.value, r.cells[1]!.value])).toEqual([
      ['#1', 1],
      ['#1', 2],
      ['#1', 3],
      ['#3', 1],
      ['#3', 2],
      ['#3', 3],
      ['#3', 4],
      ['#4', 1],
      ['#5', 1],
      ['#5', 2],
      ['#7', 1],
      ['#7', 2],
      ['#8', 1],
      ['#9', 1],
      ['#9', 2],
    ]);

    for (const pageSize of [1, 2, 3, 7]) expect(await contentOf(await workbook(scope, pageSize))).toEqual(whole);
    expect(await contentOf(await workbook(scope))).toEqual(whole);
  });

  it('a p2p export (tasks created or supervised) and English labels, likewise', async () => {
    await seedOffice();
    const scope: LedgerScope = { tenantKey: TENANT, ownerId: PEOPLE.outsider.openId };
    const whole = await contentOf(await workbook(scope, 1000, 'en'));
    expect(whole[0]!.rows.slice(1).map((r) => r.cells[2]!.value)).toEqual(['别的群的事', '另一群的第二件事']);
    expect(await contentOf(await workbook(scope, 1, 'en'))).toEqual(whole);
  });

  it('a workbook over the file limit is not sent; the chat is told to export a shorter period', async () => {
    await seedOffice();
    const job = { scope: { tenantKey: TENANT, chatId: GROUP }, to: { type: 'chat_id' as const, id: GROUP }, fileName: 'x.xlsx', now: NOW };
    await exportLedger(bot.deps, { ...job, lang: 'zh' }, { pageSize: 2, maxBytes: 4096 });
    await exportLedger(bot.deps, { ...job, lang: 'en' }, { maxBytes: 4096 });
    await bot.settle();
    const said = await saidTo(bot, GROUP);
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(/^台账文件超过 .+ MB，飞书无法发送。请分段导出：\/台账 本月 或 \/台账 本年。$/);
    expect(said[1]).toMatch(/^The ledger file would be larger than .+ MB, more than Lark accepts\. Please export a shorter period/);
    expect(bot.fake.files).toHaveLength(0);
  });

  it('a ledger with more content than the writer takes is refused page by page, with its own sentence', async () => {
    await seedOffice();
    const job = { scope: { tenantKey: TENANT, chatId: GROUP }, to: { type: 'chat_id' as const, id: GROUP }, fileName: 'x.xlsx', now: NOW };
    await exportLedger(bot.deps, { ...job, lang: 'zh' }, { pageSize: 1, maxContentBytes: 600 });
    await exportLedger(bot.deps, { ...job, lang: 'en' }, { pageSize: 1, maxContentBytes: 600 });
    await bot.settle();
    const said = await saidTo(bot, GROUP);
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(/^台账内容超过 .+ MB，超出一次导出的上限。请分段导出：\/台账 本月 或 \/台账 本年。$/);
    expect(said[1]).toMatch(/^The ledger holds more than .+ MB of content, more than one export takes/);
    expect(bot.fake.files).toHaveLength(0);
  });
});
