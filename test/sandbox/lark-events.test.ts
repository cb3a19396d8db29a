import { createHash } from 'node:crypto';
import { AESCipher } from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../../bot/lark/events.js';
import { botAddedEvent, cardActionEvent, decrypt, encrypt, messageEvent, sign, signedRequest, urlVerification } from '../../bot/sandbox/fake-lark/events.js';

const BOT = 'ou_bot00000000000000000000000000';
const LEAD = 'ou_lead0000000000000000000000000';
const CO = 'ou_co000000000000000000000000000';

describe('encryption', () => {
  it("decrypts the docs' test vector", () => {
    expect(decrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe('hello world');
  });

  it('encrypts so that the SDK (the reference implementation) decrypts it', () => {
    const plain = JSON.stringify({ text: '督办事项：修复路灯' });
    const enc = encrypt(plain, 'my-encrypt-key');
    expect(new AESCipher('my-encrypt-key').decrypt(enc)).toBe(plain);
  });

  it('round-trips Chinese text that spans AES block boundaries', () => {
    for (let pad = 0; pad < 16; pad++) {
      const plain = `${'a'.repeat(pad)}交办催办督办查办，办结率百分之百`;
      expect(decrypt(encrypt(plain, 'k'), 'k')).toBe(plain);
    }
  });

  it('prefixes a fresh random IV', () => {
    const a = Buffer.from(encrypt('x', 'k'), 'base64');
    const b = Buffer.from(encrypt('x', 'k'), 'base64');
    expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false);
    expect(a.length).toBe(32);
  });
});

describe('signature', () => {
  it('is hex SHA-256 of timestamp + nonce + key + raw body', () => {
    const body = '{"encrypt":"abc"}';
    const expected = createHash('sha256').update(`1700000000nonce1key${body}`).digest('hex');
    expect(sign('1700000000', 'nonce1', 'key', body)).toBe(expected);
  });

  it('signs the exact bytes of signedRequest', () => {
    const env = messageEvent({ text: 'hi', chatId: 'oc_1', sender: LEAD });
    const { body, headers } = signedRequest(env, { encryptKey: 'ek', timestamp: 1700000000, nonce: 'n1' });
    expect(headers['x-lark-request-timestamp']).toBe('1700000000');
    expect(headers['x-lark-request-nonce']).toBe('n1');
    expect(headers['x-lark-signature']).toBe(sign('1700000000', 'n1', 'ek', body));
    const decrypted = JSON.parse(decrypt(JSON.parse(body).encrypt, 'ek'));
    expect(decrypted).toEqual(env);
  });

  it('breaks the signature when tampered', () => {
    const env = messageEvent({ text: 'hi', chatId: 'oc_1', sender: LEAD });
    for (const tamper of ['signature', 'body', 'timestamp', 'nonce'] as const) {
      const { body, headers } = signedRequest(env, { encryptKey: 'ek', tamper });
      const recomputed = sign(headers['x-lark-request-timestamp']!, headers['x-lark-request-nonce']!, 'ek', body);
      expect(recomputed, tamper).not.toBe(headers['x-lark-signature']);
    }
  });

  it('sets the verification token and sends plain JSON without an encrypt key', () => {
    const env = messageEvent({ text: 'hi', chatId: 'oc_1', sender: LEAD });
    const { body, headers } = signedRequest(env, { verificationToken: 'vt-1' });
    expect(JSON.parse(body).header.token).toBe('vt-1');
    expect(headers['x-lark-signature']).toBeUndefined();
    expect(env.header.token).toBe('');
  });

  it('encrypts a url_verification but, like Lark, does not sign it', () => {
    const { body, headers } = signedRequest(urlVerification('ch-1', 'vt-1'), { encryptKey: 'ek' });
    expect(JSON.parse(decrypt(JSON.parse(body).encrypt, 'ek'))).toEqual({ challenge: 'ch-1', token: 'vt-1', type: 'url_verification' });
    expect(headers['x-lark-signature']).toBeUndefined();
  });
});

