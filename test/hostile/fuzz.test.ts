/**
 * Property-based fuzz of the webhook and the command parser (issue 9): 10,000 cases in all.
 * The Hono app is called in process (app.request) on a real libSQL file. Whatever arrives —
 * random bodies and headers, correctly signed garbage envelopes, random card payloads, random
 * texts with random mentions — the webhook never answers 5xx, nothing rejects unhandled, a
 * refused request (4xx) writes nothing, and no event ends in the internal-error answer. The
 * parser on random unicode returns a command, null, or throws a ParseError — nothing else.
 */
import fc from 'fast-check';
import { like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../bot/app.js';
import { t } from '../../bot/i18n.js';
import { parseCommand, parseReply } from '../../bot/parse/command.js';
import { ParseError } from '../../bot/parse/errors.js';
import { outbox } from '../../db/schema.js';
import { ENCRYPT_KEY, GROUP, PEOPLE, TENANT, VERIFICATION_TOKEN, testBot, type TestBot } from '../helpers/app.js';
import { cardActionEvent, encrypt, messageEvent, sign, signedRequest } from '../../bot/sandbox/fake-lark/events.js';
import { rowCounts } from './support.js';

/** Cases per property; they add up to 10,340. */
export const FUZZ_CASES = {
  rawRequests: 3_000,
  signedGarbage: 2_000,
  cardPayloads: 600,
  messages: 700,
  parser: 3_400,
  farDates: 300,
  chunkedBodies: 100,
  oddIds: 200,
  bursts: 40,
} as const;

let bot: TestBot;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  // What the bot answers is read from the outbox; delivering it would only slow the fuzz down.
  bot.deps.kickOutbox = () => {};
  await bot.say({ from: 'chief', text: '/交办 @张三 @赵六 起草年度工作总结 截止 2026-12-01', mention: ['zhang', 'zhao'] });
  await bot.settle();
});
afterAll(async () => {
  await bot?.close();
  process.off('unhandledRejection', onRejection);
});

const post = (body: string | Uint8Array, headers: Record<string, string>) =>
  bot.app.request('/lark/events', { method: 'POST', body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]), headers });
const nowS = () => Math.floor(bot.clock.now().getTime() / 1000);

/** Signs and encrypts any JSON value exactly as Lark would. */
function signed(value: unknown): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ encrypt: encrypt(JSON.stringify(value), ENCRYPT_KEY) });
  const timestamp = String(nowS());
  const nonce = `n${Math.random().toString(36).slice(2)}`;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': sign(timestamp, nonce, ENCRYPT_KEY, body),
    },
  };
}

async function expectNoWriteOnRefusal(status: number, before: Awaited<ReturnType<typeof rowCounts>>): Promise<void> {
  expect(status).toBeLessThan(500);
  if (status >= 400) expect(await rowCounts(bot.deps.db)).toEqual(before);
}

const people = Object.values(PEOPLE).map((p) => p.openId);
const headerValue = fc.oneof(fc.string(), fc.constant(''), fc.integer().map(String), fc.stringMatching(/^[0-9a-f]{64}$/));

