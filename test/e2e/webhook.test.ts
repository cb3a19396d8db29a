/**
 * The webhook through its real entry point: signed, encrypted requests against a real libSQL
 * file and the fake Lark server. Forged, stale or malformed requests write nothing; a
 * redelivered event is processed once, even across a restart; the ack never waits for slow work.
 */
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { chats, inbox, outbox } from '../../db/schema.js';
import { ENCRYPT_KEY, PEOPLE, TENANT, VERIFICATION_TOKEN, testBot, type TestBot } from '../helpers/app.js';
import { messageEvent, urlVerification, encrypt } from '../../bot/sandbox/fake-lark/events.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const count = async (table: typeof inbox | typeof outbox) => Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(table))[0]!.n);

/** A p2p message from 张三 that Lark knows about (so the bot can reply to it). */
const p2p = (text: string, extra: { eventId?: string; messageId?: string } = {}) => {
  const chatId = bot.fake.p2pChatOf(PEOPLE.zhang.openId);
  const messageId = extra.messageId ?? `om_${Math.random().toString(16).slice(2)}`;
  if (!bot.fake.userMessages.some((m) => m.id === messageId)) bot.fake.userSays({ sender: PEOPLE.zhang.openId, text, chatId, messageId });
  return messageEvent({
    text,
    chatId,
    chatType: 'p2p',
    sender: PEOPLE.zhang.openId,
    mentions: [],
    tenantKey: TENANT,
    token: VERIFICATION_TOKEN,
    ...extra,
    messageId,
  });
};

