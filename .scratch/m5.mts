import ExcelJS from 'exceljs';
import { readSheet, unzippedSize } from '../bot/intake-sheet.ts';
async function build(rows: number, cellChars: number) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入');
  ws.addRow(['事项', '主办', '协办', '时限', '类别', '来源', '详情', '督办领导']);
  for (let i = 0; i < rows; i++) {
    const b = (k: number) => 'x'.repeat(cellChars) + i + '-' + k;
    ws.addRow([b(1), b(2), b(3), b(4), b(5), b(6), b(7), '王主任']);
  }
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
let ok = 'read';
try {
  const tb = await readSheet('xlsx', bytes);
  ok = `read ${tb.rows.length}`;
} catch (e) {
  ok = String((e as Error).message);
}
const ms = performance.now() - t0;
clearInterval(iv);
console.log(
  JSON.stringify({
    rows: arg[0],
    chars: arg[1],
    fileMB: (bytes.byteLength / 2 ** 20).toFixed(2),
    unzippedMB: (unzippedSize(bytes) / 2 ** 20).toFixed(1),
    ms: Math.round(ms),
    maxStallMs: Math.round(maxGap),
    ok,
  }),
);
