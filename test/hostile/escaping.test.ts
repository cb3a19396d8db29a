/**
 * User text never changes a card's meaning (issue 9, hostile input): titles, sources, progress
 * notes, reasons, extension reasons, chase notes, settings, form inputs and display names full
 * of Lark markup go through the real webhook, and every message, card, patch and callback
 * answer the fake Lark received is searched for a mention, link or tag the bot did not mean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../schedules/jobs.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { BOT_NAME, GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';
import { messageEvent } from '../../bot/sandbox/fake-lark/events.js';
import { ATTACKS, EVIL_NAME, EVIL_OPEN_ID, HOSTILE_LINE, HOSTILE_NOTE, expectNoInjection, injectionProblems, outputsOf, titleAttacks } from './support.js';

let bot: TestBot;
const answers: any[] = [];

async function say(from: string, text: string, mention: string[] = [], extra: Record<string, unknown> = {}) {
  const r = await bot.say({ from, text, mention, ...extra });
  expect(r.res.status).toBe(200);
  await bot.settle();
}
/** A group command @-mentioning the evil-named user, with the name Lark would put in `mentions`. */
let seq = 0;
async function sayWithEvil(from: keyof typeof PEOPLE, text: string, others: Array<keyof typeof PEOPLE>) {
  seq += 1;
  const messageId = `om_evil_${seq}`;
  bot.fake.userSays({ sender: PEOPLE[from].openId, text, chatId: GROUP, messageId });
  const mentions = [
    { openId: bot.deps.botOpenId, name: BOT_NAME },
    ...others.map((p) => ({ openId: PEOPLE[p].openId, name: PEOPLE[p].name })),
    { openId: EVIL_OPEN_ID, name: EVIL_NAME },
  ];
  const env = messageEvent({
    text: `@${BOT_NAME} ${text}`,
    chatId: GROUP,
    sender: PEOPLE[from].openId,
    mentions,
    tenantKey: TENANT,
    messageId,
    eventId: `ev_evil_${seq}`,
    time: bot.clock.now(),
  });
  expect((await bot.post(env)).status).toBe(200);
  await bot.settle();
}
async function click(from: string, value: Record<string, unknown>, formValue?: Record<string, unknown>, messageId?: string) {
  const r = await bot.click({ from, value, formValue, messageId });
  expect(r.status).toBe(200);
  answers.push(r.body);
  await bot.settle();
  return r.body;
}
const task = async (n: number) => (await getTaskByNumber(bot.deps.db, TENANT, n))!;
const cardOf = (n: number) => bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && JSON.stringify(m.sentContent).includes(`#${n}`))!;

beforeAll(async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' }); // a Monday
  bot.fake.addUser({ openId: EVIL_OPEN_ID, name: EVIL_NAME, departmentId: 'od_general', departmentName: '综合科' });
  bot.fake.chats.get(GROUP)!.members.push(EVIL_OPEN_ID);
});
afterAll(async () => bot?.close());

