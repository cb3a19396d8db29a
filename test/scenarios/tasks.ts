/**
 * Task scenarios through the real entry points, shared by both runtimes: /交办 in Chinese
 * through the signed, encrypted webhook, then the chase job through the runtime's scheduler
 * (Node: runJob as schedules/node.ts calls it; Workers: `scheduled` with the job's UTC cron).
 * Dates are worked out from the bot's "now" on the working calendar, so the scenarios hold on
 * any day they run.
 */
import { expect } from 'vitest';
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { messageEvent } from '../../bot/sandbox/fake-lark/events.js';
import { count, post, tag, type Harness, type SentMessage } from './harness.js';
import { BOT_NAME, BOT_OPEN_ID, GROUP, PEOPLE, TENANT } from './office.js';

const calendar = new WorkCalendar({ tz: 'Asia/Shanghai' });

export interface AssignedTask {
  id: number;
  title: string;
  /** The due day, YYYY-MM-DD in the office's zone (due at its end of the working day). */
  dueDay: string;
}

/**
 * The leader assigns a task to 张三 in the group: answered at once, one task row, the task card
 * in the group @-mentioning 张三 and a card to 张三 in p2p. The title is Chinese long enough to
 * straddle several AES blocks, and must come out of the card exactly as typed.
 */
export async function assignCreatesTaskAndCards(h: Harness): Promise<AssignedTask> {
  const title = `关于进一步加强城市道路路灯维修养护工作的通知（编号${tag()}）`;
  const dueDay = calendar.addWorkdays(calendar.localDate(h.now()), 2);
  const sentBefore = (await h.fake.messages()).length;
  const envelope = messageEvent({
    text: `@${BOT_NAME} /交办 @${PEOPLE.zhang.name} ${title} 截止 ${dueDay}`,
    chatId: GROUP,
    sender: PEOPLE.leader.openId,
    mentions: [
      { openId: BOT_OPEN_ID, name: BOT_NAME },
      { openId: PEOPLE.zhang.openId, name: PEOPLE.zhang.name },
    ],
    tenantKey: TENANT,
  });
  const res = await post(h, envelope);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({});
  await h.settle();

  const rows = await h.query<{ id: number; title: string }>('SELECT id, title FROM tasks WHERE title = ?', [title]);
  expect(rows).toHaveLength(1);
  const id = Number(rows[0]!.id);

  const sent = (await h.fake.messages()).slice(sentBefore);
  const groupCard = sent.find((m) => m.chatId === GROUP && m.msgType === 'interactive');
  expect(groupCard, 'task card in the group').toBeDefined();
  expect(groupCard!.text).toContain(title);
  expect(JSON.stringify(groupCard!.content)).toContain(PEOPLE.zhang.openId);
  const p2pCard = sent.find((m) => m.chatType === 'p2p' && m.receiveId === PEOPLE.zhang.openId);
  expect(p2pCard, 'card to 张三 in p2p').toBeDefined();
  expect(p2pCard!.text).toContain(title);
  for (const m of sent) expect(m.text).not.toContain('\uFFFD');
  return { id, title, dueDay };
}

const chasesOf = (sent: SentMessage[], title: string) =>
  sent.filter((m) => m.chatId === GROUP && m.msgType === 'text' && m.text.includes(title) && m.text.includes('催办'));

/**
 * The working day after the due day, at 09:30, the chase job sends 催办 in the group @张三,
 * "逾期第 1 天" — once: a second tick a few minutes later sends nothing more for it.
 */
export async function chaseSendsOverdueReminderOnce(h: Harness): Promise<void> {
  const task = await assignCreatesTaskAndCards(h);
  const at = calendar.at(calendar.addWorkdays(task.dueDay, 1), '09:30');
  await h.runJob('chase', at);

  const chases = chasesOf(await h.fake.messages(), task.title);
  expect(chases).toHaveLength(1);
  expect(chases[0]!.text).toContain('逾期第 1 天');
  expect(chases[0]!.text).toContain(`<at user_id="${PEOPLE.zhang.openId}">`);

  await h.runJob('chase', new Date(at.getTime() + 5 * 60_000));
  expect(chasesOf(await h.fake.messages(), task.title)).toHaveLength(1);
  // The group 催办 of the slot lists every overdue task of the chat: one row holds this one.
  expect(await count(h, "SELECT count(*) AS n FROM outbox WHERE instr(body, ?) > 0 AND body LIKE '%逾期第%'", [task.title.slice(0, 20)])).toBe(1);
}

