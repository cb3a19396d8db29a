/**
 * The fake Lark server, driven through the real SDK client (bot/lark/sdk-client.ts): what
 * passes here is what the sender sees from Lark.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LarkApiError, ResourceTooLargeError, type LarkApi } from '../../bot/lark/api.js';
import { createLarkApi } from '../../bot/lark/sdk-client.js';
import { FakeLark, fakeChatId, fakeOpenId } from '../../bot/sandbox/fake-lark/server.js';

const card = (title: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: title }, template: 'blue' },
    body: {
      elements: [
        { tag: 'markdown', content: `**${title}** 请于周五前办结` },
        { tag: 'button', text: { tag: 'plain_text', content: '签收' }, behaviors: [{ type: 'callback', value: { action: 'accept', taskId: 7 } }] },
      ],
    },
    ...extra,
  });

const text = (s: string) => JSON.stringify({ text: s });

let lark: FakeLark;
let api: LarkApi;
let url: string;
const lead = fakeOpenId();
const member = fakeOpenId();
const chatId = fakeChatId();

function newApi(timeoutMs?: number): LarkApi {
  return createLarkApi({ appId: lark.appId, appSecret: lark.appSecret, domain: url, timeoutMs });
}

async function failure(p: Promise<unknown>): Promise<LarkApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LarkApiError);
    return err as LarkApiError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  lark = new FakeLark({ botName: '督办助手' });
  ({ url } = await lark.start());
  lark.addUser({ openId: lead, name: '王主任', departmentName: '综合科' });
  lark.addUser({ openId: member, name: '李科员' });
  lark.addChat({ chatId, name: '督办工作群', ownerId: lead, members: [lead, member], managers: [member] });
  api = newApi();
});

afterEach(() => {
  lark.reset();
});

afterAll(async () => {
  await lark.stop();
});

describe('FakeLark through the SDK client', () => {
  it('answers bot/v3/info with the bot identity', async () => {
    expect(await api.botInfo()).toEqual({ openId: lark.botOpenId, name: '督办助手' });
  });

  it('sends a text to a chat and records it', async () => {
    const { messageId } = await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('请查收'), uuid: 'u-text-1' });
    expect(messageId).toMatch(/^om_[0-9a-f]{32}$/);
    const [msg] = lark.messagesTo(chatId);
    expect(msg).toMatchObject({ id: messageId, chatId, msgType: 'text', uuid: 'u-text-1', replyTo: null });
    expect(lark.textOf(msg!)).toBe('请查收');
  });

  it('sends the same uuid twice: one message, the same message_id', async () => {
    const args = { receiveIdType: 'chat_id' as const, receiveId: chatId, msgType: 'text', content: text('提醒'), uuid: 'reminder:7:2026-12-04' };
    const a = await api.send(args);
    const b = await api.send(args);
    expect(b.messageId).toBe(a.messageId);
    expect(lark.messages).toHaveLength(1);
    expect(lark.dedupedSends).toBe(1);
  });

  it('forgets a uuid after an hour of its own clock', async () => {
    const args = { receiveIdType: 'chat_id' as const, receiveId: chatId, msgType: 'text', content: text('提醒'), uuid: 'u-hour' };
    const a = await api.send(args);
    lark.advance(61 * 60 * 1000);
    const b = await api.send(args);
    expect(b.messageId).not.toBe(a.messageId);
    expect(lark.messages).toHaveLength(2);
  });

  it('sends to a user by open_id into the p2p chat', async () => {
    await api.send({ receiveIdType: 'open_id', receiveId: member, msgType: 'text', content: text('您有一项督办事项'), uuid: 'u-p2p' });
    const [msg] = lark.messagesTo(member);
    expect(msg?.chatType).toBe('p2p');
    expect(msg?.chatId).toBe(lark.p2pChatOf(member));
  });

  it('refuses a chat the bot is not in with 230002, final', async () => {
    const outside = lark.addChat({ name: '别的群', ownerId: lead, members: [lead], botIsMember: false });
    const err = await failure(api.send({ receiveIdType: 'chat_id', receiveId: outside.chatId, msgType: 'text', content: text('x'), uuid: 'u-out' }));
    expect(err).toMatchObject({ status: 400, code: 230002 });
    expect(err.isFinal).toBe(true);
    expect(err.isRateLimit).toBe(false);
  });

  it('refuses an unknown user with 230013, a resigned one with 230029', async () => {
    const unknown = await failure(api.send({ receiveIdType: 'open_id', receiveId: fakeOpenId(), msgType: 'text', content: text('x'), uuid: 'u-unknown' }));
    expect(unknown).toMatchObject({ status: 400, code: 230013, isFinal: true });
    const gone = lark.addUser({ name: '已离职', resigned: true });
    const resigned = await failure(api.send({ receiveIdType: 'open_id', receiveId: gone.openId, msgType: 'text', content: text('x'), uuid: 'u-gone' }));
    expect(resigned).toMatchObject({ code: 230029, isFinal: true });
  });

  it('turns an injected 429 into a rate-limit error with retryAfterMs from x-ogw-ratelimit-reset', async () => {
    lark.failNext(1, {
      status: 429,
      code: 99991400,
      msg: 'request trigger frequency limit',
      headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '3' },
      path: '/open-apis/im/v1/messages',
    });
    const err = await failure(api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('x'), uuid: 'u-429' }));
    expect(err).toMatchObject({ status: 429, code: 99991400, retryAfterMs: 3000 });
    expect(err.isRateLimit).toBe(true);
    expect(err.isFinal).toBe(false);
    // The fault is spent: the retry goes through.
    await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('x'), uuid: 'u-429' });
    expect(lark.messages).toHaveLength(1);
  });

  it('enforces 5 messages per second per chat like Lark, and counts the refusal', async () => {
    const sends = Array.from({ length: 6 }, (_, i) =>
      api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text(`第${i}条`), uuid: `u-burst-${i}` }).then(
        () => null,
        (e: LarkApiError) => e,
      ),
    );
    const results = await Promise.all(sends);
    const refused = results.filter((r): r is LarkApiError => r !== null);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 429, code: 99991400, isRateLimit: true });
    expect(refused[0]!.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(lark.refusedForFrequency).toBe(1);
    expect(lark.messages).toHaveLength(5);
    expect(lark.calls.some((c) => c.status === 429 && c.code === 99991400)).toBe(true);
  });

  it('can answer per-chat limits the IM way (400 + 230020, no reset header)', async () => {
    lark.setRateLimits({ perChatPerSecond: 1, recipientRefusal: 'im' });
    try {
      await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('1'), uuid: 'u-im-1' });
      const err = await failure(api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('2'), uuid: 'u-im-2' }));
      expect(err).toMatchObject({ status: 400, code: 230020, retryAfterMs: null, isRateLimit: true, isFinal: false });
    } finally {
      lark.setRateLimits({});
    }
  });

  it('refreshes the tenant token once when Lark says it is invalid (99991663)', async () => {
    const fresh = newApi();
    await fresh.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('1'), uuid: 'u-tok-1' });
    const issued = lark.tokensIssued;
    lark.expireTokens();
    await fresh.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('2'), uuid: 'u-tok-2' });
    expect(lark.tokensIssued).toBe(issued + 1);
    expect(lark.calls.filter((c) => c.code === 99991663)).toHaveLength(1);
    expect(lark.messages).toHaveLength(2);
  });

  it('refreshes a token the fake clock expired while the SDK still trusted it', async () => {
    const fresh = newApi();
    await fresh.botInfo();
    lark.advance(3 * 60 * 60 * 1000);
    await expect(fresh.botInfo()).resolves.toMatchObject({ openId: lark.botOpenId });
    expect(lark.calls.filter((c) => c.code === 99991663)).toHaveLength(1);
  });

  it('refreshes also when the refusal comes as HTTP 401 or inside a 200 body', async () => {
    const tokenCalls = () => lark.calls.filter((c) => c.path.endsWith('/tenant_access_token/internal')).length;
    for (const status of [401, 200]) {
      const fresh = newApi();
      await fresh.botInfo();
      const before = tokenCalls();
      lark.failNext(1, { status, code: 99991663, msg: 'Invalid access token for authorization.', path: '/open-apis/bot' });
      await expect(fresh.botInfo()).resolves.toMatchObject({ openId: lark.botOpenId });
      expect(tokenCalls(), `status ${status}`).toBe(before + 1);
    }
  });

  it('fetches one token for many concurrent first calls', async () => {
    const fresh = newApi();
    lark.expireTokens();
    const before = lark.tokensIssued;
    await Promise.all(Array.from({ length: 8 }, () => fresh.botInfo()));
    expect(lark.tokensIssued).toBe(before + 1);
    expect(lark.calls.filter((c) => c.path.endsWith('/tenant_access_token/internal'))).toHaveLength(1);
  });

  it('surfaces a token endpoint failure as a retryable error, then recovers', async () => {
    const fresh = newApi();
    lark.expireTokens();
    lark.failToken(1, { status: 503, code: -1, msg: 'service unavailable' });
    const err = await failure(fresh.botInfo());
    expect(err).toMatchObject({ status: 503, isFinal: false });
    await expect(fresh.botInfo()).resolves.toBeTruthy();
  });

  it('times out a hung token request too', async () => {
    const fresh = newApi(300);
    lark.expireTokens();
    lark.hang(1, { path: '/open-apis/auth' });
    expect(await failure(fresh.botInfo())).toMatchObject({ status: 0, code: -1 });
    await expect(fresh.botInfo()).resolves.toBeTruthy();
  });

  it('reports wrong credentials with Lark code 10014', async () => {
    const wrong = createLarkApi({ appId: lark.appId, appSecret: 'not-the-secret', domain: url });
    const err = await failure(wrong.botInfo());
    expect(err).toMatchObject({ status: 400, code: 10014 });
  });

  it('patches a shared card within 14 days and refuses after (230031)', async () => {
    const { messageId } = await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'interactive', content: card('#7 修复路灯'), uuid: 'u-card' });
    expect(lark.cardText(lark.messages[0]!)).toContain('签收');
    await api.patchCard(messageId, card('#7 修复路灯（已签收）'));
    expect(lark.patches).toHaveLength(1);
    expect(lark.cardText(lark.messages[0]!)).toContain('已签收');
    lark.advance(14 * 24 * 60 * 60 * 1000 + 1000);
    const err = await failure(api.patchCard(messageId, card('#7 过期')));
    expect(err).toMatchObject({ status: 400, code: 230031, isFinal: true });
  });

  it('refuses to patch a card that is not shared, or a text message', async () => {
    // A 1.0 card is shared only with update_multi; a 2.0 card always is (card JSON 2.0 release notes).
    const notShared = JSON.stringify({ config: {}, elements: [{ tag: 'markdown', content: 'x' }] });
    const a = await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'interactive', content: notShared, uuid: 'u-ns' });
    expect(await failure(api.patchCard(a.messageId, card('y')))).toMatchObject({ code: 230001 });
    const b = await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('x'), uuid: 'u-nt' });
    expect(await failure(api.patchCard(b.messageId, card('y')))).toMatchObject({ code: 230001 });
  });

  it('limits PATCH to 5 per second per message', async () => {
    const { messageId } = await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'interactive', content: card('t'), uuid: 'u-pl' });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.patchCard(messageId, card(`t${i}`)).then(
          () => null,
          (e: LarkApiError) => e,
        ),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(lark.patches).toHaveLength(5);
  });

  it('refuses a 2.0 card with unknown top-level properties (230099)', async () => {
    const err = await failure(
      api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'interactive', content: card('x', { elements: [] }), uuid: 'u-bad-card' }),
    );
    expect(err).toMatchObject({ code: 230099, isFinal: true });
  });

  it('refuses content over the size limits (230025)', async () => {
    const big = JSON.stringify({ schema: '2.0', config: { update_multi: true }, body: { elements: [{ tag: 'markdown', content: '字'.repeat(11_000) }] } });
    expect(await failure(api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'interactive', content: big, uuid: 'u-big' }))).toMatchObject({
      code: 230025,
    });
  });

  it('replies in the same chat and links the reply', async () => {
    const { messageId: root } = await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('root'), uuid: 'u-root' });
    const { messageId } = await api.reply({ messageId: root, msgType: 'text', content: text('收到'), uuid: 'u-reply' });
    const reply = lark.messages.find((m) => m.id === messageId)!;
    expect(reply).toMatchObject({ chatId, replyTo: root, rootId: root });
    lark.recall(root);
    expect(await failure(api.reply({ messageId: root, msgType: 'text', content: text('x'), uuid: 'u-reply-2' }))).toMatchObject({ code: 230011 });
  });

  it('records 加急 (urgent_app) and tells apart users outside the chat', async () => {
    const { messageId } = await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('催办'), uuid: 'u-urgent' });
    await api.urgentApp(messageId, [member, fakeOpenId()]);
    expect(lark.urgents).toHaveLength(1);
    expect(lark.urgents[0]).toMatchObject({ messageId, kind: 'app', userIds: [member] });
    expect(lark.urgents[0]!.invalidUserIds).toHaveLength(1);
  });

  it('uploads a file (multipart), keeps its bytes, and sends it', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 250]);
    const { fileKey } = await api.uploadFile('台账.xlsx', 'xls', bytes);
    expect(fileKey).toMatch(/^file_v3_/);
    expect(lark.files).toHaveLength(1);
    expect(lark.files[0]).toMatchObject({ fileKey, fileName: '台账.xlsx', fileType: 'xls' });
    expect([...lark.files[0]!.bytes]).toEqual([...bytes]);
    await api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'file', content: JSON.stringify({ file_key: fileKey }), uuid: 'u-file' });
    expect(lark.textOf(lark.messages[0]!)).toBe(`[file ${fileKey}]`);
  });

  it('serves a file a person sent through message-resource get, refusing what Lark refuses', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x05, 0x06, 9, 8, 7]);
    const msg = lark.userSendsFile({ sender: member, chatId, fileName: '分解表.xlsx', bytes });
    expect(msg.content).toEqual({ file_key: expect.stringMatching(/^file_v3_/), file_name: '分解表.xlsx' });
    const info = await api.getMessage(msg.id);
    expect(info).toEqual({ messageId: msg.id, chatId, msgType: 'file', content: msg.content, senderId: member, mentions: [], deleted: false });
    const key = msg.content.file_key as string;
    expect([...(await api.downloadResource(msg.id, key, 'file', 100))]).toEqual([...bytes]);
    // The bound is the caller's: past it the download stops.
    await expect(api.downloadResource(msg.id, key, 'file', 3)).rejects.toBeInstanceOf(ResourceTooLargeError);
    // file_key and message_id must match; cards are refused; the bot must be in the chat.
    const other = lark.userSendsFile({ sender: member, chatId, fileName: 'b.csv', bytes });
    expect(await failure(api.downloadResource(msg.id, other.content.file_key, 'file', 100))).toMatchObject({ status: 400, code: 234003 });
    const { messageId: card } = await api.send({
      receiveIdType: 'chat_id',
      receiveId: chatId,
      msgType: 'interactive',
      content: JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x' }] } }),
      uuid: 'u-card-res',
    });
    expect(await failure(api.downloadResource(card, key, 'file', 100))).toMatchObject({ code: 234043 });
    lark.removeBot(chatId);
    try {
      expect(await failure(api.downloadResource(msg.id, key, 'file', 100))).toMatchObject({ code: 234004 });
    } finally {
      lark.chats.get(chatId)!.botIsMember = true;
    }
    // `type` is required: image or file.
    const token = (
      (await await fetch(`${url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: lark.appId, app_secret: lark.appSecret }),
      }).then((r) => r.json())) as { tenant_access_token: string }
    ).tenant_access_token;
    const res = await fetch(`${url}/open-apis/im/v1/messages/${msg.id}/resources/${key}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(234001);
    expect(lark.violations.map((v) => v.code)).toEqual([234001]);
    expect(await api.listChatMembers(chatId)).toEqual([
      { openId: lead, name: '王主任' },
      { openId: member, name: '李科员' },
    ]);
  });

  it('reads back a person’s rich-text message with its mentions (message get)', async () => {
    const post = {
      title: '',
      content: [
        [
          { tag: 'at', user_id: '@_user_1', user_name: '张三' },
          { tag: 'text', text: ' 请整理会议纪要' },
        ],
      ],
    };
    const msg = lark.userSays({
      sender: member,
      chatId,
      text: '',
      msgType: 'post',
      content: post,
      mentions: [{ key: '@_user_1', openId: member, name: '张三' }],
    });
    expect(await api.getMessage(msg.id)).toEqual({
      messageId: msg.id,
      chatId,
      msgType: 'post',
      content: post,
      senderId: member,
      mentions: [{ key: '@_user_1', openId: member, name: '张三' }],
      deleted: false,
    });
    expect(await failure(api.getMessage('om_nosuchmessage'))).toMatchObject({ code: 230001 });
  });

  it('adds the bot’s reaction as documented and refuses what Lark refuses', async () => {
    const { messageId } = await api.send({
      receiveIdType: 'chat_id',
      receiveId: chatId,
      msgType: 'text',
      content: JSON.stringify({ text: 'x' }),
      uuid: 'u-react',
    });
    await api.addReaction(messageId, 'DONE');
    expect(lark.reactions).toEqual([expect.objectContaining({ messageId, emojiType: 'DONE', operatorType: 'app' })]);
    // An emoji_type of the list's shape, a message that exists and is not recalled.
    expect(await failure(api.addReaction(messageId, '👍'))).toMatchObject({ code: 99992402 });
    expect(await failure(api.addReaction('om_nosuchmessage', 'OK'))).toMatchObject({ code: 230001 });
    lark.recall(messageId);
    expect(await failure(api.addReaction(messageId, 'OK'))).toMatchObject({ code: 230011 });
  });

  it('looks up users, departments and chats', async () => {
    const user = await api.getUser(lead);
    expect(user.name).toBe('王主任');
    expect(user.departmentIds).toHaveLength(1);
    expect(await api.getDepartmentName(user.departmentIds[0]!)).toBe('综合科');
    expect(await api.getDepartmentName('od-does-not-exist')).toBeNull();
    expect(await api.getChat(chatId)).toEqual({ chatId, name: '督办工作群', ownerId: lead, managerIds: [member] });
    expect(await failure(api.getUser(fakeOpenId()))).toMatchObject({ status: 400, code: 41050 });
    expect(await failure(api.getChat(fakeChatId()))).toMatchObject({ code: 232006 });
  });

  it('times out a hung request within the deadline (status 0, retryable)', async () => {
    const quick = newApi(300);
    await quick.botInfo();
    lark.hang(1, { path: '/open-apis/im/v1/messages' });
    const started = performance.now();
    const err = await failure(quick.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: text('x'), uuid: 'u-hang' }));
    const elapsed = performance.now() - started;
    expect(err).toMatchObject({ status: 0, code: -1 });
    expect(err.message).toMatch(/timeout/i);
    expect(err.isFinal).toBe(false);
    expect(elapsed).toBeLessThan(2_000);
    expect(lark.messages).toHaveLength(0);
  });

  it('turns a dropped connection into a network error; a resend with the uuid does not double', async () => {
    lark.dropConnections(1, { path: '/open-apis/im/v1/messages', afterEffect: true });
    const args = { receiveIdType: 'chat_id' as const, receiveId: chatId, msgType: 'text', content: text('x'), uuid: 'u-drop' };
    const err = await failure(api.send(args));
    expect(err).toMatchObject({ status: 0, code: -1, isFinal: false });
    expect(lark.messages).toHaveLength(1);
    await api.send(args);
    expect(lark.messages).toHaveLength(1);
    expect(lark.calls.some((c) => c.outcome === 'dropped')).toBe(true);
  });

  it('answers 500s for a while with failFor, then recovers', async () => {
    lark.failFor(150, { status: 500, code: -1, msg: 'internal error', path: '/open-apis/bot' });
    const err = await failure(api.botInfo());
    expect(err).toMatchObject({ status: 500, isFinal: false });
    await new Promise((r) => setTimeout(r, 200));
    await expect(api.botInfo()).resolves.toBeTruthy();
  });

  it('classifies a non-JSON error body by its HTTP status', async () => {
    lark.failNext(1, { status: 502, body: '<html>Bad Gateway</html>' });
    expect(await failure(api.botInfo())).toMatchObject({ status: 502, code: -1 });
  });

  it('answers calls without or with a bad token like Lark', async () => {
    const missing = await fetch(`${url}/open-apis/bot/v3/info`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 99991661 });
    const bad = await fetch(`${url}/open-apis/bot/v3/info`, { headers: { authorization: 'Bearer t-nope' } });
    expect(await bad.json()).toMatchObject({ code: 99991663 });
  });

  it('validates receive_id_type and content the way Lark does', async () => {
    const t = await fetch(`${url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: lark.appId, app_secret: lark.appSecret }),
    }).then((r) => r.json() as Promise<{ tenant_access_token: string; expire: number }>);
    expect(t.expire).toBeGreaterThan(0);
    const post = (query: string, body: unknown) =>
      fetch(`${url}/open-apis/im/v1/messages${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.tenant_access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code: number } }));
    expect(await post('?receive_id_type=nickname', { receive_id: chatId, msg_type: 'text', content: text('x') })).toMatchObject({
      status: 400,
      body: { code: 99992402 },
    });
    expect(await post('?receive_id_type=chat_id', { receive_id: chatId, msg_type: 'text', content: { text: 'x' } })).toMatchObject({
      body: { code: 99992402 },
    });
    expect(await post('?receive_id_type=chat_id', { receive_id: chatId, msg_type: 'text', content: '{not json' })).toMatchObject({
      body: { code: 230001 },
    });
    expect(lark.messages).toHaveLength(0);
  });

  it('flattens card text for assertions', () => {
    const text = lark.cardText(JSON.parse(card('#9 河道清理')));
    expect(text.split('\n')).toEqual(['#9 河道清理', '**#9 河道清理** 请于周五前办结', '签收']);
  });

  it('keeps the SDK silent, even when calls fail', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    try {
      lark.failNext(1, { status: 500 });
      await failure(api.botInfo());
      const wrong = createLarkApi({ appId: lark.appId, appSecret: 'wrong-secret', domain: url });
      await failure(wrong.botInfo());
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
