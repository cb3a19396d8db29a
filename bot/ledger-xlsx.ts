/**
 * The 督查台账 workbook (SPEC §6): sheet 督查台账 with one row per task, the header frozen,
 * the 亮灯 cell filled red/yellow/green; sheet 事件日志 with the hash-chained event log an
 * inspector can check against `npm run job -- verify-ledger`. I/O-free: rows in, bytes out.
 *
 * Times are written as real Excel dates showing the office's wall-clock time: Excel has no
 * time zones, so each instant is shifted by the zone's offset at that instant before writing.
 */
import ExcelJS from 'exceljs';
import type { Lang } from './domain/types.js';
import type { EventLogRow, LedgerRow } from './domain/ledger.js';
import { hasMessage, t } from './i18n.js';

export const LIGHT_FILL: Record<'red' | 'yellow' | 'green', string> = {
  red: 'FFFFC7CE',
  yellow: 'FFFFEB9C',
  green: 'FFC6EFCE',
};

const HEADER_FILL = 'FFD9E1F2';
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
}

/** Shifts instants to wall-clock "UTC" dates of a zone, memoising the offset per hour. */
function wallClock(timeZone: string): (d: Date | null) => Date | null {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const hour = Math.floor(ms / 3_600_000);
    let off = offsets.get(hour);
    if (off === undefined) {
      const p = Object.fromEntries(fmt.formatToParts(new Date(hour * 3_600_000)).map((x) => [x.type, x.value]));
      const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
      off = asUtc - hour * 3_600_000;
      offsets.set(hour, off);
    }
    return off;
  };
  return (d) => (d ? new Date(d.getTime() + offsetAt(d.getTime())) : null);
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center' };
  row.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.border = { bottom: { style: 'thin' } };
  });
}

/** Builds the .xlsx: sheet 督查台账 from `rows`, sheet 事件日志 from `events`. */
export async function buildLedgerXlsx(
  rows: readonly LedgerRow[],
  events: readonly EventLogRow[],
  lang: Lang,
  options: LedgerXlsxOptions = {},
): Promise<Uint8Array> {
  const local = wallClock(options.timeZone ?? 'Asia/Shanghai');
  const tr = (key: string) => t(lang, key);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'duban';

  const main = wb.addWorksheet(tr('ledger_sheet_main'), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  main.columns = LEDGER_COLUMNS.map(([key, width]) => ({ header: tr(`ledger_col_${key}`), key, width }));
  styleHeader(main.getRow(1));
  for (const key of ['assigned_at', 'due', 'done_at'] as const) main.getColumn(key).numFmt = DATE_FORMAT;
  main.getColumn('title').alignment = { wrapText: true, vertical: 'top' };
  main.getColumn('progress').alignment = { wrapText: true, vertical: 'top' };
  const yesNo = (v: boolean | null) => (v === null ? '' : tr(v ? 'ledger_yes' : 'ledger_no'));

  for (const r of rows) {
    const row = main.addRow({
      index: r.index,
      number: `#${r.number}`,
      title: r.title,
      category: r.category ? tr(`ledger_category_${r.category}`) : '',
      source: r.source ?? '',
      creator: r.creator,
      lead: r.lead,
      co: r.co.join('、'),
      assigned_at: local(r.assignedAt),
      due: local(r.dueAt),
      state: tr(`ledger_state_${r.state}`),
      light: r.light ? tr(`ledger_light_${r.light}`) : '',
      progress: r.latestProgress,
      done_at: local(r.doneAt),
      on_time: yesNo(r.onTime),
      extensions: r.extensions,
      chases: r.chases,
    });
    if (r.light) {
      row.getCell('light').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: LIGHT_FILL[r.light] } };
    }
  }
  main.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: LEDGER_COLUMNS.length } };

  const log = wb.addWorksheet(tr('ledger_sheet_events'), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  log.columns = EVENT_COLUMNS.map(([key, width]) => ({ header: tr(`ledger_col_${key}`), key, width }));
  styleHeader(log.getRow(1));
  log.getColumn('at').numFmt = DATE_FORMAT;
  for (const e of events) {
    const kindKey = `ledger_event_${e.kind}`;
    log.addRow({
      number: `#${e.number}`,
      seq: e.seq,
      at: local(e.at),
      event: hasMessage(kindKey) ? tr(kindKey) : e.kind,
      actor: e.actor,
      detail: e.detail,
      hash: e.hash,
    });
  }

  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
