/**
 * The 回头看 job (SPEC §4): when a done task's revisit time has come, ask its 交办人 whether the
 * result holds — a card with 成效巩固 / 需要整改 (callback `a: 'revisit_ok' | 'revisit_redo'`).
 * Same claim-once path as the chase, so a rerun or a second instance never asks twice; a
 * revisit time on a holiday or at night is asked at the next working moment.
 * @example await runRevisit(deps, new Date('2026-12-01T09:30:00+08:00')) // → { planned: 1, claimed: 1 }
 */
import type { Deps } from '../bot/deps.js';
import { loadRevisitCandidates } from '../db/reminders.js';
import { REVISIT_LOOKBACK_DAYS, sendReminders, type ChaseResult } from './chase.js';

export async function runRevisit(deps: Deps, now: Date): Promise<ChaseResult> {
  const from = new Date(now.getTime() - REVISIT_LOOKBACK_DAYS * 86_400_000);
  return sendReminders(deps, await loadRevisitCandidates(deps.db, from, now), now);
}
