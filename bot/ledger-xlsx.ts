/**
 * The 督查台账 workbook (SPEC §6): sheet 督查台账 with one row per task, the header frozen,
 * the 亮灯 cell filled red/yellow/green; sheet 事件日志 with the hash-chained event log an
 * inspector can check against `npm run job -- verify-ledger`. I/O-free: rows in, bytes out.
 *
 * Times are written as real Excel dates showing the office's wall-clock time: Excel has no
 * time zones, so each instant is shifted by the zone's offset at that instant before writing.
 *
 * Written with exceljs's streaming writer, row by row into zip chunks: the in-memory workbook
 * model needs about 1 GB and tens of seconds for a 10,000-task ledger with its event log. Rows
 * come in batches (writeLedgerXlsx), the first sheet's all before the second's: the writer
 * zips one sheet at a time, so a sheet written beside another would wait in memory.
 * Workers bundle exceljs's browser build, which has no streaming writer; there the in-memory
 * workbook writes the same sheets.
 *
 * exceljs is loaded on the first export, not at start: it is a large library only /台账 needs.
 */
import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { Lang } from './domain/types.js';
import type { EventLogRow, LedgerRow } from './domain/ledger.js';
import { hasMessage, t, type MessageKey } from './i18n.js';
import { nextTurn } from './turn.js';
import { wallClock } from './cards/time.js';

export const LIGHT_FILL: Record<'red' | 'yellow' | 'green', string> = {
  red: 'FFFFC7CE',
  yellow: 'FFFFEB9C',
  green: 'FFC6EFCE',
};

const HEADER_FILL = 'FFD9E1F2';
/**
 * Rows written between two turns of the event loop: a 10,000-task ledger is seconds of work,
 * and webhooks arriving meanwhile must still be answered within Lark's 3 s.
 */
const ROWS_PER_TURN = 200;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm';

/** Column keys of sheet 督查台账, in SPEC §6 order, with widths in characters. */
export const LEDGER_COLUMNS = [
  ['index', 6],
  ['number', 8],
  ['title', 36],
  ['category', 10],
  ['source', 18],
  ['creator', 10],
  ['lead', 10],
  ['co', 18],
  ['assigned_at', 17],
  ['due', 17],
  ['state', 9],
  ['light', 7],
  ['progress', 40],
  ['done_at', 17],
  ['on_time', 9],
  ['extensions', 9],
  ['chases', 9],
  ['series', 16],
  ['last_chase', 17],
  ['read_at', 17],
] as const;

export const EVENT_COLUMNS = [
  ['number', 8],
  ['seq', 6],
  ['at', 17],
  ['event', 12],
  ['actor', 12],
  ['detail', 60],
  ['hash', 66],
] as const;

export interface LedgerXlsxOptions {
  /** IANA zone the dates are shown in (DUBAN_TZ). */
  timeZone?: string;
  /** Give up with LedgerTooLargeError once the file is larger than this many bytes. */
  maxBytes?: number;
  /**
   * Give up with LedgerTooLargeError before a page whose cells would take the sheets past this
   * many bytes of content goes in (default: the writer's, MAX_CONTENT_BYTES).
   */
  maxContentBytes?: number;
}

/**
 * The most content (the cells' text in UTF-8, plus a little per cell for its XML) a workbook
 * takes, per writer, checked page by page before each page goes in: the same bound on every
 * runtime, set by what the writer holds. The streaming writer (Node) holds one page and the
 * compressed file: its bound is the time spent, and the file limit usually decides first (the
 * compressed file is about a tenth of the content).
 * The in-memory workbook (Workers' exceljs build) holds every cell as objects, ≈ 8× the content
 * (measured: 1.5 MB of content, 12.6 MB of heap; 6.1 MB, 49.7 MB): 6 MB keeps it near 50 MB of
 * a Worker's 128 MB, about 4,000 tasks with four events each.
 */
export const MAX_CONTENT_BYTES = { streaming: 256 * 2 ** 20, inMemory: 6 * 2 ** 20 } as const;
/** Per cell beyond its text: its reference, style and type in the sheet's XML. */
const CELL_OVERHEAD_BYTES = 16;

