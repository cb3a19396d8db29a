/** The 台账 workbook read back with exceljs, cell by cell. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { eventLogRows, ledgerRows, type LedgerEvent, type LedgerTask } from '../../bot/domain/ledger.js';
import { buildLedgerXlsx, LedgerTooLargeError, LIGHT_FILL, writeLedgerXlsx } from '../../bot/ledger-xlsx.js';

const bj = (s: string) => new Date(`${s}:00+08:00`);
const now = bj('2026-12-04T16:00');
const names: Record<string, string> = { ou_boss: '王主任', ou_zhang: '张三', ou_li: '李四', ou_wang: '王五', bot: '督办机器人' };
const nameOf = (id: string) => names[id] ?? id;

function task(p: Partial<LedgerTask> & { number: number }): LedgerTask {
  return {
    id: p.number * 10,
    title: `事项${p.number}`,
    category: null,
    source: null,
    state: 'in_progress',
    creatorId: 'ou_boss',
    assignees: [{ userId: 'ou_zhang', role: 'lead', acceptedAt: null }],
    createdAt: bj('2026-11-20T09:00'),
    dueAt: null,
    originalDueAt: null,
    submittedAt: null,
    doneAt: null,
    lastProgressText: null,
    lastProgressAt: null,
    extensionCount: 0,
    chaseCount: 0,
    ...p,
  };
}

const tasks: LedgerTask[] = [
  // Listed out of order on purpose: the ledger sorts by number.
  task({
    number: 2,
    title: '修复中山路路灯',
    category: 'livelihood',
    source: '市长热线 12345',
    assignees: [
      { userId: 'ou_li', role: 'lead', acceptedAt: null },
      { userId: 'ou_zhang', role: 'co', acceptedAt: null },
      { userId: 'ou_wang', role: 'co', acceptedAt: null },
    ],
    createdAt: bj('2026-11-25T09:15'),
    dueAt: bj('2026-12-01T18:00'),
    originalDueAt: bj('2026-12-01T18:00'),
    chaseCount: 3,
  }),
  task({
    number: 1,
    title: '起草年度工作总结',
    category: 'decision',
    source: '办〔2026〕12号',
    state: 'done',
    createdAt: bj('2026-11-20T09:00'),
    originalDueAt: bj('2026-11-27T18:00'),
    dueAt: bj('2026-12-03T18:00'),
    submittedAt: bj('2026-12-03T10:00'),
    doneAt: bj('2026-12-03T15:00'),
    lastProgressText: '已报送办公室',
    extensionCount: 1,
    chaseCount: 1,
  }),
  task({ number: 3, title: '整理会议纪要', dueAt: bj('2026-12-10T18:00'), originalDueAt: bj('2026-12-10T18:00') }),
  task({ number: 4, title: '走访慰问', dueAt: bj('2026-12-05T18:00'), originalDueAt: bj('2026-12-05T18:00') }),
];

const events: LedgerEvent[] = [
  { taskId: 20, seq: 1, kind: 'assigned', actorId: 'ou_boss', payload: { title: '修复中山路路灯' }, at: bj('2026-11-25T09:15'), hash: 'h21' },
  { taskId: 20, seq: 2, kind: 'progress', actorId: 'ou_li', payload: { text: '已联系路灯所', percent: 40 }, at: bj('2026-11-26T10:00'), hash: 'h22' },
  { taskId: 10, seq: 1, kind: 'assigned', actorId: 'ou_boss', payload: {}, at: bj('2026-11-20T09:00'), hash: 'h11' },
  { taskId: 20, seq: 3, kind: 'chased', actorId: 'bot', payload: { day: 1 }, at: bj('2026-12-02T09:30'), hash: 'h23' },
  { taskId: 99, seq: 1, kind: 'assigned', actorId: 'ou_boss', payload: {}, at: bj('2026-11-20T09:00'), hash: 'x' },
];

const lights: Record<number, 'red' | 'yellow' | 'green'> = { 2: 'red', 3: 'green', 4: 'yellow' };
const rows = ledgerRows({ tasks, events, now, nameOf, lightOf: (t) => lights[t.number]! });
const log = eventLogRows(tasks, events, nameOf);

async function readBack(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

const values = (row: ExcelJS.Row) => (row.values as unknown[]).slice(1);
const wall = (s: string) => new Date(`${s}:00Z`); // what Excel shows, as a zone-less date

describe('ledger rows', () => {
  it('number order, names, the original deadline decides 是否按时', () => {
    expect(rows.map((r) => [r.index, r.number])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(rows[0]).toMatchObject({
      creator: '王主任',
      lead: '张三',
      co: [],
      state: 'done',
      light: null,
      onTime: false,
      extended: true,
      latestProgress: '已报送办公室',
    });
    expect(rows[1]).toMatchObject({ lead: '李四', co: ['张三', '王五'], light: 'red', onTime: false, latestProgress: '已联系路灯所', chases: 3 });
    expect(rows[2]).toMatchObject({ light: 'green', onTime: null, latestProgress: '' });
  });
  it('event log in (number, seq) order, only of the exported tasks', () => {
    expect(log.map((e) => [e.number, e.seq, e.actor])).toEqual([
      [1, 1, '王主任'],
      [2, 1, '王主任'],
      [2, 2, '李四'],
      [2, 3, '督办机器人'],
    ]);
    expect(log[2]!.detail).toBe('percent: 40; text: 已联系路灯所');
  });
});

describe('buildLedgerXlsx', () => {
  it('sheet 督查台账: SPEC §6 header, frozen, widths, every cell, light fills, local dates', async () => {
    const wb = await readBack(await buildLedgerXlsx(rows, log, 'zh'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['督查台账', '事件日志']);
    const ws = wb.getWorksheet('督查台账')!;
    expect(values(ws.getRow(1))).toEqual([
      '序号',
      '编号',
      '事项',
      '类别',
      '来源',
      '交办人',
      '主办',
      '协办',
      '交办时间',
      '时限',
      '状态',
      '亮灯',
      '最新进展',
      '办结时间',
      '是否按时',
      '延期次数',
      '催办次数',
      '周期',
      '最近催办',
      '已读',
    ]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getColumn(3).width).toBe(36);
    expect(ws.getColumn(13).width).toBe(40);
    expect(ws.rowCount).toBe(5);

    expect(values(ws.getRow(2))).toEqual([
      1,
      '#1',
      '起草年度工作总结',
      '决策督查',
      '办〔2026〕12号',
      '王主任',
      '张三',
      undefined,
      wall('2026-11-20T09:00'),
      wall('2026-12-03T18:00'),
      '已办结',
      undefined,
      '已报送办公室',
      wall('2026-12-03T15:00'),
      '否',
      1,
      1,
    ]);
    const r3 = values(ws.getRow(3));
    expect(r3.slice(0, 12)).toEqual([
      2,
      '#2',
      '修复中山路路灯',
      '民生督查',
      '市长热线 12345',
      '王主任',
      '李四',
      '张三、王五',
      wall('2026-11-25T09:15'),
      wall('2026-12-01T18:00'),
      '办理中',
      '红灯',
    ]);
    expect(r3.slice(12)).toEqual(['已联系路灯所', undefined, '否', 0, 3]);
    expect(ws.getRow(5).getCell(12).value).toBe('黄灯');
    expect(ws.getRow(4).getCell(15).value).toBeNull(); // open, not yet due: left blank

    const fill = (r: number) => (ws.getRow(r).getCell(12).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
    expect(fill(2)).toBeUndefined();
    expect(fill(3)).toBe(LIGHT_FILL.red);
    expect(fill(4)).toBe(LIGHT_FILL.green);
    expect(fill(5)).toBe(LIGHT_FILL.yellow);
    expect(ws.getRow(2).getCell(9).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(ws.getRow(1).font?.bold).toBe(true);
  });

  it('sheet 事件日志 with the hashes', async () => {
    const wb = await readBack(await buildLedgerXlsx(rows, log, 'zh'));
    const ws = wb.getWorksheet('事件日志')!;
    expect(values(ws.getRow(1))).toEqual(['编号', '序', '时间', '事件', '操作人', '内容', '哈希']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(values(ws.getRow(4))).toEqual(['#2', 2, wall('2026-11-26T10:00'), '进展', '李四', 'percent: 40; text: 已联系路灯所', 'h22']);
    expect(values(ws.getRow(5))).toEqual(['#2', 3, wall('2026-12-02T09:30'), '催办', '督办机器人', 'day: 1', 'h23']);
    expect(ws.rowCount).toBe(5);
  });

  it('another zone shifts the wall clock; English labels', async () => {
    const wb = await readBack(await buildLedgerXlsx(rows, log, 'en', { timeZone: 'Europe/London' }));
    const ws = wb.getWorksheet('Ledger')!;
    expect(ws.getRow(1).getCell(1).value).toBe('No.');
    expect(ws.getRow(2).getCell(9).value).toEqual(wall('2026-11-20T01:00'));
    expect(ws.getRow(2).getCell(11).value).toBe('Done');
    expect(wb.getWorksheet('Event log')!.getRow(2).getCell(4).value).toBe('Assigned');
  });

  it('an empty ledger still has its header', async () => {
    const wb = await readBack(await buildLedgerXlsx([], [], 'zh'));
    expect(wb.getWorksheet('督查台账')!.rowCount).toBe(1);
  });

  it('rows in batches write the same sheets as all at once', async () => {
    const batched = await readBack(
      await writeLedgerXlsx({ rows: [rows.slice(0, 1), [], rows.slice(1, 3), rows.slice(3)], events: [log.slice(0, 2), log.slice(2)] }, 'zh'),
    );
    const whole = await readBack(await buildLedgerXlsx(rows, log, 'zh'));
    const dump = (wb: ExcelJS.Workbook) => wb.worksheets.map((ws) => ws.getSheetValues());
    expect(dump(batched)).toEqual(dump(whole));
  });

  it('gives up before a page that would take the content past its bound goes in: later pages are never read', async () => {
    let pagesRead = 0;
    function* pages() {
      for (let i = 0; i < 10; i++) {
        pagesRead++;
        yield rows;
      }
    }
    const oneRow = rows.reduce((n, r) => n + Object.values(r).length, 0);
    // Room for about two pages of content: the third is refused before it is written.
    const err = await writeLedgerXlsx({ rows: pages(), events: [log] }, 'zh', { maxContentBytes: oneRow * 80 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerTooLargeError);
    expect((err as LedgerTooLargeError).bound).toBe('content');
    expect(pagesRead).toBeLessThan(10);
    // The same rows within the bound are written.
    expect((await writeLedgerXlsx({ rows: [rows], events: [log] }, 'zh', { maxContentBytes: 1 << 20 })).length).toBeGreaterThan(2048);
  });

  it('gives up once the file passes maxBytes', async () => {
    await expect(buildLedgerXlsx(rows, log, 'zh', { maxBytes: 2048 })).rejects.toBeInstanceOf(LedgerTooLargeError);
    expect((await buildLedgerXlsx(rows, log, 'zh', { maxBytes: 1 << 20 })).length).toBeGreaterThan(2048);
  });
});
