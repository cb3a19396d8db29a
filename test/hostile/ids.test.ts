/**
 * Ids enter only in Lark's shape (ou_/oc_/om_ + letters, digits, _ and -): an event carrying
 * anything else — `../`, `?`, `/`, a space — is refused whole (400 after authentication,
 * nothing written, no Lark call); and every path segment the bot sends to Lark is encoded.
 * Also: a group message not addressed to the bot leaves only what dedupe needs in the inbox.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../../db/schema.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';
import { botAddedEvent, cardActionEvent, messageEvent } from '../../bot/sandbox/fake-lark/events.js';
import { rowCounts } from './support.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot();
});
afterAll(async () => bot?.close());

const TRAVERSAL = '../../im/v1/chats/oc_group_office/members?x=';

type Json = Record<string, any>;
const msg = (o: Partial<Parameters<typeof messageEvent>[0]> = {}) =>
  messageEvent({
    text: '@督办 /交办 @张三 起草通知',
    chatId: GROUP,
    sender: PEOPLE.chief.openId,
    tenantKey: TENANT,
    time: bot.clock.now(),
    mentions: [
      { openId: bot.deps.botOpenId, name: '督办' },
      { openId: PEOPLE.zhang.openId, name: '张三' },
    ],
    ...o,
  });
const edit = (env: Json, f: (e: Json) => void): Json => {
  const copy = structuredClone(env);
  f(copy);
  return copy;
};

describe('ids are checked where they enter', () => {
  it('a mention whose open_id is a path is refused, and Lark is never asked about it', async () => {
    const before = await rowCounts(bot.deps.db);
    const calls = bot.fake.calls.length;
    const env = msg({
      mentions: [
        { openId: bot.deps.botOpenId, name: '督办' },
        { openId: TRAVERSAL, name: '张三' },
      ],
    });
    const res = await bot.post(env);
    expect(res.status).toBe(400);
    await bot.settle();
    expect(await rowCounts(bot.deps.db)).toEqual(before);
    expect(bot.fake.calls.slice(calls).filter((c) => c.path.includes('/im/v1/chats'))).toEqual([]);
  });

  const odd = ['ou_a/b', 'ou_../x', 'x_abc', 'ou_a b', 'ou_a?b=c', 'ou_', 'OU_abc', `ou_${'a'.repeat(101)}`, 'ou_a%2Fb', 'ou_ä'];
  const cases: Array<[string, () => Json]> = [
    ...odd.map((v): [string, () => Json] => [`sender ${v}`, () => edit(msg(), (e) => (e.event.sender.sender_id.open_id = v))]),
    ['chat_id with a slash', () => edit(msg(), (e) => (e.event.message.chat_id = 'oc_a/../oc_b'))],
    ['chat_id of another kind', () => edit(msg(), (e) => (e.event.message.chat_id = 'ou_group'))],
    ['message_id with a query', () => edit(msg(), (e) => (e.event.message.message_id = 'om_x?y=1'))],
    ['parent_id with dots', () => edit(msg(), (e) => (e.event.message.parent_id = 'om_../../x'))],
    ['root_id of another kind', () => edit(msg(), (e) => (e.event.message.root_id = 'oc_x'))],
    ['tenant_key with a slash', () => edit(msg(), (e) => (e.header.tenant_key = 'tenant/x'))],
    ['event_id with a space', () => edit(msg(), (e) => (e.header.event_id = 'ev 1'))],
    [
      'card operator as a path',
      () => cardActionEvent({ operator: TRAVERSAL, value: { a: 'show', t: 1 }, chatId: GROUP, messageId: 'om_card', tenantKey: TENANT, time: bot.clock.now() }),
    ],
    [
      'card open_chat_id as a path',
      () =>
        cardActionEvent({
          operator: PEOPLE.chief.openId,
          value: { a: 'show', t: 1 },
          chatId: 'oc_x/../y',
          messageId: 'om_card',
          tenantKey: TENANT,
          time: bot.clock.now(),
        }),
    ],
    [
      'card open_message_id as a path',
      () =>
        cardActionEvent({
          operator: PEOPLE.chief.openId,
          value: { a: 'show', t: 1 },
          chatId: GROUP,
          messageId: 'om_x/../../y',
          tenantKey: TENANT,
          time: bot.clock.now(),
        }),
    ],
    [
      'bot added to a chat id that is a path',
      () => botAddedEvent({ chatId: 'oc_x/../../y', operator: PEOPLE.chief.openId, tenantKey: TENANT, time: bot.clock.now() }),
    ],
  ];
  it.each(cases)('%s: 400, nothing written, no Lark call', async (_what, make) => {
    const before = await rowCounts(bot.deps.db);
    const calls = bot.fake.calls.length;
    const res = await bot.post(make());
    expect(res.status).toBe(400);
    await bot.settle();
    expect(await rowCounts(bot.deps.db)).toEqual(before);
    expect(bot.fake.calls.slice(calls).filter((c) => !c.path.includes('tenant_access_token'))).toEqual([]);
  });

  it('ids in Lark shape keep working', async () => {
    const r = await bot.say({ from: 'chief', text: '/交办 @张三 起草通知 截止 2026-12-01', mention: ['zhang'] });
    expect(r.res.status).toBe(200);
    await bot.settle();
    expect(bot.fake.messages.some((m) => JSON.stringify(m.content).includes('起草通知'))).toBe(true);
  });

  it('encodes every path segment it sends to Lark', async () => {
    const calls = bot.fake.calls.length;
    await bot.deps.lark.getUser('ou_x/../../im/v1/chats/oc_group_office/members').catch(() => null);
    await bot.deps.lark.getChat('oc_x/../../contact/v3/users/ou_leader').catch(() => null);
    const seen = bot.fake.calls.slice(calls).filter((c) => !c.path.includes('tenant_access_token'));
    expect(seen.map((c) => c.path)).toEqual([
      '/open-apis/contact/v3/users/ou_x%2F..%2F..%2Fim%2Fv1%2Fchats%2Foc_group_office%2Fmembers',
      '/open-apis/im/v1/chats/oc_x%2F..%2F..%2Fcontact%2Fv3%2Fusers%2Fou_leader',
    ]);
  });
});

describe('the inbox keeps only what dedupe needs', () => {
  it('a group message not for the bot is stored as its ids alone, and is still a duplicate when redelivered', async () => {
    const text = '今天中午食堂吃什么，张三的手机号是 13800000000';
    const r = await bot.say({ from: 'zhang', text, atBot: false, eventId: 'ev_chatter_1', messageId: 'om_chatter_1' });
    expect(r.res.status).toBe(200);
    await bot.settle();
    const [row] = await bot.deps.db.select().from(inbox).where(eq(inbox.eventId, 'ev_chatter_1'));
    expect(row).toBeDefined();
    expect(row!.messageId).toBe('om_chatter_1');
    expect(row!.processedAt).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain('食堂');
    expect(JSON.stringify(row)).not.toContain(PEOPLE.zhang.openId);
    const again = await bot.post(r.envelope);
    expect(again.status).toBe(200);
    await bot.settle();
    expect((await bot.deps.db.select().from(inbox).where(eq(inbox.messageId, 'om_chatter_1'))).length).toBe(1);
  });
});
