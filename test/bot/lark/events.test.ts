/**
 * The normalizer against recorded envelopes in the shape Lark's documentation shows
 * (test/fixtures/lark/), not against the test event builder: a misreading of Lark's schema
 * cannot be shared by the two.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedEventError, normalizeEvent, type IncomingEvent } from '../../../bot/lark/events.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/lark/${name}`, import.meta.url), 'utf8'));
const normalized = (name: string) => normalizeEvent(fixture(name));
const message = (name: string) => {
  const e = normalized(name);
  if (e.kind !== 'message') throw new Error(`${name} is ${e.kind}`);
  return e as Extract<IncomingEvent, { kind: 'message' }>;
};

const BOT = 'ou_bot000000000000000000000000000b';
const WANG = 'ou_3c14f3a59eaf2825dbe25359f15e4e1b';
const LEAD = 'ou_84aad35d084aa403a838cf73ee18467';
const CARD = 'om_dc13264520392913993dd051dba21dcf';

describe('im.message.receive_v1', () => {
  it('text in a group: placeholders kept, mentions by key', () => {
    const m = message('message-text-group.json');
    expect(m).toMatchObject({
      eventId: '5e3702a84e847582be8db7fb73283c02',
      tenantKey: '2ca1d211f64f6438',
      chatType: 'group',
      sender: LEAD,
      messageType: 'text',
      text: '@_user_1 /交办 @_user_2 修复东门路灯 截止 周五',
      parentId: null,
      rootId: null,
      attachment: null,
    });
    expect(m.mentions).toEqual([
      { key: '@_user_1', openId: BOT, name: '督办' },
      { key: '@_user_2', openId: WANG, name: '王主任' },
    ]);
  });

  it('text in p2p, in a topic thread, and as a reply to a card', () => {
    expect(message('message-text-p2p.json')).toMatchObject({ chatType: 'p2p', text: '/任务 我的', mentions: [] });
    const thread = message('message-text-thread.json');
    expect(thread).toMatchObject({ parentId: 'om_1d9e8b5f3c7a2e4f6a8b0c2d4e6f8a0b', rootId: 'om_1d9e8b5f3c7a2e4f6a8b0c2d4e6f8a0b', sender: WANG });
    expect(message('message-reply.json')).toMatchObject({ parentId: CARD, rootId: CARD, text: '@_user_1 已联系施工队，明天上午到场' });
  });

  it('post: text and at elements in order, paragraphs on lines, the title left out, links kept', () => {
    const m = message('message-post-group.json');
    expect(m.messageType).toBe('post');
    expect(m.text).toBe('@_user_1 /进展 #12 已完成初稿\n请 @_user_2 审阅 初稿 https://example.feishu.cn/docx/AbCdEf');
    expect(m.mentions.map((x) => x.openId)).toEqual([BOT, WANG]);
    expect(message('message-post-p2p.json').text).toBe('/交办 @_user_1 起草年度总结 截止 12月1日');
    expect(message('message-post-reply.json')).toMatchObject({ text: '@_user_1 完成', parentId: CARD });
  });

  it('file and image: the key and the file name, no text', () => {
    expect(message('message-file-reply.json')).toMatchObject({
      messageType: 'file',
      text: '',
      parentId: CARD,
      attachment: { type: 'file', key: 'file_v2_f7c2c1b5-3a8e-4f5d-9c1e-2b7d8a9e0f1g', name: '东门路灯维修验收单.pdf' },
    });
    expect(message('message-image-reply.json')).toMatchObject({
      messageType: 'image',
      attachment: { type: 'image', key: 'img_v2_041b28e3-5680-48c2-9af2-497ace79333g', name: '' },
    });
    expect(message('message-file-p2p.json')).toMatchObject({ chatType: 'p2p', parentId: null, attachment: { name: '年度总结.docx' } });
  });

  it('a sticker is a message with neither text nor attachment', () => {
    expect(message('message-sticker.json')).toMatchObject({ messageType: 'sticker', text: '', attachment: null });
  });
});

describe('card.action.trigger and bot added', () => {
  it('a form submit carries value and form_value; a button only value', () => {
    expect(normalized('card-action-trigger.json')).toMatchObject({
      kind: 'cardAction',
      operator: WANG,
      chatId: 'oc_5ce6d572455d361153b7cb51da133945',
      messageId: CARD,
      tenantKey: '2df73991750f175d',
      value: { a: 'progress', task: 12, n: 12 },
      formValue: { progress_text: '已完成初稿 完成60%' },
    });
    expect(normalized('card-action-button.json')).toMatchObject({ kind: 'cardAction', value: { a: 'accept', task: 12 }, formValue: {} });
  });

  it('the bot added to a group: the chat, who added it, the chat name', () => {
    expect(normalized('bot-added.json')).toEqual({
      eventId: '1b9b6047320a0358943dd1e0a149090a',
      tenantKey: '2ca1d211f64f6438',
      createdAt: 1608725989000,
      kind: 'botAdded',
      chatId: 'oc_5ce6d572455d361153b7cb51da133945',
      operator: LEAD,
      chatName: '东城区督办工作群',
    });
  });
});

describe('im.message.reaction.created_v1', () => {
  it('a person’s reaction: the message, the emoji_type and who reacted', () => {
    expect(normalized('reaction-created.json')).toEqual({
      eventId: '5e3702a84e847582be8db7fb73283c02',
      tenantKey: '2ca1d211f64f6438',
      createdAt: 1608725989000,
      kind: 'reaction',
      messageId: 'om_dc13264520392913993dd051dba21dcf',
      emoji: 'OK',
      operator: 'ou_84aad35d084aa403a838cf73ee18467',
    });
  });

  it('an app’s reaction (the bot’s own confirmation) is ignored; a malformed one refused', () => {
    const app = fixture('reaction-created.json');
    app.event.operator_type = 'app';
    delete app.event.user_id;
    expect(normalizeEvent(app)).toMatchObject({ kind: 'ignored' });
    const bad = fixture('reaction-created.json');
    bad.event.reaction_type = {};
    expect(() => normalizeEvent(bad)).toThrow(MalformedEventError);
  });
});
