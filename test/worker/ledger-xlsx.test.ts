/**
 * The 台账 workbook inside workerd: exceljs's build there has no streaming writer, so the
 * in-memory workbook must build the same file on Workers (nodejs_compat) as on Node, since
 * /台账 runs there too, and refuse too much content page by page, before it is built.
 */
import { describe, expect, it } from 'vitest';
import { buildLedgerXlsx, LedgerTooLargeError, MAX_CONTENT_BYTES, writeLedgerXlsx } from '../../bot/ledger-xlsx.js';
import type { LedgerRow } from '../../bot/domain/ledger.js';

const row: LedgerRow = {
  index: 1,
  number: 7,
  taskId: 70,
  title: '修复中山路路灯',
  category: 'livelihood',
  source: '市长热线',
  creator: '李科长',
  lead: '张三',
  co: ['赵六'],
  assignedAt: new Date('2026-11-30T01:00:00Z'),
  dueAt: new Date('2026-12-01T10:00:00Z'),
  extended: false,
  state: 'in_progress',
  light: 'red',
  latestProgress: '已联系路灯所',
  doneAt: null,
  onTime: false,
  extensions: 0,
  chases: 2,
};

describe('ledger workbook inside workerd', () => {
  it('builds a zip with both sheets', async () => {
    const bytes = await buildLedgerXlsx([row], [{ number: 7, seq: 1, at: row.assignedAt, kind: 'assigned', actor: '李科长', detail: '', hash: 'ab' }], 'zh');
    expect(bytes.length).toBeGreaterThan(3000);
    expect(String.fromCharCode(bytes[0]!, bytes[1]!)).toBe('PK');
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('xl/worksheets/sheet1.xml');
    expect(text).toContain('xl/worksheets/sheet2.xml');
  });

  it('refuses a ledger past the content bound page by page, before the page goes in', async () => {
    let pagesRead = 0;
    // Pages of 2,000 rows of long text: far past the bound long before the 100th page.
    const long = { ...row, title: '修复中山路路灯'.repeat(40), latestProgress: '已联系路灯所'.repeat(60) };
    const page = Array.from({ length: 2_000 }, () => long);
    async function* pages() {
      for (let i = 0; i < 100; i++) {
        pagesRead++;
        yield page;
      }
    }
    const err = await writeLedgerXlsx({ rows: pages(), events: [] }, 'zh').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerTooLargeError);
    expect((err as LedgerTooLargeError).bound).toBe('content');
    // Workers' exceljs has no streaming writer: the in-memory workbook's bound, reached on page two.
    expect((err as LedgerTooLargeError).maxBytes).toBe(MAX_CONTENT_BYTES.inMemory);
    expect(pagesRead).toBe(2);
  });
});