/**
 * An urgent task (!紧急): its group card carries a 加急 to the assignee. Lark refuses the card
 * once with 429 / 99991400 and a one-second reset and answers slowly (as under load): the work
 * after the webhook answer sends it on the retry, then the 加急 — every outbox row of the task
 * is sent when the request is done, none left leased. (A drain the Worker's sender
 * started on its own — its retry timer, or the kick for the 加急 — ran beside the request's
 * follow-up and was cut off when the request closed its database: the row it held stayed
 * leased for a minute, and the card or its 加急 went out late, if at all.)
 */
export async function urgentCardRefusedOnceGoesOutWithItsUrgent(h: Harness): Promise<void> {
  const title = `紧急排查城市道路路灯故障（编号${tag()}）`;
  const dueDay = calendar.addWorkdays(calendar.localDate(h.now()), 1);
  const sentBefore = (await h.fake.messages()).length;
  const urgentsBefore = (await h.fake.urgents()).length;
  const envelope = messageEvent({
    text: `@${BOT_NAME} /交办 @${PEOPLE.zhang.name} ${title} 截止 ${dueDay} !紧急`,
    chatId: GROUP,
    sender: PEOPLE.leader.openId,
    mentions: [
      { openId: BOT_OPEN_ID, name: BOT_NAME },
      { openId: PEOPLE.zhang.openId, name: PEOPLE.zhang.name },
    ],
    tenantKey: TENANT,
  });
  // The group card (the one send to a chat): refused once.
  await h.fake.failNext(1, {
    method: 'POST',
    path: '/open-apis/im/v1/messages',
    query: 'receive_id_type=chat_id',
    status: 429,
    code: 99991400,
    msg: 'request trigger frequency limit',
    headers: { 'x-ogw-ratelimit-limit': '5', 'x-ogw-ratelimit-reset': '1' },
  });
  await h.fake.setLatency(250);
  try {
    const res = await post(h, envelope);
    expect(res.status).toBe(200);
    await h.settle();
  } finally {
    await h.fake.setLatency(0);
    await h.fake.clearFaults();
  }

  const [task] = await h.query<{ id: number; priority: string }>('SELECT id, priority FROM tasks WHERE title = ?', [title]);
  expect(task?.priority).toBe('urgent');
  const rows = await h.query<{ kind: string; status: string; lease_until: number | null; last_error: string | null }>(
    'SELECT kind, status, lease_until, last_error FROM outbox WHERE task_id = ? ORDER BY id',
    [Number(task!.id)],
  );
  expect(rows.map((r) => r.kind).sort()).toEqual(['send', 'send', 'urgent']);
  for (const r of rows) expect(r, `the ${r.kind} row is sent when the request is done`).toEqual({ ...r, status: 'sent', lease_until: null, last_error: null });

  const sent = (await h.fake.messages()).slice(sentBefore);
  const groupCards = sent.filter((m) => m.chatId === GROUP && m.msgType === 'interactive' && m.text.includes(title));
  expect(groupCards, 'the group card reached Lark once').toHaveLength(1);
  expect(
    sent.filter((m) => m.chatType === 'p2p' && m.receiveId === PEOPLE.zhang.openId && m.text.includes(title)),
    'the p2p card reached Lark once',
  ).toHaveLength(1);
  const urgents = (await h.fake.urgents()).slice(urgentsBefore);
  expect(urgents).toEqual([{ messageId: groupCards[0]!.id, kind: 'app', userIds: [PEOPLE.zhang.openId] }]);
}
