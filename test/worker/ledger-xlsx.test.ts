/**
 * The 台账 workbook inside workerd: exceljs's streaming writer (archiver, Node streams) must
 * build the same file on Workers (nodejs_compat) as on Node, since /台账 runs there too.
 */
import { describe, expect, it } from 'vitest';
import { buildLedgerXlsx } from '../../bot/ledger-xlsx.js';
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
});