describe('hostile text through every path, in every message', () => {
  it('titles, notes, reasons, settings, forms and names stay text everywhere', async () => {
    // The leader (chat owner) names a 督办领导 so the escalation card has someone to go to.
    await say('leader', '/设置 督办领导 @孙七', ['sun']);
    await say('leader', `/设置 督办领导 @孙七 ${HOSTILE_LINE}`, ['sun']); // refused: echoes the text
    await say('leader', '/周报 订阅', [], { chatType: 'p2p' });

    // One task per slice of attacks, each with a co-assignee whose display name is markup.
    const titles = titleAttacks();
    for (const title of titles) {
      await sayWithEvil('chief', `/交办 @张三 @${EVIL_NAME} ${title} 截止 2026-11-25 来源 ${ATTACKS[4]}${ATTACKS[0]}`, ['zhang']);
    }
    expect((await task(1)).title).toBe(titles[0]);
    expect((await task(1)).source).toContain('[EVIL](https://evil.example)');
    const card = cardOf(1);

    // Progress: command, reply to the card, the card's form; a co-assignee's note.
    await say('zhang', `/进展 #1 ${HOSTILE_NOTE} 完成30%`);
    expect((await task(1)).lastProgressText).toContain('<at id=all></at>');
    await say('zhang', HOSTILE_NOTE, [], { parentId: card.id });
    await click('zhang', { a: 'progress', task: (await task(1)).id, n: 1, v: 'g' }, { progress_text: HOSTILE_NOTE }, card.id);
    await say(EVIL_OPEN_ID, `/进展 #1 ${HOSTILE_LINE}`);
    // The evil-named co-assignee tries to submit: the refusal names the lead.
    await say(EVIL_OPEN_ID, '/办结 #1');

    // Extensions: asked with a hostile reason, rejected with one, asked again, approved.
    await say('zhang', `/延期 #1 2026-12-08 ${HOSTILE_NOTE}`);
    await say('chief', `/驳回延期 #1 ${HOSTILE_NOTE}`);
    await say('zhang', `/延期 #1 2026-12-09 ${HOSTILE_LINE}`);
    await say('chief', '/同意延期 #1');

    // 催办 with a note, 办结 with a note, 退回 by command and by the card's form.
    await say('chief', `/催办 #1 ${HOSTILE_NOTE}`);
    await say('zhang', `/办结 #1 ${HOSTILE_NOTE}`);
    await say('chief', `/退回 #1 ${HOSTILE_NOTE}`);
    await say('zhang', '完成', [], { parentId: card.id });
    await click('chief', { a: 'reject', task: (await task(1)).id, n: 1, v: 'g' }, { reject_reason: HOSTILE_NOTE }, card.id);
    await say('chief', `/撤销 #2 ${HOSTILE_NOTE}`);

    // Everything a user can look at: detail, lists, stats, the detail button.
    await say('chief', '/查看 #1');
    await say('chief', '/任务 本群');
    await say('chief', '/任务 全部');
    await say('zhang', '/任务', [], { chatType: 'p2p' });
    await say('chief', '/统计 本周');
    await say('chief', '/统计 本月', [], { chatType: 'p2p' });
    await click('chief', { a: 'show', task: (await task(1)).id, n: 1 });
    await click('chief', { a: 'list', f: 'chat', p: 1 });

    // Errors that quote what was typed.
    await say('chief', `/交办 @张三 标题 截止 ${HOSTILE_LINE}`, ['zhang']);
    await say('chief', `/${ATTACKS[1]}`);
    await say('chief', `/${ATTACKS[4]}`);
    await say('chief', `/查看 #${ATTACKS[1]}`);
    await say('chief', `/任务 ${ATTACKS[1]}`);
    await say('chief', `/统计 ${ATTACKS[4]}`);
    await say('chief', `/台账 ${ATTACKS[3]}`);
    await say('leader', `/周报 ${ATTACKS[1]}`, [], { chatType: 'p2p' });
    await say('chief', `/设置 免打扰 ${ATTACKS[3]}`);
    await say('chief', `/延期 #3 ${ATTACKS[3]}`);

    // Time passes: reminders, the group 催办, the 督办 card, the weekly digest and leader card.
    for (const at of [
      '2026-11-24T09:30:00+08:00',
      '2026-11-26T09:30:00+08:00',
      '2026-11-27T09:30:00+08:00',
      '2026-12-10T09:30:00+08:00',
      '2026-12-11T09:30:00+08:00',
    ]) {
      bot.setNow(at);
      await runJob(bot.deps, 'chase', new Date(at));
      await bot.settle();
    }
    bot.setNow('2026-12-11T16:00:00+08:00');
    await runJob(bot.deps, 'digest', new Date('2026-12-11T16:00:00+08:00'));
    await bot.settle();
    // The leader's 督办 card buttons.
    const escalation = bot.fake.messagesTo(PEOPLE.sun.openId).find((m) => m.msgType === 'interactive');
    expect(escalation, 'a 督办 card reached the supervisor').toBeDefined();
    await click('sun', { a: 'chase', task: (await task(3)).id, n: 3 }, undefined, escalation!.id);

    // Settings that name the evil-named user, then shown back.
    await sayWithEvil('leader', `/设置 交办人 @李科长 @${EVIL_NAME}`, ['chief']);
    await say('zhang', '/设置');

    // What was sent: every kind of message this test means to cover.
    const outputs = outputsOf(bot.fake, answers);
    const texts = bot.fake.messages.map((m) => bot.fake.textOf(m)).join('\n');
    for (const needle of ['逾期第', '督办', '督办周报', '办理记录', '延期']) expect(texts).toContain(needle);
    expect(outputs.filter((o) => o.kind === 'text').length).toBeGreaterThan(20);
    expect(outputs.filter((o) => o.kind === 'card').length).toBeGreaterThan(20);
    // The attacks really went out (as text), so an empty problem list means something.
    expect(texts).toContain('EVIL');
    expectNoInjection(outputs);
    // And the bot's own mentions are there: the assignees on the task card, the lead in 催办.
    expect(JSON.stringify(cardOf(1).sentContent)).toContain(`<at id=${PEOPLE.zhang.openId}></at>`);
    expect(bot.fake.messagesTo(GROUP).some((m) => m.msgType === 'text' && String(m.content.text).includes(`<at user_id="${PEOPLE.zhang.openId}">`))).toBe(true);
  });

  it('the checker itself catches each attack left raw', () => {
    for (const a of ATTACKS.slice(0, 13)) {
      const card = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: `x ${a}` }] } };
      expect(injectionProblems([{ where: a, kind: 'card', content: card }]), a).not.toEqual([]);
    }
    for (const a of [ATTACKS[0], ATTACKS[1], ATTACKS[4], ATTACKS[5]]) {
      expect(injectionProblems([{ where: a, kind: 'text', content: { text: a } }]), a).not.toEqual([]);
    }
    expect(injectionProblems([{ where: 'own', kind: 'text', content: { text: `<at user_id="${PEOPLE.zhang.openId}">张三</at> 你好` } }])).toEqual([]);
  });
});
