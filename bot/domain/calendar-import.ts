/**
 * Calendar files for `npm run job -- calendar import <file>`: the State Council's holiday
 * schedule for years `chinese-days` does not hold yet, as JSON, CSV, or the notice's own text
 * (bot/domain/notice.ts). Pure: text in, overrides out, or an Error naming the line.
 */
import { type CalendarOverride, isValidYmd } from './calendar.js';
import { looksLikeNotice, parseNotice } from './notice.js';

/**
 * Parses a calendar file for `npm run job -- calendar import <file>`: one or more years of the
 * State Council's holiday schedule, for years `chinese-days` does not cover yet. The notice's own
 * text (bot/domain/notice.ts) is read too; `year` applies to it when its title is missing.
 *
 * JSON — one year, or an array of years. Each date must lie in its `year`; a make-up day that
 * falls in the neighbouring year goes in an entry for that year. Entries may also be plain
 * date strings.
 * ```json
 * { "year": 2027,
 *   "holidays": [{ "date": "2027-01-01", "name": "元旦" }],
 *   "workdays": [{ "date": "2027-02-07", "name": "春节调休" }] }
 * ```
 * CSV — a header line `date,kind,name` (columns in any order, `name` optional), then one day a
 * line. `kind` is `holiday` or `workday`, or 休 / 班. Blank lines and lines starting with `#`
 * are skipped; a name containing a comma is written in double quotes.
 * ```csv
 * date,kind,name
 * 2027-01-01,holiday,元旦
 * 2027-02-07,班,春节调休
 * ```
 * Only the exceptions are listed: the other days of an imported year follow Monday–Friday.
 * Throws an Error naming the line (and for JSON the entry) of the first problem; a date listed
 * twice is a problem.
 */
export function parseCalendarImport(text: string, opts: { year?: number } = {}): CalendarOverride[] {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  if (first !== '{' && first !== '[' && looksLikeNotice(body)) {
    return parseNotice(body, opts).days.map((d) => ({ date: d.date, kind: d.kind, name: d.name }));
  }
  return first === '{' || first === '[' ? parseJsonImport(body) : parseCsvImport(body);
}

function lineOfIndex(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Where JSON.parse gave up: Node 20's messages carry no position, and an operator fixing a
 * file by hand needs the line. A minimal recursive-descent scan of the JSON grammar.
 */
function jsonErrorIndex(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
      if (!m) fail();
      i += m![0].length;
    }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}

function parseJsonImport(text: string): CalendarOverride[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`calendar file: line ${lineOfIndex(text, jsonErrorIndex(text))}: not valid JSON (${msg})`);
  }
  const years = Array.isArray(data) ? data : [data];
  const out: CalendarOverride[] = [];
  const seen = new Map<string, string>();
  const fail = (path: string, problem: string, token?: string): never => {
    const idx = token === undefined ? -1 : text.indexOf(JSON.stringify(token));
    const where = idx >= 0 ? `line ${lineOfIndex(text, idx)} (${path})` : path;
    throw new Error(`calendar file: ${where}: ${problem}`);
  };
  years.forEach((entry: unknown, yi) => {
    const base = Array.isArray(data) ? `[${yi}]` : '';
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      fail(base || 'top level', 'expected an object like {"year": 2027, "holidays": [...], "workdays": [...]}');
    }
    const e = entry as Record<string, unknown>;
    const year = e.year;
    if (typeof year !== 'number' || !Number.isInteger(year) || year < 1900 || year > 9999) {
      fail(`${base}.year`.replace(/^\./, ''), `"year" must be a four-digit number, got ${JSON.stringify(year)}`);
    }
    for (const key of Object.keys(e)) {
      if (key !== 'year' && key !== 'holidays' && key !== 'workdays') {
        fail(`${base}.${key}`.replace(/^\./, ''), `unknown field "${key}" (expected year, holidays, workdays)`, key);
      }
    }
    for (const kind of ['holiday', 'workday'] as const) {
      const key = `${kind}s`;
      const list = e[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) fail(`${base}.${key}`.replace(/^\./, ''), `"${key}" must be an array`);
      (list as unknown[]).forEach((item, i) => {
        const path = `${base}.${key}[${i}]`.replace(/^\./, '');
        let date: unknown;
        let name: unknown = null;
        if (typeof item === 'string') date = item;
        else if (item && typeof item === 'object' && !Array.isArray(item)) {
          date = (item as Record<string, unknown>).date;
          name = (item as Record<string, unknown>).name ?? null;
        } else fail(path, 'expected {"date": "YYYY-MM-DD", "name": "…"} or a date string');
        if (typeof date !== 'string' || !isValidYmd(date)) {
          fail(path, `"date" must be a real date written YYYY-MM-DD, got ${JSON.stringify(date)}`, typeof date === 'string' ? date : undefined);
        }
        const ymd = date as string;
        if (Number(ymd.slice(0, 4)) !== year) fail(path, `${ymd} is not in ${year}`, ymd);
        if (name !== null && typeof name !== 'string') fail(path, '"name" must be text', ymd);
        const prev = seen.get(ymd);
        if (prev) fail(path, `${ymd} is already listed at ${prev}`, ymd);
        seen.set(ymd, path);
        out.push({ date: ymd, kind, name: (name as string | null) || null });
      });
    }
  });
  return out;
}

const KIND_WORDS: Record<string, 'holiday' | 'workday'> = {
  holiday: 'holiday',
  workday: 'workday',
  休: 'holiday',
  班: 'workday',
};

function splitCsvLine(line: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`calendar file: line ${lineNo}: unclosed double quote`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      const comma = line.indexOf(',', i);
      const tail = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (tail.trim()) throw new Error(`calendar file: line ${lineNo}: text after a closing double quote`);
      fields.push(field);
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      fields.push((comma < 0 ? line.slice(i) : line.slice(i, comma)).trim());
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

function parseCsvImport(text: string): CalendarOverride[] {
  const lines = text.split(/\r?\n/);
  let columns: { date: number; kind: number; name: number } | null = null;
  const out: CalendarOverride[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = splitCsvLine(line, lineNo);
    if (!columns) {
      const names = fields.map((f) => f.trim().toLowerCase());
      const date = names.indexOf('date');
      const kind = names.indexOf('kind');
      if (date < 0 || kind < 0) {
        throw new Error(`calendar file: line ${lineNo}: expected the header "date,kind,name", got "${line}"`);
      }
      columns = { date, kind, name: names.indexOf('name') };
      return;
    }
    const date = fields[columns.date]?.trim() ?? '';
    const kindText = fields[columns.kind]?.trim() ?? '';
    const name = columns.name >= 0 ? (fields[columns.name]?.trim() ?? '') : '';
    if (!isValidYmd(date)) {
      throw new Error(`calendar file: line ${lineNo}: "${date}" is not a real date written YYYY-MM-DD`);
    }
    const kind = KIND_WORDS[kindText.toLowerCase()];
    if (!kind) {
      throw new Error(`calendar file: line ${lineNo}: kind must be holiday, workday, 休 or 班, got "${kindText}"`);
    }
    const prev = seen.get(date);
    if (prev) throw new Error(`calendar file: line ${lineNo}: ${date} is already listed on line ${prev}`);
    seen.set(date, lineNo);
    out.push({ date, kind, name: name || null });
  });
  if (!columns) throw new Error('calendar file: line 1: empty file; expected the header "date,kind,name"');
  return out;
}
