/**
 * Batch intake through the real webhook and card callback, against a real libSQL file and the
 * strict fake Lark: a sheet sent as a `file` message (content {"file_key","file_name"}) or
 * replied to with /导入 is downloaded through message-resource get, previewed, and confirmed
 * into tasks in one transaction; a second import — of the same sheet, or of the exported 台账 in
 * another chat — doubles nothing; the template round-trips; limits are refused with a sentence.
 */
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { otherMessageEvent } from '../../bot/sandbox/fake-lark/events.js';
import type { FakeMessage } from '../../bot/sandbox/fake-lark/server.js';
import { tasks } from '../../db/schema.js';
import { runVerifyLedger } from '../../schedules/verify-ledger.js';
import { GROUP, OTHER_GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());
let seq = 0;

const HEADER = ['事项', '主办', '协办', '时限', '类别', '来源', '详情', '督办领导'];

async function xlsx(rows: unknown[][], header = HEADER): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A person sends a file into a chat: the fake Lark keeps it (message-resource get), the webhook gets the event. */
async function sendFile(from: Person, fileName: string, bytes: Uint8Array, o: { chatId?: string } = {}): Promise<FakeMessage> {
  const chatId = o.chatId ?? GROUP;
  const msg = bot.fake.userSendsFile({ sender: PEOPLE[from].openId, chatId, fileName, bytes, messageId: `om_file_${++seq}` });
  const res = await bot.post(
    otherMessageEvent({
      eventId: `ev_file_${seq}`,
      messageId: msg.id,
      tenantKey: TENANT,
      time: bot.clock.now(),
      chatId,
      chatType: 'group',
      sender: PEOPLE[from].openId,
      messageType: 'file',
      content: msg.content,
    }),
  );
  expect(res.status).toBe(200);
  await bot.settle();
  return msg;
}

const previews = () => bot.fake.messages.filter((m) => m.msgType === 'interactive' && /导入预览|Import preview/.test(bot.fake.textOf(m)));
const lastPreview = () => previews().at(-1)!;
const lastText = (chatId = GROUP) => bot.fake.textOf(bot.fake.messagesTo(chatId).at(-1)!);
const buttonValue = (card: FakeMessage, action: string): Record<string, unknown> | null => {
  const found = JSON.stringify(card.content).match(new RegExp(`\\{"a":"${action}"[^}]*\\}`));
  return found ? JSON.parse(found[0]) : null;
};
const taskCount = async () => Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(tasks))[0]!.n);

/** 30 rows: 26 good, 4 bad (a name nobody has, a name two members share, an unreadable 时限, a formula). */
function thirtyRows(): unknown[][] {
  const leads = ['张三', '赵六', '孙七', '李科长'];
  const rows: unknown[][] = [];
  for (let i = 1; i <= 30; i++) {
    rows.push([
      `分解事项第${i}项`,
      leads[i % 4],
      i % 3 === 0 ? '赵六、孙七' : '',
      i % 2 ? '2026-12-31' : '3个工作日内',
      i % 5 === 0 ? '决策督查' : '',
      '办〔2026〕30号',
      `第${i}项的详情`,
      '王主任',
    ]);
  }
  rows[4]![1] = '王五'; // row 6: nobody
  rows[9]![1] = '刘洋'; // row 11: two members
  rows[14]![3] = '下下下周八'; // row 16: unreadable deadline
  rows[19]![0] = { formula: 'CONCAT("a","b")', result: 'ab' }; // row 21: a formula
  return rows;
}

async function office(): Promise<void> {
  bot = await testBot({ now: '2026-12-01T10:00:00+08:00' });
  // Two members called 刘洋: a name that matches two people is an error on its row.
  for (const id of ['ou_liu_a', 'ou_liu_b']) {
    bot.fake.addUser({ openId: id, name: '刘洋' });
    bot.fake.chats.get(GROUP)!.members.push(id);
  }
}

