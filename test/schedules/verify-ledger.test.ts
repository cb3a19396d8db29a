/**
 * verify-ledger on a real database: an intact log passes (also across page boundaries); a row
 * altered, deleted or forged directly in the database is caught, and the job command exits
 * non-zero.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventHash } from '../../bot/domain/chain.js';
import { taskEvents } from '../../db/schema.js';
import { main } from '../../schedules/cli.js';
import { runVerifyLedger } from '../../schedules/verify-ledger.js';
import { PEOPLE, testBot, type TestBot } from '../helpers/app.js';
import { makeTask, seedTask } from './digest-seed.js';

const bj = (s: string) => new Date(`${s}:00+08:00`);

let bot: TestBot;
let ids: number[];
beforeEach(async () => {
  bot = await testBot({ now: '2026-12-04T16:00:00+08:00' });
  ids = [];
  for (let i = 0; i < 3; i++) {
    const t = await seedTask(bot, makeTask({ title: `事项${i}`, lead: PEOPLE.zhang.openId }), [
      { kind: 'accepted', at: bj('2026-11-30T10:00'), actorId: PEOPLE.zhang.openId },
      { kind: 'progress', at: bj('2026-12-01T10:00'), actorId: PEOPLE.zhang.openId, payload: { text: '已完成一半', percent: 50 } },
    ]);
    ids.push(t.id);
  }
});
afterEach(async () => {
  await bot.close();
});

const run = (pageSize?: number) => runVerifyLedger(bot.deps, pageSize);

async function cli(): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ['verify-ledger'],
    { DATABASE_URL: bot.deps.config.DATABASE_URL, LOG_LEVEL: 'silent' },
    {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    },
  );
  return { code, out, err };
}

describe('verify-ledger', () => {
  it('passes an intact log, in any page size', async () => {
    expect(await run()).toEqual({ ok: true, checked: 9 });
    expect(await run(2)).toEqual({ ok: true, checked: 9 });
    expect(await run(1)).toEqual({ ok: true, checked: 9 });
    const r = await cli();
    expect(r).toMatchObject({ code: 0, out: ['verify-ledger: ok, 9 events'] });
  });

  it('catches a payload altered in the database; the command exits non-zero', async () => {
    await bot.deps.db
      .update(taskEvents)
      .set({ payload: '{"percent":100,"text":"已全部完成"}' })
      .where(and(eq(taskEvents.taskId, ids[1]!), eq(taskEvents.seq, 3)));
    expect(await run(2)).toEqual({ ok: false, checked: 5, broken: { taskId: ids[1], seq: 3, reason: 'hash_mismatch' } });
    const r = await cli();
    expect(r.code).not.toBe(0);
    expect(r.err.join('\n')).toContain('BROKEN');
    expect(r.err.join('\n')).toContain('hash_mismatch');
  });

  it('catches a back-dated event', async () => {
    await bot.deps.db.run(sql`UPDATE task_events SET at = at - 86400000 WHERE task_id = ${ids[0]} AND seq = 2`);
    expect((await run()).broken).toEqual({ taskId: ids[0], seq: 2, reason: 'hash_mismatch' });
  });

  it('catches a deleted event', async () => {
    await bot.deps.db.delete(taskEvents).where(and(eq(taskEvents.taskId, ids[2]!), eq(taskEvents.seq, 2)));
    expect((await run()).broken).toEqual({ taskId: ids[2], seq: 3, reason: 'seq_gap' });
  });

  it('catches a forged event whose own hash was recomputed', async () => {
    const [row] = await bot.deps.db
      .select()
      .from(taskEvents)
      .where(and(eq(taskEvents.taskId, ids[0]!), eq(taskEvents.seq, 2)));
    const forged = { ...row!, actorId: PEOPLE.zhao.openId };
    const hash = eventHash(forged.prevHash, { ...forged, payload: JSON.parse(forged.payload) });
    await bot.deps.db.update(taskEvents).set({ actorId: forged.actorId, hash }).where(eq(taskEvents.id, row!.id));
    expect((await run()).broken).toEqual({ taskId: ids[0], seq: 3, reason: 'prev_mismatch' });
  });
});
