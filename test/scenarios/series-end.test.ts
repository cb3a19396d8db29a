/**
 * The rest of 周期任务 through the webhook and the job command against a real libSQL file and the
 * fake Lark: /帮助 and the /交办 usage name 周期 and 反馈; a series that ends (至2027年6月, 共N次);
 * a 未反馈 list missed at the end of a day goes out the next working morning, once; the first
 * instance made by the command is claimed like the job's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { desc, sql } from 'drizzle-orm';
import { outbox, type series, type seriesTasks, type tasks } from '../../db/schema.js';
import { pageText } from '../../bot/sandbox/page.js';
import { runJob } from '../../schedules/jobs.js';
import { GROUP, runJobCommand, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function say(from: Person, text: string, mention: Person[] = []) {
  const { res } = await bot.say({ from, text, mention });
  expect(res.status).toBe(200);
  await bot.settle();
}

async function tick(iso: string): Promise<Record<string, unknown>> {
  bot.setNow(iso);
  const r = await runJob(bot.deps, 'chase', new Date(iso));
  await bot.settle();
  return r;
}

/** The text of the newest reply the bot queued (to a command). */
async function lastReply(): Promise<string> {
  const rows = await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id));
  for (const r of rows) {
    const m = JSON.parse(r.body);
    if (m.kind === 'reply') return m.msgType === 'text' ? String(m.content.text) : bot.fake.cardText(m.content);
  }
  return '';
}

const count = async (table: typeof tasks | typeof series | typeof seriesTasks) =>
  Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(table))[0]!.n);
const texts = (id: string) => bot.fake.messagesTo(id).map((m) => bot.fake.textOf(m));

describe('help and usage', () => {
  it('/帮助 and the /交办 usage mention 周期 and 反馈, in Chinese and English; the sandbox offers /任务 周期', async () => {
    bot = await testBot();
    await say('zhang', '/帮助');
    const help = await lastReply();
    expect(help).toContain('每月5日前');
    expect(help).toContain('反馈 每周五');
    expect(help).toContain('/任务 周期');
    await say('chief', '/交办 @张三 起草通知 截止 后年13月', ['zhang']);
    const usage = await lastReply();
    expect(usage).toContain('周期 如 每月5日前');
    expect(usage).toContain('反馈 每周五');
    await say('chief', '/交办');
    const form = await lastReply();
    expect(form).toContain('每月5日前');
    expect(form).toContain('反馈 每周五');
    expect(pageText('zh').chips).toContain('/任务 周期');
    expect(pageText('en').chips).toContain('/list series');
    await bot.close();

    bot = await testBot({ lang: 'en' });
    await say('zhang', '/help');
    const en = await lastReply();
    expect(en).toContain('every month by the 5th');
    expect(en).toContain('feedback every friday');
    expect(en).toContain('/list series');
    await say('chief', '/assign @张三 Draft the notice due 2026-13-45', ['zhang']);
    expect(await lastReply()).toContain('[feedback every friday]');
    await say('chief', '/assign');
    expect(await lastReply()).toContain('every month by the 5th');
  });
});
