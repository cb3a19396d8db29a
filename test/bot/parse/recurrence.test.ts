/**
 * Recurrence rules in a /交办 line (bot/parse/recurrence.ts) through parseCommand: what each
 * phrase means, what stays title, and the refusals.
 */
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../../bot/domain/calendar.js';
import { parseCommand, type Command, type ParseContext } from '../../../bot/parse/command.js';
import type { Mention } from '../../../bot/lark/events.js';

const calendar = new WorkCalendar({ tz: 'Asia/Shanghai' });
const ctx: ParseContext = { now: new Date('2026-12-21T10:00:00+08:00'), calendar, endOfDay: '18:00', botOpenId: 'ou_bot' };
const M: Mention[] = [{ key: '@_user_1', openId: 'ou_zhang', name: '张三' }];

function assign(text: string): Extract<Command, { verb: 'assign' }> {
  const c = parseCommand(`/交办 @_user_1 ${text}`, M, ctx);
  if (c?.verb !== 'assign') throw new Error('not assign');
  return c;
}
const code = (text: string) => {
  try {
    parseCommand(`/交办 @_user_1 ${text}`, M, ctx);
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('recurrence rules', () => {
  it.each([
    ['报送督查工作月报 每月5日前', '报送督查工作月报', { kind: 'monthly', day: 5, time: null }],
    ['每周五16:00前报送值班表', '报送值班表', { kind: 'weekly', weekday: 5, time: '16:00' }],
    ['报送值班表 每周五下午4点前', '报送值班表', { kind: 'weekly', weekday: 5, time: '16:00' }],
    ['报送经费执行情况 每月最后一个工作日', '报送经费执行情况', { kind: 'month_end', time: null }],
    ['季度总结 每季度末', '季度总结', { kind: 'quarter_end', time: null }],
    ['年度考核材料 每年12月20日前', '年度考核材料', { kind: 'yearly', month: 12, day: 20, time: null }],
    ['每月十五号前报送信息专报', '报送信息专报', { kind: 'monthly', day: 15, time: null }],
    ['monthly report every month by the 5th', 'monthly report', { kind: 'monthly', day: 5, time: null }],
    ['duty roster every friday 16:00', 'duty roster', { kind: 'weekly', weekday: 5, time: '16:00' }],
    ['budget report on the last working day of every month', 'budget report', { kind: 'month_end', time: null }],
    ['quarterly review at the end of every quarter', 'quarterly review', { kind: 'quarter_end', time: null }],
    ['annual plan every year by december 20', 'annual plan', { kind: 'yearly', month: 12, day: 20, time: null }],
  ])('%s', (text, title, rule) => {
    const c = assign(text);
    expect(c.title).toBe(title);
    expect(c.series).toEqual({ rule, leadWorkdays: 3 });
    expect(c.dueAt).toBeNull();
  });

  it('reads the lead time and the feedback cadence, and keeps the rest as title', () => {
    const c = assign('报送督查工作月报 每月5日前 提前5个工作日下发 反馈 每周五');
    expect(c.title).toBe('报送督查工作月报');
    expect(c.series).toEqual({ rule: { kind: 'monthly', day: 5, time: null }, leadWorkdays: 5 });
    expect(c.feedback).toEqual({ kind: 'weekly', weekday: 5, time: null });
  });

  it('a feedback cadence on an ordinary task with a deadline', () => {
    const c = assign('编制规划纲要 截止 2027-03-31 反馈 每周五');
    expect(c.series).toBeUndefined();
    expect(c.feedback).toEqual({ kind: 'weekly', weekday: 5, time: null });
    expect(c.title).toBe('编制规划纲要');
    expect(c.dueAt).not.toBeNull();
    expect(assign('draft the plan due 2027-03-31 feedback every friday').feedback).toEqual({ kind: 'weekly', weekday: 5, time: null });
  });

  it('leaves titles that only mention a period alone', () => {
    expect(assign('整理每月例会纪要 截止 周五').series).toBeUndefined();
    expect(assign('提前3个工作日通知参会人员 截止 周五').title).toBe('提前3个工作日通知参会人员');
  });

  it('refuses what it cannot read', () => {
    expect(code('月报 每月32日前')).toBe('bad_recurrence');
    expect(code('年报 每年2月30日前')).toBe('bad_recurrence');
    expect(code('report every month by the 40th')).toBe('bad_recurrence');
    expect(code('report every month')).toBe('bad_recurrence');
    expect(code('月报 每月5日前 截止 周五')).toBe('recurrence_with_due');
    expect(code('月报 每月5日前 提前30个工作日')).toBe('bad_lead_days');
    expect(code('规划 截止 周五 反馈 每周八')).toBe('bad_recurrence');
  });

  it('/设置 反馈 #N 每周五, and 关闭', () => {
    expect(parseCommand('/设置 反馈 #3 每周五', M, ctx)).toEqual({ verb: 'feedback', taskNumber: 3, cadence: { kind: 'weekly', weekday: 5, time: null } });
    expect(parseCommand('/settings feedback #3 every friday', M, ctx)).toEqual({
      verb: 'feedback',
      taskNumber: 3,
      cadence: { kind: 'weekly', weekday: 5, time: null },
    });
    expect(parseCommand('/设置 反馈 #3 关闭', M, ctx)).toEqual({ verb: 'feedback', taskNumber: 3, cadence: null });
    expect(() => parseCommand('/设置 反馈 #3 随时', M, ctx)).toThrow(expect.objectContaining({ code: 'bad_recurrence' }));
  });

  it('/任务 周期', () => {
    expect(parseCommand('/任务 周期', M, ctx)).toEqual({ verb: 'list', scope: 'series', page: 1 });
    expect(parseCommand('/list series', M, ctx)).toEqual({ verb: 'list', scope: 'series', page: 1 });
  });
});
