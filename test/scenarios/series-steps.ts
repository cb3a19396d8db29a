/**
 * The steps the 周期任务 scenarios take on a test bot (test/helpers/app.ts): say a command and
 * wait for it, run a chase tick at a given time, read back the newest reply or message, count
 * rows. `bot` is read at each step, so a file may start another bot midway.
 */
import { desc, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { outbox, type series, type seriesTasks, type tasks } from '../../db/schema.js';
import { runJob } from '../../schedules/jobs.js';
import { GROUP, type Person, type TestBot } from '../helpers/app.js';

export function seriesSteps(bot: () => TestBot) {
  /** The text of the newest queued message that `pick` takes (replies included). */
  const newest = async (pick: (m: { kind: string; chatId?: string; to?: { id: string } }) => boolean): Promise<string> => {
    const rows = await bot().deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id));
    for (const r of rows) {
      const m = JSON.parse(r.body);
      if (pick(m)) return m.msgType === 'text' ? String(m.content.text) : bot().fake.cardText(m.content);
    }
    return '';
  };
  return {
    async say(from: Person, text: string, mention: Person[] = []): Promise<void> {
      const { res } = await bot().say({ from, text, mention });
      expect(res.status).toBe(200);
      await bot().settle();
    },
    /** A chase tick at `iso`, in process (as the cron runs it). */
    async tick(iso: string): Promise<Record<string, unknown>> {
      bot().setNow(iso);
      const r = await runJob(bot().deps, 'chase', new Date(iso));
      await bot().settle();
      return r;
    },
    /** The text of the newest reply the bot queued (to a command). */
    lastReply: (): Promise<string> => newest((m) => m.kind === 'reply'),
    /** The text of the newest message the bot queued for the chat (replies included). */
    lastSaid: (to = GROUP): Promise<string> => newest((m) => (m.kind === 'reply' && m.chatId === to) || (m.kind === 'send' && m.to?.id === to)),
    count: async (table: typeof tasks | typeof series | typeof seriesTasks): Promise<number> =>
      Number((await bot().deps.db.select({ n: sql<number>`count(*)` }).from(table))[0]!.n),
    /** What Lark shows in a chat or a person's p2p, as text. */
    texts(id: string): string[] {
      const { fake } = bot();
      return fake.messagesTo(id).map((m) => fake.textOf(m));
    },
  };
}