describe('webhook fuzz', () => {
  it(`random bodies and headers are refused with a 4xx and write nothing (${FUZZ_CASES.rawRequests} cases)`, async () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.json({ maxDepth: 3 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.record({ encrypt: fc.oneof(fc.string(), fc.base64String({ maxLength: 200 })) }).map((o) => JSON.stringify(o)),
      // Encrypted with the right key but signed wrongly, or not at all.
      fc.json({ maxDepth: 2 }).map((j) => JSON.stringify({ encrypt: encrypt(j, ENCRYPT_KEY) })),
    );
    const headers = fc.record(
      {
        'content-type': fc.constantFrom('application/json', 'text/plain', ''),
        'x-lark-request-timestamp': fc.oneof(
          headerValue,
          fc.integer({ min: -1e6, max: 1e6 }).map((d) => String(nowS() + d)),
        ),
        'x-lark-request-nonce': headerValue,
        'x-lark-signature': headerValue,
      },
      { requiredKeys: [] },
    );
    // Every case must be refused, so unchanged totals across the run mean no case wrote.
    const before = await rowCounts(bot.deps.db);
    await fc.assert(
      fc.asyncProperty(body, headers, async (b, h) => {
        const res = await post(b, h);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: FUZZ_CASES.rawRequests },
    );
    await bot.settle();
    expect(await rowCounts(bot.deps.db)).toEqual(before);
  });

  it(`correctly signed garbage envelopes never get a 5xx; refused ones write nothing (${FUZZ_CASES.signedGarbage} cases)`, async () => {
    const eventType = fc.constantFrom(
      'im.message.receive_v1',
      'card.action.trigger',
      'im.chat.member.bot.added_v1',
      'contact.user.updated_v3',
      'url_verification',
    );
    const envelope = fc.oneof(
      fc.record({
        schema: fc.oneof(fc.constant('2.0'), fc.jsonValue()),
        type: fc.option(fc.constantFrom('url_verification', 'event_callback'), { nil: undefined }),
        challenge: fc.option(fc.jsonValue(), { nil: undefined }),
        token: fc.option(fc.constant(VERIFICATION_TOKEN), { nil: undefined }),
        header: fc.oneof(
          fc.jsonValue(),
          fc.record({
            event_id: fc.oneof(fc.string({ minLength: 1 }), fc.jsonValue()),
            event_type: fc.oneof(eventType, fc.string()),
            token: fc.oneof(fc.constant(VERIFICATION_TOKEN), fc.string()),
            tenant_key: fc.oneof(fc.constant(TENANT), fc.string(), fc.jsonValue()),
            create_time: fc.oneof(fc.constant(String(Date.now())), fc.jsonValue()),
          }),
        ),
        event: fc.oneof(
          fc.jsonValue(),
          fc.record({
            sender: fc.oneof(
              fc.jsonValue(),
              fc.record({
                sender_id: fc.record({ open_id: fc.oneof(fc.constantFrom(...people), fc.jsonValue()) }),
                sender_type: fc.oneof(fc.constant('user'), fc.jsonValue()),
              }),
            ),
            message: fc.oneof(
              fc.jsonValue(),
              fc.record({
                message_id: fc.oneof(fc.string({ minLength: 1 }), fc.jsonValue()),
                chat_id: fc.oneof(fc.constant(GROUP), fc.string(), fc.jsonValue()),
                chat_type: fc.oneof(fc.constantFrom('group', 'p2p'), fc.jsonValue()),
                message_type: fc.oneof(fc.constantFrom('text', 'image', 'post'), fc.jsonValue()),
                content: fc.oneof(fc.json(), fc.string(), fc.jsonValue()),
                mentions: fc.oneof(fc.jsonValue(), fc.array(fc.record({ key: fc.jsonValue(), id: fc.jsonValue(), name: fc.jsonValue() }), { maxLength: 3 })),
                parent_id: fc.option(fc.jsonValue(), { nil: undefined }),
              }),
            ),
            operator: fc.option(fc.jsonValue(), { nil: undefined }),
            action: fc.option(fc.jsonValue(), { nil: undefined }),
            context: fc.option(fc.jsonValue(), { nil: undefined }),
            chat_id: fc.option(fc.jsonValue(), { nil: undefined }),
          }),
        ),
      }),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(envelope, async (env) => {
        const before = await rowCounts(bot.deps.db);
        const { body, headers } = signed(env);
        const res = await post(body, headers);
        await expectNoWriteOnRefusal(res.status, before);
      }),
      { numRuns: FUZZ_CASES.signedGarbage },
    );
    await bot.settle();
  });

  it(`random card payloads get a 200 answer, never a 5xx (${FUZZ_CASES.cardPayloads} cases)`, async () => {
    const task = (await bot.deps.db.query.tasks.findFirst())!;
    const action = fc.constantFrom(
      'accept',
      'progress',
      'submit',
      'approve',
      'reject',
      'approve_extension',
      'reject_extension',
      'chase',
      'show',
      'list',
      'revisit_ok',
      '',
      'toString',
      '__proto__',
    );
    const value = fc.oneof(
      fc.record(
        {
          a: fc.oneof(action, fc.jsonValue()),
          task: fc.oneof(fc.constant(task.id), fc.integer(), fc.double(), fc.jsonValue()),
          n: fc.jsonValue(),
          v: fc.oneof(fc.constantFrom('g', 'p', 'd'), fc.jsonValue()),
          f: fc.oneof(fc.constantFrom('mine', 'chat', 'overdue', 'all'), fc.jsonValue()),
          p: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
    );
    const form = fc.option(
      fc.dictionary(fc.constantFrom('progress_text', 'reject_reason', 'x'), fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()), { maxKeys: 2 }),
      { nil: undefined },
    );
    let i = 0;
    await fc.assert(
      fc.asyncProperty(value, form, fc.constantFrom(...people, 'ou_stranger'), fc.constantFrom(TENANT, 'tenant_fuzz'), async (v, f, operator, tenantKey) => {
        i += 1;
        const env = cardActionEvent({
          operator,
          value: v as Record<string, unknown>,
          formValue: f,
          chatId: GROUP,
          messageId: 'om_card',
          tenantKey,
          eventId: `ev_fuzz_card_${i}`,
          time: bot.clock.now(),
        });
        const { body, headers } = signedRequest(env, { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, timestamp: nowS() });
        const res = await post(body, headers);
        expect(res.status).toBe(200);
        const answer = (await res.json()) as { toast?: { type?: string } };
        if (answer.toast) expect(answer.toast.type).not.toBe('error');
      }),
      { numRuns: FUZZ_CASES.cardPayloads },
    );
    await bot.settle();
  });

  it(`random texts with random mentions get a 200, and no event ends in an internal error (${FUZZ_CASES.messages} cases)`, async () => {
    const word = fc.oneof(
      fc.constantFrom(
        '/交办',
        '/签收',
        '/进展',
        '/办结',
        '/通过',
        '/退回',
        '/延期',
        '/同意延期',
        '/驳回延期',
        '/催办',
        '/撤销',
        '/查看',
        '/任务',
        '/台账',
        '/统计',
        '/周报',
        '/设置',
        '/帮助',
        '/assign',
        '/list',
      ),
      fc.constantFrom(
        '#1',
        '#2',
        '#999999999999',
        '#',
        '1',
        '截止',
        '来源',
        '!紧急',
        '＃民生督查',
        '周五',
        '明天',
        '3个工作日内',
        '2026-13-45',
        '完成70%',
        '督办领导',
        '免打扰',
        '21:00-08:00',
        '订阅',
        '本群',
        '全部',
        '回头看',
        '2999-12-31',
        '9999-12-31',
        '9999个月内',
        '9999个工作日内',
      ),
      fc.constantFrom('@_user_1', '@_user_2', '@_user_3', '@_user_12', '@_all', '　', '\u200B', '\n', '<at id=all></at>', '[x](https://evil.example)'),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    );
    const text = fc.array(word, { maxLength: 12 }).map((ws) => ws.join(' '));
    const mentions = fc.array(fc.constantFrom(...people, bot?.deps.botOpenId ?? 'ou_bot', 'ou_unknown'), { maxLength: 4 });
    let i = 0;
    await fc.assert(
      fc.asyncProperty(
        text,
        mentions,
        fc.boolean(),
        fc.constantFrom(...people),
        fc.option(fc.constantFrom('om_card', 'om_nowhere'), { nil: undefined }),
        async (body, ms, p2p, sender, parentId) => {
          i += 1;
          const env = messageEvent({
            text: `@_user_1 ${body}`,
            chatId: p2p ? `oc_p2p_fuzz_${sender}` : GROUP,
            chatType: p2p ? 'p2p' : 'group',
            sender,
            mentions: [{ openId: bot.deps.botOpenId, name: '督办' }, ...ms.map((openId) => ({ openId, name: openId }))],
            parentId,
            tenantKey: TENANT,
            eventId: `ev_fuzz_msg_${i}`,
            messageId: `om_fuzz_msg_${i}`,
            time: bot.clock.now(),
          });
          const { body: raw, headers } = signedRequest(env, { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, timestamp: nowS() });
          expect((await post(raw, headers)).status).toBe(200);
        },
      ),
      { numRuns: FUZZ_CASES.messages },
    );
    await bot.settle();
    const internal = t('zh', 'internal_error');
    const failed = await bot.deps.db
      .select({ body: outbox.body })
      .from(outbox)
      .where(like(outbox.body, `%${internal}%`));
    expect(failed).toEqual([]);
    const [{ n }] = await bot.deps.db.all<{ n: number }>(sql`select count(*) as n from inbox where error is not null`);
    expect(Number(n)).toBe(0);
  });

  it(`chunked bodies without a length: 413 past 256 KB, else 401, never a write (${FUZZ_CASES.chunkedBodies} cases)`, async () => {
    const before = await rowCounts(bot.deps.db);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400 * 1024 }), fc.integer({ min: 1, max: 64 * 1024 }), async (total, chunk) => {
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent >= total) return c.close();
            const n = Math.min(chunk, total - sent);
            sent += n;
            c.enqueue(new Uint8Array(n).fill(0x61));
          },
        });
        const res = await bot.app.request('/lark/events', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          duplex: 'half',
        } as RequestInit);
        expect(res.status).toBe(total > MAX_BODY_BYTES ? 413 : 401);
      }),
      { numRuns: FUZZ_CASES.chunkedBodies },
    );
    expect(await rowCounts(bot.deps.db)).toEqual(before);
  });

  it(`signed events whose ids are not Lark's shape are refused with a 400 and write nothing (${FUZZ_CASES.oddIds} cases)`, async () => {
    const odd = fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }).filter((x) => !/^(ou|oc|om)_[A-Za-z0-9_-]{1,100}$/.test(x)),
      fc.constantFrom('../../im/v1/chats/oc_group_office/members?x=', 'ou_a/b', 'oc_x/../y', 'om_x?y', 'ou_ä', `ou_${'a'.repeat(101)}`),
    );
    const field = fc.constantFrom('sender', 'mention', 'chat', 'message', 'parent');
    const before = await rowCounts(bot.deps.db);
    await fc.assert(
      fc.asyncProperty(odd, field, async (id, where) => {
        const env = messageEvent({
          text: '@督办 /交办 @张三 起草通知',
          chatId: GROUP,
          sender: PEOPLE.chief.openId,
          tenantKey: TENANT,
          time: bot.clock.now(),
          mentions: [
            { openId: bot.deps.botOpenId, name: '督办' },
            { openId: PEOPLE.zhang.openId, name: '张三' },
          ],
        }) as Record<string, any>;
        const m = env.event.message;
        if (where === 'sender') env.event.sender.sender_id.open_id = id;
        if (where === 'mention') m.mentions[1].id.open_id = id;
        if (where === 'chat') m.chat_id = id;
        if (where === 'message') m.message_id = id;
        if (where === 'parent') m.parent_id = id;
        env.header.token = VERIFICATION_TOKEN;
        const { body, headers } = signed(env);
        const res = await post(body, headers);
        expect(res.status).toBe(400);
      }),
      { numRuns: FUZZ_CASES.oddIds },
    );
    await bot.settle();
    expect(await rowCounts(bot.deps.db)).toEqual(before);
  });

  it('nothing rejected unhandled during the fuzz', () => {
    expect(rejections).toEqual([]);
  });
});

