/**
 * `npm run job -- verify-ledger`: walks every task's hash chain in task_events (SPEC §6) and
 * reports the first broken link. The walk goes in (task_id, seq) pages on the unique index,
 * so memory stays flat however long the log grows; the cursor carries the last hash across
 * page boundaries.
 */
import type { Deps } from '../bot/deps.js';
import { verifyChainFrom, type ChainBreak, type ChainCursor, type ChainRow } from '../bot/domain/chain.js';
import { eventChainPage } from '../db/events.js';

export interface VerifyLedgerResult {
  ok: boolean;
  /** Events checked before the walk stopped. */
  checked: number;
  broken?: ChainBreak;
}

export async function runVerifyLedger(deps: Pick<Deps, 'db' | 'log'>, pageSize = 5_000): Promise<VerifyLedgerResult> {
  let cursor: ChainCursor | null = null;
  let checked = 0;
  for (;;) {
    const after: ChainCursor | null = cursor;
    const rows: ChainRow[] = await eventChainPage(deps.db, after, pageSize);
    if (rows.length === 0) break;
    const r = verifyChainFrom(rows, cursor);
    if (r.broken) {
      checked += rows.findIndex((x) => x.taskId === r.broken!.taskId && x.seq === r.broken!.seq);
      deps.log.error({ job: 'verify-ledger', ...r.broken, checked }, 'event ledger chain broken');
      return { ok: false, checked, broken: r.broken };
    }
    checked += rows.length;
    cursor = r.cursor;
    if (rows.length < pageSize) break;
  }
  deps.log.info({ job: 'verify-ledger', checked }, 'event ledger chain intact');
  return { ok: true, checked };
}
