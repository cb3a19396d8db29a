/** /请假 /销假 /代理人 /请假审批: what is understood, and that any text gives a command or a ParseError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { parseCommand, type ParseContext } from '../../bot/parse/command.js';
import { ParseError } from '../../bot/parse/errors.js';

const calendar = new WorkCalendar({ tz: 'Asia/Shanghai' });
const ctx: ParseContext = { now: new Date('2026-11-30T10:00:00+08:00'), calendar, endOfDay: '18:00', botOpenId: 'ou_bot' };
const m = (key: string, openId: string, name: string) => ({ key, openId, name });

describe('leave commands', () => {
  it('reads the days, the person and the deputies', () => {
    expect(parseCommand('/请假 12月20日-12月25日 @_user_1', [m('@_user_1', 'ou_zhao', '赵六')], ctx)).toEqual({
      verb: 'leave',
      person: null,
      from: '2026-12-20',
      to: '2026-12-25',
      deputies: ['ou_zhao'],
    });
    expect(
      parseCommand('/请假 @_user_1 12月20日至25日 代理人 @_user_2', [m('@_user_1', 'ou_zhang', '张三'), m('@_user_2', 'ou_zhao', '赵六')], ctx),
    ).toMatchObject({
      person: 'ou_zhang',
      from: '2026-12-20',
      to: '2026-12-25',
      deputies: ['ou_zhao'],
    });
    expect(parseCommand('/请假 明天', [], ctx)).toMatchObject({ from: '2026-12-01', to: '2026-12-01' });
    expect(parseCommand('/销假', [], ctx)).toEqual({ verb: 'back', person: null });
    expect(parseCommand('/设置 代理人 @_user_1', [m('@_user_1', 'ou_zhao', '赵六')], ctx)).toEqual({ verb: 'deputies', person: null, ids: ['ou_zhao'] });
    expect(parseCommand('/设置 代理人 无', [], ctx)).toEqual({ verb: 'deputies', person: null, ids: [] });
    const two = [m('@_user_1', 'ou_zhang', '张三'), m('@_user_2', 'ou_zhao', '赵六')];
    expect(parseCommand('/设置 代理人 @_user_1 为 @_user_2', two, ctx)).toEqual({ verb: 'deputies', person: 'ou_zhang', ids: ['ou_zhao'] });
    expect(parseCommand('/settings deputies for @_user_1: @_user_2', two, ctx)).toEqual({ verb: 'deputies', person: 'ou_zhang', ids: ['ou_zhao'] });
    expect(parseCommand('/设置 代理人 @_user_1 为 无', two, ctx)).toEqual({ verb: 'deputies', person: 'ou_zhang', ids: [] });
    expect(parseCommand('/设置 请假审批 7c468a54-8745-2245-9675-08b7c63e7a85', [], ctx)).toEqual({
      verb: 'leave_approval',
      code: '7C468A54-8745-2245-9675-08B7C63E7A85',
    });
  });

  it('refuses what it cannot read, with a ParseError', () => {
    const three = [m('@_user_1', 'ou_zhang', '张三'), m('@_user_2', 'ou_sun', '孙七'), m('@_user_3', 'ou_zhao', '赵六')];
    for (const text of [
      '/设置 代理人 @_user_1 @_user_2 为 @_user_3',
      '/设置 代理人 为 @_user_3',
      '/设置 代理人 @_user_1 为',
      '/设置 代理人 无 @_user_1',
      '/settings deputies @_user_1 for @_user_3',
    ]) {
      expect(() => parseCommand(text, three, ctx), text).toThrow(ParseError);
    }
    for (const text of ['/请假', '/请假 12月25日-12月20日', '/请假 11月1日-11月2日', '/请假 12月20日-45日', '/请假审批 a/b', '/销假 今天']) {
      expect(() => parseCommand(text, [], ctx), text).toThrow(ParseError);
    }
  });

  it('any text after the verbs gives a command or a ParseError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('/请假 ', '/销假 ', '/代理人 ', '/请假审批 ', '/设置 代理人 ', '/leave ', '/back '),
        fc.string({ maxLength: 30 }),
        (verb, rest) => {
          try {
            parseCommand(verb + rest, [], ctx);
          } catch (err) {
            if (!(err instanceof ParseError)) throw err;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
