import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
async function build(rows: number, cellChars: number) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入');
  ws.addRow(['事项', '主办', '协办', '时限', '类别', '来源', '详情', '督办领导']);
  for (let i = 0; i < rows; i++)
    ws.addRow([
      `事项${i}`,
      '张三',
      { formula: 'A1' },
      new Date(Date.UTC(2027, 0, 15, 18)),
      '决策督查',
      `办${i}`,
      'x'.repeat(cellChars) + i,
      { richText: [{ text: 'ab' }] },
    ]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
const arg = process.argv.slice(2).map(Number);
const bytes = await build(arg[0]!, arg[1]!);
let last = performance.now(),
  maxGap = 0;
const iv = setInterval(() => {
  const n = performance.now();
  maxGap = Math.max(maxGap, n - last);
  last = n;
}, 5);
const t0 = performance.now();
const reader = new (ExcelJS as any).stream.xlsx.WorkbookReader(Readable.from([Buffer.from(bytes)]), {
  sharedStrings: 'cache',
  hyperlinks: 'ignore',
  styles: 'cache',
  worksheets: 'emit',
  entries: 'emit',
});
let n = 0;
let first: unknown = null;
let second: unknown = null;
outer: for await (const ws of reader) {
  for await (const row of ws) {
    n++;
    if (n === 1) first = row.values;
    if (n === 2) second = row.values;
    if (n > 2001) break outer;
  }
  break;
}
const ms = performance.now() - t0;
clearInterval(iv);
console.log(JSON.stringify({ n, ms: Math.round(ms), maxStallMs: Math.round(maxGap), first, second }));
