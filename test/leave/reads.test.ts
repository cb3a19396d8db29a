/**
 * Read receipts as evidence (SPEC §4): the group 催办 is asked about with read_users (the fake
 * answers as documented), a p2p read arrives as im.message.message_read_v1 through the webhook,
 * and the chase job, /查看 and the 台账 show and use them: "已催办 1 次，最近一次 09:30，已读 09:42"
 * or "未读"; an unread 催办 steps up the channel (加急) before the recipient (督办 a day later),
 * a read one with no progress gets its 督办 on schedule.
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { messageReadEvent } from '../../bot/sandbox/fake-lark/events.js';
import type { FakeMessage } from '../../bot/sandbox/fake-lark/server.js';
import { messageReads } from '../../db/schema.js';
import { ledgerWorkbook } from '../../handlers/ledger.js';
import { runJob } from '../../schedules/jobs.js';
import { GROUP, PEOPLE, runJobCommand, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => {
  await bot?.close();
});

const since = (n: number) => bot.fake.messages.slice(n);
const text = (m: FakeMessage) => bot.fake.textOf(m);
const p2p = (who: keyof typeof PEOPLE) => bot.fake.p2pChatOf(PEOPLE[who].openId);

async function chase(iso: string): Promise<void> {
  bot.setNow(iso);
  await runJob(bot.deps, 'chase', new Date(iso));
  await bot.settle();
}

async function say(from: keyof typeof PEOPLE, t: string, mention: Array<keyof typeof PEOPLE> = []): Promise<FakeMessage[]> {
  const n = bot.fake.messages.length;
  const { res } = await bot.say({ from, text: t, mention });
  expect(res.status).toBe(200);
  await bot.settle();
  return since(n);
}

describe('read receipts', () => {
  it('appear on /查看, the 督办 card and the 台账, and change the next step of the ladder', async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' });
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    await say('chief', '/交办 @张三 整理档案 截止 2026-12-01 18:00', ['zhang']);
    await say('chief', '/交办 @赵六 报送材料 截止 2026-12-01 18:00', ['zhao']);

    // Wednesday 09:30: one group 催办 names both leads (day 1).
    let n = bot.fake.messages.length;
    await chase('2026-12-02T09:30:00+08:00');
    const chase1 = since(n).filter((m) => m.chatId === GROUP);
    expect(chase1).toHaveLength(1);
    // The first step of the ladder: the group is pinned at the top of both leads' message lists (即时提醒), no 加急.
    expect(bot.fake.pins).toEqual([expect.objectContaining({ chatId: GROUP, userIds: [PEOPLE.zhang.openId, PEOPLE.zhao.openId], timeSensitive: true })]);
    // 张三 reads it at 09:42; 赵六 never does. The next tick asks read_users.
    bot.fake.markRead(PEOPLE.zhang.openId, chase1[0]!.id, new Date('2026-12-02T09:42:00+08:00'));
    await chase('2026-12-02T10:05:00+08:00');
    expect(bot.fake.calls.some((c) => c.path === `/open-apis/im/v1/messages/${chase1[0]!.id}/read_users` && c.query.includes('user_id_type=open_id'))).toBe(
      true,
    );
    // 张三 has read it: his 即时提醒 is turned off (time_sensitive false); 赵六 still has the group on top.
    expect(bot.fake.pins.slice(1)).toEqual([expect.objectContaining({ chatId: GROUP, userIds: [PEOPLE.zhang.openId], timeSensitive: false })]);
    expect([...bot.fake.pinned.get(GROUP)!]).toEqual([PEOPLE.zhao.openId]);

    const shown = (await say('chief', '/查看 #1')).map(text).join('\n');
    expect(shown).toContain('已催办 1 次，最近一次 09:30，已读 09:42');
    expect((await say('chief', '/查看 #2')).map(text).join('\n')).toContain('已催办 1 次，最近一次 09:30，未读');

    // Thursday, day 2 (E = 2): #1 was read and nothing reported since — its 督办 goes to the
    // leader, saying so; #2 is unread — today its lead is buzzed (加急) and its 督办 waits a day.
    n = bot.fake.messages.length;
    const urgentsBefore = bot.fake.urgents.length;
    await chase('2026-12-03T09:30:00+08:00');
    const toLeader = since(n).filter((m) => m.chatId === p2p('leader'));
    expect(toLeader).toHaveLength(1);
    const card = text(toLeader[0]!);
    expect(card).toContain('#1 整理档案');
    expect(card).not.toContain('#2 报送材料');
    expect(card).toContain('最近一次催办 12月2日 09:30，已读 09:42');
    const group2 = since(n).find((m) => m.chatId === GROUP)!;
    const buzzed = bot.fake.urgents.slice(urgentsBefore);
    expect(buzzed).toEqual([expect.objectContaining({ messageId: group2.id, userIds: [PEOPLE.zhao.openId] })]);

    // Friday, day 3, through the job command: #2's 督办 now (still unread), saying 未读.
    n = bot.fake.messages.length;
    const run = await runJobCommand(bot, ['chase', '--now', '2026-12-04T09:30:00+08:00']);
    expect(run.code).toBe(0);
    bot.setNow('2026-12-04T09:31:00+08:00');
    await runJob(bot.deps, 'deliver', new Date('2026-12-04T09:31:00+08:00'));
    await bot.settle();
    const friday = since(n).filter((m) => m.chatId === p2p('leader'));
    expect(friday.map(text).join('\n')).toContain('#2 报送材料');
    expect(friday.map(text).join('\n')).toContain('未读');

    // The leader reads the 督办 card in p2p: Lark's read event through the webhook records it.
    const readEvent = messageReadEvent({
      reader: PEOPLE.leader.openId,
      messageIds: [toLeader[0]!.id, 'om_not_ours_1'],
      tenantKey: TENANT,
      readAt: new Date('2026-12-04T10:00:00+08:00'),
    });
    expect((await bot.post(readEvent)).status).toBe(200);
    await bot.settle();
    const reads = await bot.deps.db.select().from(messageReads);
    expect(reads.filter((r) => r.readerId === PEOPLE.leader.openId).map((r) => r.messageId)).toEqual([toLeader[0]!.id]);

    // The 台账: 最近催办 and 已读 (the first read of the latest 催办): 张三 read Friday's, 赵六 did not.
    const lastGroup = bot.fake.messages.filter((m) => m.chatId === GROUP && text(m).includes('逾期')).at(-1)!;
    bot.fake.markRead(PEOPLE.zhang.openId, lastGroup.id, new Date('2026-12-04T10:10:00+08:00'));
    await chase('2026-12-04T10:30:00+08:00');
    // A later read by 张三 turns nothing off again: his pin ended with his first read.
    expect(bot.fake.pins.filter((p) => !p.timeSensitive)).toHaveLength(1);
    const bytes = await ledgerWorkbook(bot.deps, { scope: { tenantKey: TENANT, chatId: GROUP }, lang: 'zh', now: new Date('2026-12-04T12:00:00+08:00') });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as never);
    const sheet = wb.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    const readCol = header.indexOf('已读');
    const lastCol = header.indexOf('最近催办');
    expect(readCol).toBeGreaterThan(0);
    expect(lastCol).toBeGreaterThan(0);
    expect(sheet.getRow(2).getCell(readCol).value).toBeInstanceOf(Date);
    expect(sheet.getRow(2).getCell(lastCol).value).toBeInstanceOf(Date);
    expect(String(sheet.getRow(3).getCell(readCol).value)).toBe('未读');
  });

  it('without any read receipt reaching the bot, the ladder keeps its plain schedule', async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' });
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    await say('chief', '/交办 @赵六 报送材料 截止 2026-12-01 18:00', ['zhao']);
    await chase('2026-12-02T09:30:00+08:00');
    const n = bot.fake.messages.length;
    const urgentsBefore = bot.fake.urgents.length;
    await chase('2026-12-03T09:30:00+08:00');
    expect(since(n).filter((m) => m.chatId === p2p('leader'))).toHaveLength(1);
    expect(bot.fake.urgents.slice(urgentsBefore)).toEqual([]);
  });
});