describe('batch intake', () => {
  it('a 30-row sheet with 4 bad rows previews, imports 26 in one transaction, and a re-import doubles nothing', async () => {
    await office();
    const bytes = await xlsx(thirtyRows());
    const file = await sendFile('leader', '分解立项.xlsx', bytes);
    expect(
      bot.fake.calls.some((c) => c.path === `/open-apis/im/v1/messages/${file.id}/resources/${file.content.file_key}` && c.query.includes('type=file')),
    ).toBe(true);
    const card = lastPreview();
    const text = bot.fake.textOf(card);
    expect(text).toContain('读取 30 行：可导入 **26** 项，已存在 0 项，有问题 4 行');
    expect(text).toContain('第 6 行「分解事项第5项」：主办「王五」不是本群成员');
    expect(text).toMatch(/第 11 行.*不止一位「刘洋」/);
    expect(text).toContain('时限「下下下周八」无法识别');
    expect(text).toMatch(/第 21 行.*事项是公式/);
    expect(text).toContain('第 2 行 分解事项第1项 · 主办 赵六');
    expect(await taskCount()).toBe(0);

    // One transaction: a row the database refuses half-way leaves nothing written.
    await bot.deps.db.run(
      sql.raw(`CREATE TRIGGER refuse_20 BEFORE INSERT ON tasks WHEN NEW.title = '分解事项第19项' BEGIN SELECT RAISE(ABORT, 'refused'); END`),
    );
    const value = buttonValue(card, 'import_confirm')!;
    expect(value).toMatchObject({ n: 26 });
    let r = await bot.click({ from: 'leader', value, messageId: card.id });
    expect(r.status).toBe(200);
    await bot.settle();
    expect(await taskCount()).toBe(0);
    expect(lastText()).toContain('读取表格时出错，什么也没有导入');
    await bot.deps.db.run(sql.raw('DROP TRIGGER refuse_20'));

    const before = bot.fake.messages.length;
    r = await bot.click({ from: 'leader', value, messageId: card.id });
    expect(r.body.card.data.body.elements[0].content).toContain('正在导入 26 项');
    await bot.settle();
    expect(await taskCount()).toBe(26);
    const sent = bot.fake.messages.slice(before);
    const inGroup = sent.filter((m) => m.chatId === GROUP);
    expect(inGroup).toHaveLength(1);
    expect(bot.fake.textOf(inGroup[0]!)).toMatch(/已导入「分解立项.xlsx」26 项：#1–#26，交办人 王主任。4 行有问题未导入/);
    // One p2p list per person: 张三, 赵六, 孙七, 李科长.
    const p2p = sent.filter((m) => m.chatType === 'p2p');
    expect(p2p.map((m) => m.receiveId).sort()).toEqual([PEOPLE.chief.openId, PEOPLE.sun.openId, PEOPLE.zhang.openId, PEOPLE.zhao.openId].sort());
    expect(bot.fake.textOf(p2p.find((m) => m.receiveId === PEOPLE.zhao.openId)!)).toMatch(/以下 \d+ 项由您承办/);
    const t1 = (await bot.deps.db.all(sql.raw(`SELECT title, source, detail, supervisor_id, due_at, creator_id FROM tasks WHERE number = 1`)))[0] as Record<
      string,
      unknown
    >;
    expect(t1).toMatchObject({
      title: '分解事项第1项',
      source: '办〔2026〕30号',
      detail: '第1项的详情',
      supervisor_id: PEOPLE.leader.openId,
      creator_id: PEOPLE.leader.openId,
    });
    expect(bot.fake.violations).toEqual([]);
    // Every new task's first event starts a valid hash chain.
    expect((await runVerifyLedger(bot.deps)).ok).toBe(true);

    // No task card was posted per task; the first change to a task brings its card into the group.
    const beforeAccept = bot.fake.messagesTo(GROUP).length;
    await bot.say({ from: 'zhao', text: '/签收 #1' });
    await bot.settle();
    const cards = bot.fake
      .messagesTo(GROUP)
      .slice(beforeAccept)
      .filter((m) => m.msgType === 'interactive');
    expect(cards).toHaveLength(1);
    expect(bot.fake.textOf(cards[0]!)).toContain('分解事项第1项');

    // The same click again: nothing more.
    await bot.click({ from: 'leader', value, messageId: card.id });
    await bot.settle();
    expect(await taskCount()).toBe(26);
    expect(lastText()).toContain('已经导入过了');

    // The same sheet sent again: every good row is already present.
    await sendFile('leader', '分解立项.xlsx', bytes);
    expect(bot.fake.textOf(lastPreview())).toContain('读取 30 行：可导入 **0** 项，已存在 26 项，有问题 4 行');
    expect(buttonValue(lastPreview(), 'import_confirm')).toBeNull();

    // The exported 台账 re-imported into another chat: every row present, nothing doubled.
    await bot.say({ from: 'leader', text: '/台账 全部' });
    await bot.settle();
    const ledger = bot.fake.files.at(-1)!;
    expect(ledger.fileName).toMatch(/\.xlsx$/);
    await sendFile('sun', ledger.fileName, ledger.bytes, { chatId: OTHER_GROUP });
    const other = lastPreview();
    expect(other.chatId).toBe(OTHER_GROUP);
    expect(bot.fake.textOf(other)).toContain('读取 26 行：可导入 **0** 项，已存在 26 项，有问题 0 行');
    expect(await taskCount()).toBe(26);
  });

  it('/导入 replying to a sheet previews it; /导入 模板 sends the template, which round-trips', async () => {
    await office();
    await bot.say({ from: 'chief', text: '/导入 模板' });
    await bot.settle();
    const template = bot.fake.files.at(-1)!;
    expect(template.fileName).toBe('督办事项导入模板.xlsx');
    expect(bot.fake.messagesTo(GROUP).some((m) => m.msgType === 'file' && m.content.file_key === template.fileKey)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(template.bytes) as never);
    const ws = wb.getWorksheet('导入')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    ws.addRow(['整理档案', '张三', '赵六', '周五', '专项督查', '会议纪要', '', '']);
    ws.addRow(['更新台账', '孙七', '', '', '', '', '', '']);
    const filled = new Uint8Array(await wb.xlsx.writeBuffer());
    // Sent without the group-message scope's delivery: the file is in the chat, and /导入 replies to it.
    const file = bot.fake.userSendsFile({ sender: PEOPLE.chief.openId, chatId: GROUP, fileName: '模板.xlsx', bytes: filled, messageId: 'om_tpl_file' });
    await bot.say({ from: 'chief', text: '/导入', parentId: file.id });
    await bot.settle();
    const card = lastPreview();
    expect(bot.fake.textOf(card)).toContain('读取 2 行：可导入 **2** 项');
    expect(bot.fake.textOf(card)).toMatch(/整理档案 · 主办 张三 · 协办 赵六 · 12月4日（周五） 18:00 · 专项督查 · 会议纪要/);
    await bot.click({ from: 'chief', value: buttonValue(card, 'import_confirm')!, messageId: card.id });
    await bot.settle();
    expect(await taskCount()).toBe(2);
    // Someone who may not assign is refused and nothing changes.
    await bot.say({ from: 'leader', text: '/设置 交办人 @李科长', mention: ['chief'] });
    await bot.settle();
    await bot.say({ from: 'zhang', text: '/导入', parentId: file.id });
    await bot.settle();
    expect(lastText()).toContain('只有可以在本群交办的人才能导入事项');
    await bot.click({ from: 'zhang', value: buttonValue(card, 'import_confirm')!, messageId: card.id });
    expect(await taskCount()).toBe(2);
  });

  it('refuses what it cannot read with one specific sentence: too large, too many rows, wrong columns, a broken file; reads a GBK CSV', async () => {
    await office();
    await sendFile('leader', 'big.xlsx', new Uint8Array(10 * 1024 * 1024 + 1));
    expect(lastText()).toContain('文件超过 10 MB，无法导入');
    const many = `${HEADER.join(',')}\n${Array.from({ length: 2001 }, (_, i) => `事项${i},张三,,,,,,`).join('\n')}`;
    await sendFile('leader', 'many.csv', new TextEncoder().encode(many));
    expect(lastText()).toContain('表格超过 2000 行，无法导入');
    // A spreadsheet without the intake columns, shared in the group: left alone; asked with /导入: told why.
    const count = bot.fake.messages.length;
    const cols = await sendFile('leader', 'cols.xlsx', await xlsx([['a', 'b']], ['名称', '负责人']));
    expect(bot.fake.messages.length).toBe(count);
    await bot.say({ from: 'leader', text: '/导入', parentId: cols.id });
    await bot.settle();
    expect(lastText()).toContain('表头缺少「事项、主办」列');
    await sendFile('leader', 'fake.xlsx', new TextEncoder().encode('not a zip at all'));
    expect(lastText()).toContain('不是有效的 .xlsx 表格');
    // A zip whose directory claims parts unpacking past the bound is refused before anything is inflated.
    const bomb = zipClaiming(40 * 1024 * 1024);
    await sendFile('leader', 'bomb.xlsx', bomb);
    expect(lastText()).toContain('表格解压后超过 32 MB，无法导入');
    // Formulas (a CSV cell starting with =) and overlong cells are problems on their rows.
    const hostile = `事项,主办,详情\n"=HYPERLINK(""http://x"",""y"")",张三,\n超长详情,张三,${'长'.repeat(2001)}\n正常事项,张三,ok\n`;
    await sendFile('leader', 'hostile.csv', new TextEncoder().encode(hostile));
    const h = bot.fake.textOf(lastPreview());
    expect(h).toContain('读取 3 行：可导入 **1** 项，已存在 0 项，有问题 2 行');
    expect(h).toContain('第 2 行：事项是公式，请改为数值');
    expect(h).toContain('详情超过 2000 字');
    await sendFile('leader', 'twice.csv', new TextEncoder().encode('事项,主办,主办人\n甲,张三,赵六\n'));
    expect(lastText()).toContain('表头中「主办人」出现了两次');
    const gbk = Buffer.from([...iconvGbk('事项,主办\n'), ...iconvGbk('核对名单,张三\n')]);
    await sendFile('leader', 'gbk.csv', gbk);
    expect(bot.fake.textOf(lastPreview())).toContain('读取 1 行：可导入 **1** 项');
    expect(bot.fake.textOf(lastPreview())).toContain('按 GBK 编码读取');
    expect(await taskCount()).toBe(0);
    expect(bot.fake.violations).toEqual([]);
  });
});

describe('at the bound', () => {
  it('a sheet of exactly 2,000 rows previews on one bounded card and imports all of them in one transaction', async () => {
    await office();
    const rows = Array.from({ length: 2000 }, (_, i) => [
      `事项${i + 1}${'长'.repeat(150)}`,
      ['张三', '赵六', '孙七'][i % 3],
      '',
      '2027-01-15',
      '',
      `来源${i}`,
      '详'.repeat(500),
      '',
    ]);
    const t0 = performance.now();
    await sendFile('leader', '两千行.xlsx', await xlsx(rows));
    const previewMs = performance.now() - t0;
    const card = lastPreview();
    expect(bot.fake.textOf(card)).toContain('读取 2000 行：可导入 **2000** 项');
    const t1 = performance.now();
    await bot.click({ from: 'leader', value: buttonValue(card, 'import_confirm')!, messageId: card.id });
    await bot.settle();
    const importMs = performance.now() - t1;
    expect(await taskCount()).toBe(2000);
    // One summary in the group and one list to each of the three people (queued in the same transaction).
    const queued = (await bot.deps.db.all(sql.raw(`SELECT kind, body FROM outbox ORDER BY id`))) as Array<{ kind: string; body: string }>;
    const after = queued.slice(1);
    expect(after.map((r) => r.kind)).toEqual(['reply', 'send', 'send', 'send']);
    expect(JSON.parse(after[0]!.body).content.text).toContain('已导入「两千行.xlsx」2000 项：#1–#2000');
    expect(bot.fake.violations).toEqual([]);
    if (process.env.INTAKE_FIGURES)
      console.log(JSON.stringify({ previewMs: Math.round(previewMs), importMs: Math.round(importMs), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) }));
  }, 60_000);
});