describe('POST /lark/events', () => {
  it('answers the url_verification challenge, plain-in-encrypted, without signature headers', async () => {
    bot = await testBot();
    const body = JSON.stringify({ encrypt: encrypt(JSON.stringify(urlVerification('ch-123', 'test-verification-token')), ENCRYPT_KEY) });
    const res = await bot.app.request('/lark/events', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch-123' });
  });

  it('refuses a forged signature with 401 and writes nothing', async () => {
    bot = await testBot();
    const res = await bot.post(p2p('/帮助'), { tamper: 'signature' });
    expect(res.status).toBe(401);
    const wrongKey = await bot.post(p2p('/帮助'), { encryptKey: 'someone-else' });
    expect(wrongKey.status).toBe(401);
    await bot.settle();
    expect(await count(inbox)).toBe(0);
    expect(await count(outbox)).toBe(0);
    expect(bot.fake.messages).toHaveLength(0);
  });

  it('refuses timestamps beyond the retry horizon or from the future', async () => {
    bot = await testBot();
    const now = Math.floor(bot.clock.now().getTime() / 1000);
    expect((await bot.post(p2p('hi'), { timestamp: now - 8 * 3600 - 60 })).status).toBe(401);
    expect((await bot.post(p2p('hi'), { timestamp: now + 600 })).status).toBe(401);
    expect((await bot.post(p2p('hi'), { timestamp: now - 7 * 3600 })).status).toBe(200);
    await bot.settle();
    expect(await count(inbox)).toBe(1);
  });

  it('answers unsigned bodies 401, signed malformed ones 400 and oversized ones 413, writing nothing', async () => {
    bot = await testBot();
    const post = (body: string) => bot.app.request('/lark/events', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect((await post('not json')).status).toBe(401);
    expect((await post(JSON.stringify({ a: 1 }))).status).toBe(401);
    expect((await post('x'.repeat(300 * 1024))).status).toBe(413);
    const noHeader = { schema: '2.0', event: {} };
    expect((await bot.post(noHeader)).status).toBe(400);
    expect(
      (
        await bot.post({
          schema: '2.0',
          header: { event_id: 'e', event_type: 'im.message.receive_v1', tenant_key: TENANT, token: 'test-verification-token', create_time: '1' },
          event: { message: {} },
        })
      ).status,
    ).toBe(400);
    expect(await count(inbox)).toBe(0);
  });

  it('acknowledges unknown event types and ignores them', async () => {
    bot = await testBot();
    const res = await bot.post({
      schema: '2.0',
      header: {
        event_id: 'ev-x',
        event_type: 'contact.user.updated_v3',
        tenant_key: TENANT,
        token: 'test-verification-token',
        create_time: String(Date.now()),
      },
      event: { foo: 1 },
    });
    expect(res.status).toBe(200);
    expect(await count(inbox)).toBe(0);
  });

  it('processes a redelivered event once, by event_id and by message_id, even after a restart', async () => {
    bot = await testBot();
    const ev = p2p('随便说点什么', { eventId: 'ev-dup', messageId: 'om_dup' });
    expect((await bot.post(ev)).status).toBe(200);
    expect((await bot.post(ev)).status).toBe(200);
    const sameMessage = p2p('随便说点什么', { eventId: 'ev-dup-2', messageId: 'om_dup' });
    expect((await bot.post(sameMessage)).status).toBe(200);
    await bot.settle();
    expect(bot.fake.messages).toHaveLength(1);
    await bot.restart();
    expect((await bot.post(ev)).status).toBe(200);
    await bot.settle();
    expect(bot.fake.messages).toHaveLength(1);
    expect(await count(inbox)).toBe(1);
  });

  it('stores events arriving together in one write, and a copy among them is still a duplicate', async () => {
    bot = await testBot();
    const ev = p2p('第一条', { eventId: 'ev-burst', messageId: 'om_burst' });
    const sameMessage = p2p('第一条', { eventId: 'ev-burst-2', messageId: 'om_burst' });
    const others = Array.from({ length: 5 }, (_, i) => p2p(`第${i + 2}条`, { eventId: `ev-burst-o${i}`, messageId: `om_burst-o${i}` }));
    const answers = await Promise.all([ev, ev, sameMessage, ...others, ev].map((e) => bot.post(e)));
    expect(answers.map((r) => r.status)).toEqual(Array(9).fill(200));
    await bot.settle();
    expect(await count(inbox)).toBe(6);
    // 张三 gets one answer per distinct message, never two for the same one.
    expect(bot.fake.messages).toHaveLength(6);
    expect(new Set(bot.fake.messages.map((m) => m.replyTo)).size).toBe(6);
  });

  it("learns a group's name and owner from Lark the first time it hears from it", async () => {
    bot = await testBot();
    await bot.say({ from: 'chief', text: '/帮助' });
    await bot.settle();
    const [chat] = await bot.deps.db.select().from(chats);
    expect(chat).toMatchObject({ name: '综合办公室工作群', ownerId: PEOPLE.leader.openId });
  });

  it('answers a card callback at once, with a toast', async () => {
    bot = await testBot();
    const { status, body } = await bot.click({ from: 'zhang', value: { a: 'no-such-action' } });
    expect(status).toBe(200);
    expect(body.toast.type).toBe('warning');
  });

  it('acknowledges within 3 s while another process holds the write lock, then processes the event once', async () => {
    bot = await testBot();
    const file = bot.deps.config.DATABASE_URL;
    const locker = createClient({ url: file });
    const tx = await locker.transaction('write');
    await tx.execute("INSERT INTO counters (tenant_key, last_number) VALUES ('lock', 0)");
    const ev = p2p('锁等待中的消息', { eventId: 'ev-locked', messageId: 'om_locked' });
    const t0 = Date.now();
    const res = await bot.post(ev);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(3_000);
    expect([200, 503]).toContain(res.status);
    setTimeout(() => void tx.rollback().then(() => locker.close()), 1_500);
    await new Promise((r) => setTimeout(r, 2_000));
    await bot.settle();
    expect((await bot.post(ev)).status).toBe(200); // Lark's retry
    await bot.settle();
    expect(bot.fake.messages).toHaveLength(1);
  });
});

describe('the outbox', () => {
  it('survives a Lark outage of several seconds: delivered once afterwards', async () => {
    bot = await testBot();
    bot.fake.failFor(4_000, { status: 500, code: 0, path: '/open-apis/im/v1/messages' });
    await bot.post(p2p('outage 1'));
    await bot.post(p2p('outage 2'));
    await bot.settle();
    expect(bot.fake.messages).toHaveLength(0);
    for (let i = 0; i < 12 && bot.fake.messages.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      bot.clock.advance(60_000);
      bot.deps.sender.kick();
      await bot.settle();
    }
    expect(bot.fake.messages).toHaveLength(2);
    const rows = await bot.deps.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('waits out a 429 with the reset header and sends once', async () => {
    bot = await testBot();
    bot.fake.failNext(1, { status: 429, code: 99991400, headers: { 'x-ogw-ratelimit-reset': '1' }, path: '/open-apis/im/v1/messages' });
    await bot.post(p2p('rate limited'));
    await bot.settle();
    expect(bot.fake.messages).toHaveLength(0);
    const [row] = await bot.deps.db.select().from(outbox);
    expect(row!.nextAttemptAt.getTime() - bot.clock.now().getTime()).toBeGreaterThanOrEqual(1_000);
    bot.clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 1_100));
    bot.deps.sender.kick();
    await bot.settle();
    expect(bot.fake.messages).toHaveLength(1);
  });

  it('marks a message failed for good when the bot was removed from the chat', async () => {
    bot = await testBot();
    bot.fake.failNext(1, { status: 400, code: 230002, path: '/open-apis/im/v1/messages' });
    await bot.post(p2p('bot removed'));
    await bot.settle();
    const [row] = await bot.deps.db.select().from(outbox);
    expect(row!.status).toBe('failed');
    expect(row!.lastError).toContain('230002');
  });
});