describe('envelopes', () => {
  it('numbers mentions by position as @_user_N and JSON-encodes the text', () => {
    const env = messageEvent({
      text: '@督办 /交办 @王主任 @王 修复路灯 截止周五',
      chatId: 'oc_chat',
      sender: LEAD,
      mentions: [
        { openId: CO, name: '王' },
        { openId: LEAD, name: '王主任' },
        { openId: BOT, name: '督办' },
      ],
      tenantKey: 't1',
      eventId: 'ev1',
      messageId: 'om_1',
    });
    expect(env.schema).toBe('2.0');
    expect(env.header).toMatchObject({ event_id: 'ev1', event_type: 'im.message.receive_v1', tenant_key: 't1' });
    const m = env.event.message;
    expect(m.content).toBe(JSON.stringify({ text: '@_user_1 /交办 @_user_2 @_user_3 修复路灯 截止周五' }));
    expect(m.mentions.map((x: any) => [x.key, x.id.open_id, x.name])).toEqual([
      ['@_user_1', BOT, '督办'],
      ['@_user_2', LEAD, '王主任'],
      ['@_user_3', CO, '王'],
    ]);
    expect(env.event.sender).toMatchObject({ sender_id: { open_id: LEAD }, sender_type: 'user' });
  });

  it('normalizes into the events the bot understands', () => {
    const msg = normalizeEvent(
      messageEvent({ text: '@督办 进展 完成70%', chatId: 'oc_c', sender: LEAD, mentions: [{ openId: BOT, name: '督办' }], parentId: 'om_card' }),
    );
    expect(msg).toMatchObject({
      kind: 'message',
      chatId: 'oc_c',
      chatType: 'group',
      sender: LEAD,
      text: '@_user_1 进展 完成70%',
      mentions: [{ key: '@_user_1', openId: BOT, name: '督办' }],
      parentId: 'om_card',
      rootId: 'om_card',
    });

    const click = normalizeEvent(cardActionEvent({ operator: LEAD, value: { action: 'accept', taskId: 7 }, chatId: 'oc_c', messageId: 'om_card' }));
    expect(click).toMatchObject({ kind: 'cardAction', operator: LEAD, chatId: 'oc_c', messageId: 'om_card', value: { action: 'accept', taskId: 7 } });

    const added = normalizeEvent(botAddedEvent({ chatId: 'oc_new', name: '督办工作群', operator: LEAD }));
    expect(added).toMatchObject({ kind: 'botAdded', chatId: 'oc_new', operator: LEAD, chatName: '督办工作群' });
  });

  it('keeps placeholders already in the text', () => {
    const env = messageEvent({ text: '@_user_1 帮助', chatId: 'oc', chatType: 'p2p', sender: LEAD, mentions: [{ openId: BOT, name: '督办' }] });
    expect(JSON.parse(env.event.message.content).text).toBe('@_user_1 帮助');
    expect(env.event.message.chat_type).toBe('p2p');
  });

  it('refuses a mention missing from the text (a test bug, not a Lark shape)', () => {
    expect(() => messageEvent({ text: 'hello', chatId: 'oc', sender: LEAD, mentions: [{ openId: BOT, name: '督办' }] })).toThrow(/督办/);
  });

  it('builds card callbacks with form values and a callback token', () => {
    const env = cardActionEvent({
      operator: LEAD,
      value: { a: 1 },
      chatId: 'oc',
      messageId: 'om',
      formValue: { reason: '雨天' },
      callbackToken: 'c-1',
      token: 'vt',
    });
    expect(env.header).toMatchObject({ event_type: 'card.action.trigger', token: 'vt' });
    expect(env.event).toMatchObject({ token: 'c-1', action: { tag: 'button', form_value: { reason: '雨天' } }, host: 'im_message' });
  });
});