describe('in English', () => {
  it('previews and imports with English headers and answers', async () => {
    bot = await testBot({ now: '2026-12-01T10:00:00+08:00', lang: 'en' });
    await bot.say({ from: 'chief', text: '/import template' });
    await bot.settle();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bot.fake.files.at(-1)!.bytes) as never);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['Title', 'Lead', 'Co', 'Due', 'Category', 'Source', 'Detail', 'Supervisor']);
    ws.addRow(['Update the register', '张三', '', 'friday', 'special', '', '', '']);
    ws.addRow(['Ghost task', 'Nobody', '', '', '', '', '', '']);
    await sendFile('chief', 'tasks.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));
    const card = lastPreview();
    // Quotes in user text reach the card escaped as entities (bot/cards/escape.ts); Lark shows them as quotes.
    const text = bot.fake.textOf(card).replace(/&#34;/g, '"');
    expect(text).toContain('Read 2 rows: **1** to create, 0 already present, 1 with problems');
    expect(text).toContain('Row 3 "Ghost task": Lead "Nobody" is not a member of this chat');
    await bot.click({ from: 'chief', value: buttonValue(card, 'import_confirm')!, messageId: card.id });
    await bot.settle();
    expect(lastText()).toMatch(/Imported 1 from "tasks.xlsx": #1–#1, assigned by 李科长/);
  });
});

/** A minimal zip: one stored entry, its central directory claiming `size` bytes unpacked. */
function zipClaiming(size: number): Uint8Array {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length, 16);
  return new Uint8Array(Buffer.concat([local, name, central, name, end]));
}

/** GBK bytes of a few Chinese words (a table, so the test needs no encoder library). */
function iconvGbk(s: string): number[] {
  const table: Record<string, number[]> = {
    事: [0xca, 0xc2],
    项: [0xcf, 0xee],
    主: [0xd6, 0xf7],
    办: [0xb0, 0xec],
    核: [0xba, 0xcb],
    对: [0xb6, 0xd4],
    名: [0xc3, 0xfb],
    单: [0xb5, 0xa5],
    张: [0xd5, 0xc5],
    三: [0xc8, 0xfd],
  };
  return [...s].flatMap((c) => table[c] ?? [c.charCodeAt(0)]);
}
