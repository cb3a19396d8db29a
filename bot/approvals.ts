/**
 * Subscribing the app to a leave approval definition (/设置 请假审批, LARK_LEAVE_APPROVALS), through
 * the Lark port; the outcome is kept on the row so the chase job tries a failure again later.
 */
import { markSubscribed } from '../db/leave.js';
import type { Deps } from './deps.js';

/** Subscribes one approval code; returns the error text, or null when subscribed. */
export async function subscribeOne(deps: Deps, tenantKey: string, code: string, now: Date): Promise<string | null> {
  try {
    await deps.lark.subscribeApproval(code);
    await markSubscribed(deps.db, tenantKey, code, now, null);
    return null;
  } catch (err) {
    const e = err as { code?: number; message?: string };
    const reason = e.code ? `${e.code}` : 'network';
    deps.log.warn({ err, approval_code: code }, 'leave approval subscription failed');
    await markSubscribed(deps.db, tenantKey, code, now, reason);
    return reason;
  }
}
