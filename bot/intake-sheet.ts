/**
 * The sheet of a batch intake: bytes of an .xlsx or .csv in, a table of text cells out
 * (bot/domain/intake.ts reads the rows); and the empty template out. I/O-free.
 *
 * Bounded before anything is parsed: the file is at most MAX_INTAKE_BYTES (the download stops
 * there); an .xlsx is a zip, and its central directory says how large its parts unpack — past
 * MAX_UNZIPPED_BYTES (a "zip bomb", or a sheet far beyond 2,000 rows) it is refused unread.
 * A CSV is read in UTF-8, or in GBK when it is not valid UTF-8 (Excel on a Chinese system saves
 * CSV in GBK). More than MAX_INTAKE_ROWS data rows: refused as a whole. An .xlsx is read with
 * exceljs's streaming reader, which stops past the row limit: on a 2-core EPYC a 2,000-row sheet
 * reads in 0.4–0.7 s with the event loop never held over ~120 ms, and a 30 MB (unpacked) sheet of
 * 78,000 rows is refused in 1.2 s the same way (the in-memory workbook took 6.6 s and held the loop).
 *
 * exceljs is loaded on the first sheet read, as for the 台账.
 */
import type ExcelJS from 'exceljs';
import { COLUMN_HEADERS, MAX_INTAKE_BYTES, MAX_INTAKE_ROWS, TEMPLATE_COLUMNS, type SheetCell, type SheetTable } from './domain/intake.js';
import type { Lang } from './domain/types.js';
import { t } from './i18n.js';

/** What the parts of an .xlsx may unpack to, in all. */
export const MAX_UNZIPPED_BYTES = 32 * 1024 * 1024;
/** Columns read per row; cells further right are ignored. */
const MAX_COLUMNS = 40;

export type SheetKind = 'xlsx' | 'csv';

/** Why a file cannot be read at all: an i18n key under `intake.file.` and its parameters. */
export class SheetError extends Error {
  constructor(
    readonly key: 'too_large' | 'too_many_rows' | 'not_xlsx' | 'not_csv' | 'empty' | 'unzipped_too_large' | 'encrypted',
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
    this.name = 'SheetError';
  }
}

/** The kind a file name says, or null for anything that is no sheet duban reads (.xls included). */
export function sheetKindOf(fileName: string): SheetKind | null {
  const m = /\.(xlsx|csv)$/i.exec(fileName.trim());
  return m ? (m[1]!.toLowerCase() as SheetKind) : null;
}

/** Reads the first worksheet (or the CSV) into a table: the first non-empty row is the header. */
export async function readSheet(kind: SheetKind, bytes: Uint8Array): Promise<SheetTable> {
  if (bytes.byteLength > MAX_INTAKE_BYTES) throw new SheetError('too_large', { mb: MAX_INTAKE_BYTES / 2 ** 20 });
  if (bytes.byteLength === 0) throw new SheetError('empty');
  const table = kind === 'csv' ? readCsv(bytes) : await readXlsx(bytes);
  if (table.rows.length > MAX_INTAKE_ROWS) throw new SheetError('too_many_rows', { max: MAX_INTAKE_ROWS });
  return table;
}

// ---- .xlsx ----------------------------------------------------------------------------------

/**
 * The sum of the uncompressed sizes the zip's central directory lists (APPNOTE.TXT 4.3.12,
 * 4.3.16): read from the end record, before any part is inflated. Throws for a file that is no
 * zip, or a ZIP64 one (an .xlsx of a sheet duban takes never needs it).
 */
export function unzippedSize(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const from = Math.max(0, bytes.byteLength - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.byteLength - 22; i >= from; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new SheetError('not_xlsx');
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || at === 0xffffffff) throw new SheetError('unzipped_too_large', { mb: MAX_UNZIPPED_BYTES / 2 ** 20 });
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.byteLength || view.getUint32(at, true) !== 0x02014b50) throw new SheetError('not_xlsx');
    const size = view.getUint32(at + 24, true);
    if (size === 0xffffffff) throw new SheetError('unzipped_too_large', { mb: MAX_UNZIPPED_BYTES / 2 ** 20 });
    total += size;
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return total;
}

