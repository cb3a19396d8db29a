import ExcelJS from 'exceljs';
import { readSheet, unzippedSize } from '../bot/intake-sheet.ts';
async function build(rows: number, cellChars: number) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入');
  ws.addRow(['事项', '主办', '协办', '时限', '类别', '来源', '详情', '督办领导']);
  for (let i = 0; i < rows; i++) ws.addRow([`事项${i}`, '张三', '赵六', 46000 + (i % 300), '决策督查', `办${i}`, 'x'.repeat(cellChars) + i, '王主任']);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
for (const [rows, chars] of [[78000, 10]] as const) {
  const bytes = await build(rows, chars);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let ok = 'read';
  try {
    const tb = await readSheet('xlsx', bytes);
    ok = `read ${tb.rows.length}`;
  } catch (e) {
    ok = String((e as Error).message);
  }
  const ms = performance.now() - t0;
  console.log(
    JSON.stringify({
      rows,
      chars,
      fileMB: (bytes.byteLength / 2 ** 20).toFixed(2),
      unzippedMB: (unzippedSize(bytes) / 2 ** 20).toFixed(1),
      ms: Math.round(ms),
      rssDeltaMB: Math.round((process.memoryUsage().rss - rss0) / 2 ** 20),
      ok,
    }),
  );
}
