/**
 * Webhook scenarios, run unchanged on Node (embedded libSQL file) and inside workerd (remote
 * libSQL over HTTP): the URL check, the AES/UTF-8 round trip of Chinese text, forged requests,
 * redelivery. Each takes a Harness and asserts with vitest's expect.
 */
import { expect } from 'vitest';
import { encrypt, messageEvent, urlVerification } from '../../bot/sandbox/fake-lark/events.js';
import { count, post, tag, type Harness } from './harness.js';
import { BOT_NAME, BOT_OPEN_ID, ENCRYPT_KEY, GROUP, PEOPLE, TENANT, VERIFICATION_TOKEN } from './office.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** Lark saves the request URL by posting an encrypted challenge without signature headers. */
export async function urlVerificationIsAnswered(h: Harness): Promise<void> {
  const challenge = `ch-${tag()}`;
  const body = JSON.stringify({ encrypt: encrypt(JSON.stringify(urlVerification(challenge, VERIFICATION_TOKEN)), ENCRYPT_KEY) });
  const res = await h.postRaw(body, JSON_HEADERS);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ challenge });

  const wrongToken = JSON.stringify({ encrypt: encrypt(JSON.stringify(urlVerification(challenge, 'not-the-token')), ENCRYPT_KEY) });
  expect((await h.postRaw(wrongToken, JSON_HEADERS)).status).toBe(401);
}

/**
 * Chinese text whose 3-byte characters straddle AES block (16-byte) boundaries at every
 * offset: a decrypt that decodes block by block (the SDK's, on workerd) turns them into U+FFFD.
 * The text the handlers see must be exactly what was typed.
 */
export function blockStraddlingTexts(): string[] {
  const base = '关于进一步加强城市道路路灯维修养护工作的通知（第三季度）';
  // Shift the Chinese run by 0–15 ASCII bytes so each alignment against the blocks occurs.
  return Array.from({ length: 16 }, (_, i) => `${'x'.repeat(i)}${base}`);
}

/** A signed, encrypted group message in Chinese reaches the bot intact. */
export async function chineseTextSurvivesDecryption(h: Harness): Promise<void> {
  const t = tag();
  for (const [i, title] of blockStraddlingTexts().entries()) {
    const eventId = `ev-zh-${t}-${i}`;
    const envelope = messageEvent({
      text: `@${BOT_NAME} ${title}`,
      chatId: GROUP,
      sender: PEOPLE.leader.openId,
      mentions: [{ openId: BOT_OPEN_ID, name: BOT_NAME }],
      tenantKey: TENANT,
      eventId,
      messageId: `om_zh-${t}-${i}`,
    });
    const res = await post(h, envelope);
    expect(res.status).toBe(200);
    await h.settle();
    const [row] = await h.query<{ payload: string }>('SELECT payload FROM inbox WHERE event_id = ?', [eventId]);
    expect(row, `event ${eventId} stored`).toBeDefined();
    const stored = JSON.parse(row!.payload) as { text: string };
    expect(stored.text).toBe(`@_user_1 ${title}`);
    expect(stored.text).not.toContain('\uFFFD');
  }
}

/** Forged deliveries are refused with 401 and change nothing: no inbox row, no message. */
export async function forgedRequestsChangeNothing(h: Harness): Promise<void> {
  const t = tag();
  const envelope = (n: number) =>
    messageEvent({
      text: '/帮助',
      chatId: `oc_p2p_${t}`,
      chatType: 'p2p',
      sender: PEOPLE.zhang.openId,
      tenantKey: TENANT,
      eventId: `ev-forged-${t}-${n}`,
      messageId: `om_forged-${t}-${n}`,
    });
  const inboxBefore = await count(h, 'SELECT count(*) AS n FROM inbox');
  const outboxBefore = await count(h, 'SELECT count(*) AS n FROM outbox');
  const sentBefore = (await h.fake.messages()).length;

  expect((await post(h, envelope(1), { tamper: 'signature' })).status).toBe(401);
  expect((await post(h, envelope(2), { tamper: 'body' })).status).toBe(401);
  expect((await post(h, envelope(3), { encryptKey: 'someone-elses-key' })).status).toBe(401);
  expect((await post(h, envelope(4), { timestamp: Math.floor(h.now().getTime() / 1000) - 9 * 3600 })).status).toBe(401);
  const unsigned = JSON.stringify({ encrypt: encrypt(JSON.stringify(envelope(5)), ENCRYPT_KEY) });
  expect((await h.postRaw(unsigned, JSON_HEADERS)).status).toBe(401);

  await h.settle();
  expect(await count(h, 'SELECT count(*) AS n FROM inbox')).toBe(inboxBefore);
  expect(await count(h, 'SELECT count(*) AS n FROM outbox')).toBe(outboxBefore);
  expect((await h.fake.messages()).length).toBe(sentBefore);
}

/** Lark redelivers (same event_id; or a new event_id for the same message_id): handled once. */
export async function redeliveryIsProcessedOnce(h: Harness): Promise<void> {
  const t = tag();
  const messageId = `om_dup-${t}`;
  const first = messageEvent({
    text: `@${BOT_NAME} 你好 ${t}`,
    chatId: GROUP,
    sender: PEOPLE.zhang.openId,
    mentions: [{ openId: BOT_OPEN_ID, name: BOT_NAME }],
    tenantKey: TENANT,
    eventId: `ev-dup-${t}`,
    messageId,
  });
  const again = { ...first, header: { ...(first.header as object), event_id: `ev-dup-${t}-retry` } };
  const answers = await Promise.all([post(h, first), post(h, first)]);
  answers.push(await post(h, again));
  for (const a of answers) expect(a.status).toBe(200);
  await h.settle();
  expect(await count(h, 'SELECT count(*) AS n FROM inbox WHERE message_id = ?', [messageId])).toBe(1);
  expect(await count(h, 'SELECT count(*) AS n FROM inbox WHERE message_id = ? AND processed_at IS NOT NULL', [messageId])).toBe(1);
  // Whatever the bot answered, it answered once.
  expect(await count(h, 'SELECT count(*) AS n FROM outbox WHERE body LIKE ?', [`%${messageId}%`])).toBeLessThanOrEqual(1);
}
