/** The /设置 confirmation names what changed, in the office's language, from the catalogue. */
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function answerTo(from: Person, text: string, mention: Person[] = []): Promise<string> {
  const r = await bot.say({ from, text, mention });
  expect(r.res.status).toBe(200);
  await bot.settle();
  const texts = bot.fake.messagesTo(GROUP).filter((m) => m.msgType === 'text');
  return bot.fake.textOf(texts[texts.length - 1]!);
}

describe('/设置 confirmation', () => {
  it('in Chinese', async () => {
    bot = await testBot();
    expect(await answerTo('leader', '/设置 免打扰 21:00-08:00 周报 周四 15:00')).toBe('已更新设置：免打扰 21:00-08:00；周报 周四 15:00');
    expect(await answerTo('leader', '/设置 交办人 @张三 @赵六', ['zhang', 'zhao'])).toBe('已更新设置：交办权限 张三、赵六');
  });

  it('in English', async () => {
    bot = await testBot({ lang: 'en' });
    expect(await answerTo('leader', '/settings quiet 21:00-08:00 digest thursday 15:00')).toBe(
      'Settings updated: quiet hours 21:00-08:00; digest Thursday 15:00',
    );
    expect(await answerTo('leader', '/settings assigners @张三 @赵六', ['zhang', 'zhao'])).toBe('Settings updated: who may assign 张三, 赵六');
  });
});
