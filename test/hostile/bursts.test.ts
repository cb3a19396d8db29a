/**
 * Bursts from one member: beyond DUBAN_COMMANDS_PER_MINUTE (10 by default) messages to the bot
 * a minute, one answer says so and the rest are dropped unanswered until the minute passes;
 * colleagues are answered meanwhile; chatter gets at most one "不是指令" hint per 10 minutes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../bot/i18n.js';
import { loadConfig } from '../../bot/config.js';
import { tasks } from '../../db/schema.js';
import { GROUP, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const repliesTo = (ids: string[]) => bot.fake.messages.filter((m) => m.replyTo && ids.includes(m.replyTo));
const textOf = (m: { content: unknown }) => String((m.content as { text?: string })?.text ?? JSON.stringify(m.content));

describe('per-person limits', () => {
  it('30 urgent /交办 from one member in seconds: 10 handled, one refusal, colleagues answered', async () => {
    bot = await testBot({ env: { DUBAN_COMMANDS_PER_MINUTE: '10' } });
    const burst: string[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 30; i++) {
      const messageId = `om_burst_${i}`;
      burst.push(messageId);
      await bot.say({ from: 'zhang', text: `/交办 @赵六 @孙七 批量任务${i} 截止 2026-12-01 !紧急`, mention: ['zhao', 'sun'], messageId });
      // A colleague in the middle of the burst.
      if (i === 15) await bot.say({ from: 'chief', text: '/帮助', messageId: 'om_colleague' });
    }
    await bot.settle();
    const created = await bot.deps.db.select().from(tasks);
    expect(created).toHaveLength(10);
    const answers = repliesTo(burst);
    const refusal = t('zh', 'rate_limited', { limit: 10 });
    expect(answers.filter((m) => textOf(m) === refusal)).toHaveLength(1);
    expect(repliesTo(['om_colleague'])).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(60_000);
    // A minute later the member is heard again.
    bot.setNow(new Date(bot.clock.now().getTime() + 61_000));
    await bot.say({ from: 'zhang', text: '/任务 我的', messageId: 'om_after' });
    await bot.settle();
    expect(repliesTo(['om_after'])).toHaveLength(1);
    expect(textOf(repliesTo(['om_after'])[0]!)).not.toBe(refusal);
  });

  it('at most one "不是指令" hint per person per 10 minutes', async () => {
    bot = await testBot({ env: { DUBAN_COMMANDS_PER_MINUTE: '100', DUBAN_HINT_EVERY_MINUTES: '10' } });
    const ids = ['om_chat_1', 'om_chat_2', 'om_chat_3'];
    for (const messageId of ids) await bot.say({ from: 'zhao', text: '你好呀', chatId: GROUP, messageId });
    await bot.settle();
    expect(repliesTo(ids)).toHaveLength(1);
    expect(textOf(repliesTo(ids)[0]!)).toBe(t('zh', 'not_a_command'));
    // Someone else still gets theirs.
    await bot.say({ from: 'sun', text: '你好', messageId: 'om_chat_sun' });
    await bot.settle();
    expect(repliesTo(['om_chat_sun'])).toHaveLength(1);
    bot.setNow(new Date(bot.clock.now().getTime() + 10 * 60_000 + 1_000));
    await bot.say({ from: 'zhao', text: '你好呀', messageId: 'om_chat_4' });
    await bot.settle();
    expect(repliesTo(['om_chat_4'])).toHaveLength(1);
  });

  it('the limit is a setting with 10 as its default, refused when not a whole number', () => {
    const base = { LARK_APP_ID: 'cli_x', LARK_APP_SECRET: 'secretsecret' };
    expect(loadConfig(base).DUBAN_COMMANDS_PER_MINUTE).toBe(10);
    expect(loadConfig({ ...base, DUBAN_COMMANDS_PER_MINUTE: '30' }).DUBAN_COMMANDS_PER_MINUTE).toBe(30);
    expect(() => loadConfig({ ...base, DUBAN_COMMANDS_PER_MINUTE: 'lots' })).toThrow(/DUBAN_COMMANDS_PER_MINUTE/);
  });
});
