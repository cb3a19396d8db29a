/**
 * One member's allowance is one, however many processes serve the bot: two `npm start`
 * processes on one database, a member's 20 messages spread over both within a minute — 10
 * answered, one "too many" answer, the rest dropped, exactly as one process does.
 */
import { afterEach, expect, it } from 'vitest';
import { t } from '../../bot/i18n.js';
import { messageEvent } from '../../bot/sandbox/fake-lark/events.js';
import { BOT_NAME, createOffice, deliverLikeLark, settled, TENANT, type Office } from '../faults/office.js';

let office: Office | undefined;
afterEach(async () => {
  await office?.close();
  office = undefined;
});

it("two bot processes on one database share a member's 10 messages a minute", { timeout: 120_000 }, async () => {
  office = await createOffice({ groups: 1, staff: 2 });
  const limited = { DUBAN_COMMANDS_PER_MINUTE: '10' };
  const [a, b] = await Promise.all([office.startBot(limited), office.startBot(limited)]);
  const g = office.groups[0]!;
  const ids = Array.from({ length: 20 }, (_, i) => `om_two_burst_${i}_${Date.now()}`);
  const envelopes = ids.map((messageId, i) => {
    const text = '/任务 我的';
    office!.fake.userSays({ sender: g.chief.openId, text, chatId: g.chatId, messageId });
    return messageEvent({
      text: `@${BOT_NAME} ${text}`,
      chatId: g.chatId,
      sender: g.chief.openId,
      mentions: [{ openId: office!.fake.botOpenId, name: BOT_NAME }],
      tenantKey: TENANT,
      messageId,
      eventId: `ev_two_burst_${i}_${Date.now()}`,
    });
  });
  // A load balancer alternating: every other message to each process, one after the other.
  for (const [i, env] of envelopes.entries()) await deliverLikeLark(i % 2 === 0 ? a! : b!, [env], { concurrency: 1 });
  await settled(office, 60_000);
  const answers = office.fake.messages.filter((m) => m.replyTo && ids.includes(m.replyTo));
  const refusal = t('zh', 'rate_limited', { limit: 10 });
  const text = (m: (typeof answers)[number]) => String((m.content as { text?: string })?.text ?? '');
  expect(answers.filter((m) => text(m) === refusal)).toHaveLength(1);
  expect(answers.filter((m) => text(m) !== refusal)).toHaveLength(10);
});
