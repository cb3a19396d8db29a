/**
 * What the bot learns from Lark's GET lookups, shared by both runtimes: chat info
 * (im.v1.chat.get), users (contact.v3.user.get) and departments (contact.v3.department.get).
 * These are the SDK calls that go out as GET; a runtime that refuses them (workerd refuses a
 * GET with a body) leaves every name at whatever the event carried, and a chat owner without
 * the admin right Lark's chat info gives.
 */
import { expect } from 'vitest';
import { messageEvent } from '../../bot/sandbox/fake-lark/events.js';
import { post, tag, type Harness } from './harness.js';
import { BOT_NAME, BOT_OPEN_ID, PEOPLE, TENANT } from './office.js';

/**
 * A group the bot has never seen, and a person it has never looked up. The group's owner sets
 * that person as 督办领导 with /设置: the chat is stored with its name and owner from Lark, the
 * owner is an admin because Lark's chat info says so, and the person is stored with the
 * department the contact API gives (the mention carries only a name).
 */
export async function groupOwnerSettingsLearnNamesFromLark(h: Harness): Promise<void> {
  const t = tag();
  const chatId = `oc_sc_new_${t}`;
  const chatName = `城管局项目协调群${t}`;
  const person = { openId: `ou_sc_new_${t}`, name: '赵六', departmentId: `od_sc_new_${t}`, departmentName: `市政设施科${t}` };
  await h.fake.addUser(person);
  await h.fake.addChat({ chatId, name: chatName, ownerId: PEOPLE.leader.openId, members: [PEOPLE.leader.openId, person.openId] });

  const sentBefore = (await h.fake.messages()).length;
  const envelope = messageEvent({
    text: `@${BOT_NAME} /设置 督办领导 @${person.name}`,
    chatId,
    sender: PEOPLE.leader.openId,
    mentions: [
      { openId: BOT_OPEN_ID, name: BOT_NAME },
      { openId: person.openId, name: person.name },
    ],
    tenantKey: TENANT,
  });
  const res = await post(h, envelope);
  expect(res.status).toBe(200);
  await h.settle();

  const [chat] = await h.query<{ name: string | null; owner_id: string | null; settings: string }>(
    'SELECT name, owner_id, settings FROM chats WHERE chat_id = ?',
    [chatId],
  );
  expect(chat, 'the chat is stored').toBeDefined();
  expect({ name: chat!.name, ownerId: chat!.owner_id }, 'name and owner from chat info').toEqual({ name: chatName, ownerId: PEOPLE.leader.openId });
  expect(JSON.parse(chat!.settings), 'the owner may change settings').toMatchObject({ supervisorId: person.openId });

  const replies = (await h.fake.messages()).slice(sentBefore).filter((m) => m.chatId === chatId);
  expect(replies.map((m) => m.text)).toEqual([expect.stringContaining(`督办领导 ${person.name}`)]);

  const [user] = await h.query<{ name: string; department_id: string | null; department_name: string | null; fetched_at: number }>(
    'SELECT name, department_id, department_name, fetched_at FROM users WHERE open_id = ?',
    [person.openId],
  );
  expect(user, 'the person is stored').toBeDefined();
  expect({ name: user!.name, departmentId: user!.department_id, departmentName: user!.department_name }, 'from the contact API').toEqual({
    name: person.name,
    departmentId: person.departmentId,
    departmentName: person.departmentName,
  });
  expect(Number(user!.fetched_at), 'looked up, not only seen in a mention').toBeGreaterThan(0);
}