/** UTF-8 length of a cell's text; numbers and dates count as a short number. */
function cellBytes(v: unknown): number {
  if (typeof v !== 'string') return 8 + CELL_OVERHEAD_BYTES;
  let n = v.length;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // Two bytes below U+0800, three above (a surrogate pair: 2 × 2 = the 4 bytes it takes).
    if (c >= 0x80) n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdfff ? 1 : 2;
  }
  return n + CELL_OVERHEAD_BYTES;
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center' };
  row.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.border = { bottom: { style: 'thin' } };
  });
}

/**
 * The workbook would be larger than `maxBytes` (Lark takes files up to 30 MB: `file`), or its
 * content more than the writer takes (`content`, MAX_CONTENT_BYTES).
 */
export class LedgerTooLargeError extends Error {
  constructor(
    readonly maxBytes: number,
    readonly bound: 'file' | 'content' = 'file',
  ) {
    super(`ledger workbook ${bound} larger than ${maxBytes} bytes`);
    this.name = 'LedgerTooLargeError';
  }
}

type Batches<T> = AsyncIterable<readonly T[]> | Iterable<readonly T[]>;

/** What the workbook is written from: batches (pages) of rows, in order. */
export interface LedgerXlsxSource {
  /** Sheet 督查台账. */
  rows: Batches<LedgerRow>;
  /** Sheet 事件日志: iterated only once every row of the first sheet is written. */
  events: Batches<EventLogRow>;
}

/** Builds the .xlsx: sheet 督查台账 from `rows`, sheet 事件日志 from `events`. */
export async function buildLedgerXlsx(
  rows: readonly LedgerRow[],
  events: readonly EventLogRow[],
  lang: Lang,
  options: LedgerXlsxOptions = {},
): Promise<Uint8Array> {
  return writeLedgerXlsx({ rows: [rows], events: [events] }, lang, options);
}

/**
 * Builds the .xlsx from batches of rows, one sheet after the other: on Node each batch goes
 * into the zip before the next is asked for, so a ledger of any size is written holding one
 * page of rows (and the compressed file). Throws LedgerTooLargeError before a page that would
 * take the content past its bound goes in (on every runtime), and as soon as the file passes
 * `maxBytes` (per page on Node; Workers' in-memory workbook has no size until it is written).
 */
