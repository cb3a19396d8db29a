/**
 * A submitted task in the exported 台账 (SPEC §2: submission stops the assignee's clock): submitted
 * by its deadline, it is not marked late while it waits for review, its light is green; submitted
 * after the deadline, it is late already. Through the webhook, the ledger read back with exceljs.
 */
import ExcelJS from 'exceljs';
import { afterEach, expect, it } from 'vitest';
import { testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function say(from: Person, text: string, mention: Person[] = []) {
  const { res } = await bot.say({ from, text, mention });
  expect(res.status).toBe(200);
  await bot.settle();
}

it('a submission waiting for review is not late in the ledger; a late submission is', async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-11-25 18:00', ['zhang']);
  await say('chief', '/交办 @孙七 核对消防台账 截止 2026-11-24 18:00', ['sun']);
  bot.setNow('2026-11-24T16:30:00+08:00');
  await say('zhang', '/办结 #1 初稿已完成');
  bot.setNow('2026-11-26T10:00:00+08:00');
  await say('sun', '/办结 #2 已核对');
  bot.setNow('2026-11-27T10:00:00+08:00');
  await say('chief', '/台账 全部');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bot.fake.files.at(-1)!.bytes) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('督查台账')!;
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const cell = (r: number, name: string) => (ws.getRow(r).values as unknown[]).slice(1)[header.indexOf(name)] ?? '';
  expect(cell(2, '状态')).toBe('待审核');
  expect(String(cell(2, '亮灯'))).toContain('绿');
  expect(cell(2, '是否按时')).toBe('');
  expect(cell(3, '状态')).toBe('待审核');
  expect(cell(3, '是否按时')).toBe('否');
}, 60_000);