describe('bursts from one member', () => {
  it(`n messages to the bot within a minute: the first 10 answered, the 11th told why, the rest silent (${FUZZ_CASES.bursts} cases)`, async () => {
    const limited = await testBot({ now: '2026-11-23T10:00:00+08:00', env: { DUBAN_COMMANDS_PER_MINUTE: '10' } });
    limited.deps.kickOutbox = () => {};
    const refusal = t('zh', 'rate_limited', { limit: 10 });
    let member = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom('/帮助', '/任务', '/任务 我的', '/统计', '你好', '/查看 #1', '/交办'), { minLength: 1, maxLength: 25 }),
          async (texts) => {
            // A fresh member each case: each has a whole allowance.
            const sender = `ou_fuzz_burst_${++member}`;
            const ids = texts.map((_, i) => `om_fuzz_burst_${member}_${i}`);
            for (const [i, text] of texts.entries()) {
              const env = messageEvent({
                text,
                chatId: `oc_p2p_burst_${member}`,
                chatType: 'p2p',
                sender,
                mentions: [],
                tenantKey: TENANT,
                eventId: `ev_fuzz_burst_${member}_${i}`,
                messageId: ids[i]!,
                time: limited.clock.now(),
              });
              const { body, headers } = signedRequest(env, {
                encryptKey: ENCRYPT_KEY,
                verificationToken: VERIFICATION_TOKEN,
                timestamp: Math.floor(limited.clock.now().getTime() / 1000),
              });
              const r = await limited.app.request('/lark/events', { method: 'POST', body, headers });
              expect(r.status).toBe(200);
            }
            await limited.settle();
            const rows = await limited.deps.db
              .select({ body: outbox.body })
              .from(outbox)
              .where(like(outbox.body, `%om_fuzz_burst_${member}_%`));
            const answered = new Map<string, string[]>();
            for (const r of rows) {
              const m = JSON.parse(r.body) as { messageId?: string; content?: { text?: string } };
              if (m.messageId && ids.includes(m.messageId)) answered.set(m.messageId, [...(answered.get(m.messageId) ?? []), m.content?.text ?? '']);
            }
            expect([...answered.keys()].sort()).toEqual(ids.slice(0, 11).sort());
            if (texts.length > 10) expect(answered.get(ids[10]!)).toEqual([refusal]);
            for (const id of ids.slice(0, 10)) expect(answered.get(id)).not.toContain(refusal);
          },
        ),
        { numRuns: FUZZ_CASES.bursts },
      );
    } finally {
      await limited.close();
    }
  });
});

