/** A FakeLark in this process as a FakeRecorder (the Node harness, and the control server for workerd). */
import type { FakeLark } from '../../bot/sandbox/fake-lark/server.js';
import type { FakeRecorder, SentMessage } from './harness.js';

export function sentMessages(fake: FakeLark): SentMessage[] {
  return fake.messages.map((m) => ({
    id: m.id,
    chatId: m.chatId,
    chatType: m.chatType,
    receiveIdType: m.receiveIdType,
    receiveId: m.receiveId,
    msgType: m.msgType,
    text: fake.textOf(m),
    content: m.content,
    replyTo: m.replyTo,
    uuid: m.uuid,
  }));
}

export function localFake(fake: FakeLark): FakeRecorder {
  return {
    messages: async () => sentMessages(fake),
    urgents: async () => fake.urgents.map((u) => ({ messageId: u.messageId, kind: u.kind, userIds: u.userIds })),
    failNext: async (n, fault) => fake.failNext(n, fault),
    setLatency: async (ms) => fake.setLatency(ms),
    clearFaults: async () => fake.clearFaults(),
    addUser: async (u) => void fake.addUser(u),
    addChat: async (c) => void fake.addChat(c),
  };
}