export async function writeLedgerXlsx(source: LedgerXlsxSource, lang: Lang, options: LedgerXlsxOptions = {}): Promise<Uint8Array> {
  const local = wallClock(options.timeZone ?? 'Asia/Shanghai');
  const tr = (key: MessageKey) => t(lang, key);
  const maxBytes = options.maxBytes ?? Infinity;
  const sink = openSink((await import('exceljs')).default);
  const maxContent = options.maxContentBytes ?? MAX_CONTENT_BYTES[sink.streaming ? 'streaming' : 'inMemory'];
  let content = 0;
  /** A page's rows go in only if the content stays within the bound: nothing is built past it. */
  const admit = (rows: readonly unknown[][]) => {
    for (const r of rows) for (const v of r) content += cellBytes(v);
    if (content > maxContent) throw new LedgerTooLargeError(maxContent, 'content');
  };
  const wb = sink.wb;
  wb.creator = 'duban';
  let written = 0;
  /** Between two turns of the event loop every ROWS_PER_TURN rows, across batches. */
  const pace = async () => {
    if (++written % ROWS_PER_TURN === 0) await nextTurn();
  };
  const checkSize = () => {
    if (sink.size() > maxBytes) throw new LedgerTooLargeError(maxBytes);
  };

  const main = wb.addWorksheet(tr('ledger_sheet_main'), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  main.columns = LEDGER_COLUMNS.map(([key, width]) => ({ header: tr(`ledger_col_${key}`), key, width }));
  main.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: LEDGER_COLUMNS.length } };
  styleHeader(main.getRow(1));
  main.getRow(1).commit();
  const yesNo = (v: boolean | null) => (v === null ? '' : tr(v ? 'ledger_yes' : 'ledger_no'));
  const wrap: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'top' };
  const lightLabel = { red: tr('ledger_light_red'), yellow: tr('ledger_light_yellow'), green: tr('ledger_light_green') };
  const fills = Object.fromEntries(
    Object.entries(LIGHT_FILL).map(([k, argb]) => [k, { type: 'pattern', pattern: 'solid', fgColor: { argb } } as ExcelJS.Fill]),
  ) as Record<keyof typeof LIGHT_FILL, ExcelJS.Fill>;

  for await (const batch of source.rows) {
    const values = batch.map((r) => [
      r.index,
      `#${r.number}`,
      r.title,
      r.category ? tr(`ledger_category_${r.category}`) : '',
      r.source ?? '',
      r.creator,
      r.lead,
      r.co.join('、'),
      local(r.assignedAt),
      local(r.dueAt),
      tr(`ledger_state_${r.state}`),
      r.light ? lightLabel[r.light] : '',
      r.latestProgress,
      local(r.doneAt),
      yesNo(r.onTime),
      r.extensions,
      r.chases,
      r.series ?? '',
      local(r.lastChaseAt ?? null),
      r.lastChaseAt ? (r.readAt ? local(r.readAt) : tr('ledger_unread')) : '',
    ]);
    admit(values);
    for (const [i, r] of batch.entries()) {
      await pace();
      const row = main.addRow(values[i]!);
      for (const c of [9, 10, 14, 19]) row.getCell(c).numFmt = DATE_FORMAT;
      if (r.readAt) row.getCell(20).numFmt = DATE_FORMAT;
      row.getCell(3).alignment = wrap;
      row.getCell(13).alignment = wrap;
      if (r.light) row.getCell(12).fill = fills[r.light];
      row.commit();
    }
    checkSize();
  }
  commitSheet(main);

  const log = wb.addWorksheet(tr('ledger_sheet_events'), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  log.columns = EVENT_COLUMNS.map(([key, width]) => ({ header: tr(`ledger_col_${key}`), key, width }));
  styleHeader(log.getRow(1));
  log.getRow(1).commit();
  const kindLabels = new Map<string, string>();
  for await (const batch of source.events) {
    const values = batch.map((e) => {
      let label = kindLabels.get(e.kind);
      if (label === undefined) {
        const key = `ledger_event_${e.kind}`;
        label = hasMessage(key) ? tr(key) : e.kind;
        kindLabels.set(e.kind, label);
      }
      return [`#${e.number}`, e.seq, local(e.at), label, e.actor, e.detail, e.hash];
    });
    admit(values);
    for (const v of values) {
      await pace();
      const row = log.addRow(v);
      row.getCell(3).numFmt = DATE_FORMAT;
      row.commit();
    }
    checkSize();
  }
  commitSheet(log);
  const bytes = await sink.finish();
  if (bytes.length > maxBytes) throw new LedgerTooLargeError(maxBytes);
  return bytes;
}

type AnyWorkbook = ExcelJS.Workbook | ExcelJS.stream.xlsx.WorkbookWriter;

/** The streaming writer when this exceljs build has one (Node), else the in-memory workbook. */
function openSink(excel: typeof ExcelJS): { wb: AnyWorkbook; streaming: boolean; size(): number; finish(): Promise<Uint8Array> } {
  const Writer = (excel as { stream?: typeof ExcelJS.stream }).stream?.xlsx?.WorkbookWriter;
  if (!Writer) {
    const wb = new excel.Workbook();
    return { wb, streaming: false, size: () => 0, finish: async () => new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer) };
  }
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (c: Buffer) => {
    chunks.push(c);
    size += c.length;
  });
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const wb = new Writer({ stream, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 6 } } });
  return {
    wb,
    streaming: true,
    size: () => size,
    async finish() {
      await wb.commit();
      await ended;
      return new Uint8Array(Buffer.concat(chunks));
    },
  };
}

function commitSheet(ws: ExcelJS.Worksheet): void {
  (ws as { commit?: () => void }).commit?.();
}