async function readXlsx(bytes: Uint8Array): Promise<SheetTable> {
  // An encrypted workbook is an OLE compound file, not a zip (its first bytes D0 CF 11 E0).
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) throw new SheetError('encrypted');
  if (unzippedSize(bytes) > MAX_UNZIPPED_BYTES) throw new SheetError('unzipped_too_large', { mb: MAX_UNZIPPED_BYTES / 2 ** 20 });
  const excel = (await import('exceljs')).default;
  let header: string[] | null = null;
  const rows: SheetTable['rows'] = [];
  /** One row's values (1-based, as exceljs gives them); false once the sheet has more rows than are read. */
  const take = (values: ExcelJS.CellValue[], line: number): boolean => {
    const cells: SheetCell[] = [];
    for (let c = 1; c < Math.min(values.length, MAX_COLUMNS + 1); c++) cells.push(cellOf(values[c] ?? null));
    if (!header) {
      if (cells.some((x) => x.text)) header = cells.map((x) => x.text);
      return true;
    }
    if (cells.every((x) => !x.text && !x.date && !x.formula)) return true;
    if (rows.length >= MAX_INTAKE_ROWS) return false;
    rows.push({ line, cells });
    return true;
  };
  const Reader = (excel as { stream?: { xlsx?: { WorkbookReader?: new (input: unknown, options: unknown) => AsyncIterable<AsyncIterable<ExcelJS.Row>> } } })
    .stream?.xlsx?.WorkbookReader;
  let complete = true;
  try {
    if (Reader) {
      // Node: the streaming reader parses the first worksheet row by row and stops past the row
      // limit — a long sheet costs the rows read, not its length, and the event loop keeps turning.
      const { Readable } = await import('node:stream');
      const reader = new Reader(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), {
        sharedStrings: 'cache',
        styles: 'cache',
        hyperlinks: 'ignore',
        worksheets: 'emit',
        entries: 'emit',
      });
      for await (const ws of reader) {
        for await (const row of ws) {
          if (!take(row.values as ExcelJS.CellValue[], row.number)) {
            complete = false;
            break;
          }
        }
        break;
      }
    } else {
      // Workers' build has no streaming reader: the workbook in memory, bounded by the size checks above.
      const wb = new excel.Workbook();
      await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
      const ws = wb.worksheets[0];
      ws?.eachRow({ includeEmpty: false }, (row, line) => {
        if (complete && !take(row.values as ExcelJS.CellValue[], line)) complete = false;
      });
    }
  } catch (err) {
    if (err instanceof SheetError) throw err;
    throw new SheetError('not_xlsx');
  }
  if (!complete) throw new SheetError('too_many_rows', { max: MAX_INTAKE_ROWS });
  if (!header) throw new SheetError('empty');
  return { header, rows };
}

/** One exceljs cell value as text (a date as its wall-clock day and time; a formula flagged, never evaluated). */
function cellOf(v: ExcelJS.CellValue): SheetCell {
  if (v === null || v === undefined) return { text: '' };
  if (v instanceof Date) {
    // exceljs reads an Excel date as that wall-clock time in UTC.
    if (Number.isNaN(v.getTime())) return { text: '' };
    const iso = v.toISOString();
    return { text: `${iso.slice(0, 10)} ${iso.slice(11, 16)}`, date: { ymd: iso.slice(0, 10), hhmm: iso.slice(11, 16) } };
  }
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { text: String(v) };
  if (typeof v === 'object') {
    if ('formula' in v || 'sharedFormula' in v) return { text: '', formula: true };
    if ('richText' in v && Array.isArray(v.richText)) return { text: v.richText.map((r) => r.text ?? '').join('') };
    if ('text' in v && typeof v.text === 'string') return { text: v.text };
    if ('error' in v) return { text: '' };
  }
  return { text: '' };
}

// ---- .csv -----------------------------------------------------------------------------------

function decodeCsv(bytes: Uint8Array): { text: string; gbk: boolean } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), gbk: false };
  } catch {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(body), gbk: true };
    } catch {
      throw new SheetError('not_csv');
    }
  }
}

/** RFC 4180: commas, quoted fields with "" escapes and line breaks inside quotes; stops past the row limit. */
function readCsv(bytes: Uint8Array): SheetTable {
  const { text, gbk } = decodeCsv(bytes);
  if (text.includes('\u0000')) throw new SheetError('not_csv');
  const records: Array<{ line: number; fields: string[] }> = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields: fields.slice(0, MAX_COLUMNS) });
    fields = [];
    field = '';
    if (records.length > MAX_INTAKE_ROWS + 1) throw new SheetError('too_many_rows', { max: MAX_INTAKE_ROWS });
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (field !== '' || fields.length) endRecord();
  const [head, ...rest] = records;
  if (!head) throw new SheetError('empty');
  return {
    header: head.fields,
    // A leading = + - @ makes a CSV cell a formula when opened in a spreadsheet: flagged like an .xlsx formula.
    rows: rest.map((r) => ({
      line: r.line,
      cells: r.fields.map((f) => (/^[=+@]/.test(f.trim()) || /^-\D/.test(f.trim()) ? { text: '', formula: true } : { text: f })),
    })),
    gbk,
  };
}

// ---- the template -----------------------------------------------------------------------------

/** The empty template: sheet 导入 with the columns' headers, and a sheet of instructions. */
export async function templateXlsx(lang: Lang): Promise<Uint8Array> {
  const excel = (await import('exceljs')).default;
  const wb = new excel.Workbook();
  const ws = wb.addWorksheet(t(lang, 'intake.sheet_name'), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = TEMPLATE_COLUMNS.map((c) => ({
    header: lang === 'zh' ? COLUMN_HEADERS[c][0]! : t('en', `intake.column.${c}`),
    key: c,
    width: c === 'title' || c === 'detail' ? 36 : 14,
  }));
  ws.getRow(1).font = { bold: true };
  const help = wb.addWorksheet(t(lang, 'intake.help_sheet_name'));
  help.getColumn(1).width = 100;
  for (const line of t(lang, 'intake.help_lines').split('\n')) help.addRow([line]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