describe('parser fuzz', () => {
  it(`parseCommand and parseReply on random unicode return or throw a ParseError, nothing else (${FUZZ_CASES.parser} cases)`, () => {
    const ctx = { now: new Date('2026-11-23T10:00:00+08:00'), calendar: bot.deps.calendar, endOfDay: '18:00', botOpenId: 'ou_bot', lang: 'zh' as const };
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.constantFrom(
        '/',
        '／',
        '#',
        '＃',
        '@_user_1',
        '@_user_2',
        '\uE000',
        '\uE001',
        '\uE002',
        '截止',
        'due',
        '来源',
        '!',
        '！',
        '紧急',
        '回头看',
        '周报',
        '督办领导',
        '12月1日下午3点',
        '3个工作日内',
        '2999-12-31',
        '9999个月内',
        '9999个工作日内',
        '\u200D',
        '\uFEFF',
        '\r\n',
      ),
    );
    const text = fc.array(piece, { maxLength: 10 }).map((ps) => ps.join(''));
    const mentions = fc.array(
      fc.record({
        key: fc.constantFrom('@_user_1', '@_user_2', '@_user_10', '', '$&', '(.*)'),
        openId: fc.constantFrom('ou_bot', 'ou_a', 'ou_b'),
        name: fc.string({ maxLength: 5 }),
      }),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(text, mentions, fc.boolean(), (s, ms, slash) => {
        for (const input of [slash ? `/${s}` : s, `/交办 ${s}`]) {
          try {
            parseCommand(input, ms, ctx);
          } catch (err) {
            if (!(err instanceof ParseError)) throw err;
          }
        }
        try {
          parseReply(s, ms, 'ou_bot');
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
        }
      }),
      { numRuns: FUZZ_CASES.parser },
    );
  });

  it(`a deadline, 回头看 or extension more than ten years ahead is refused with time_too_far (${FUZZ_CASES.farDates} cases)`, () => {
    const ctx = { now: new Date('2026-11-23T10:00:00+08:00'), calendar: bot.deps.calendar, endOfDay: '18:00', botOpenId: 'ou_bot', lang: 'zh' as const };
    const far = fc.oneof(
      fc.date({ min: new Date('2036-11-24T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.integer({ min: 121, max: 9999 }).map((n) => `${n}个月内`),
      fc.integer({ min: 530, max: 9999 }).map((n) => `${n}周内`),
      fc.integer({ min: 2_800, max: 9999 }).map((n) => `${n}个工作日内`),
    );
    const command = fc.constantFrom('/交办 @_user_1 远期任务 截止 {t}', '/延期 #1 {t} 需要时间', '/通过 #1 回头看 {t}');
    const mentions = [{ key: '@_user_1', openId: 'ou_a', name: '张三' }];
    fc.assert(
      fc.property(far, command, (when, cmd) => {
        const input = cmd.replace('{t}', when);
        expect(() => parseCommand(input, mentions, ctx), input).toThrow(expect.objectContaining({ code: 'time_too_far' }));
      }),
      { numRuns: FUZZ_CASES.farDates },
    );
  });
});
