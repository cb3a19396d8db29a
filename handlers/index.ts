/**
 * Every verb, reply and button the bot understands, registered in one list (zh and en verbs
 * map to the same canonical verb in bot/parse/command.ts). Duplicates throw at start.
 */
import type { Router } from '../bot/router.js';
import { digest } from './digest.js';
import { ledger } from './ledger.js';
import { stats } from './stats.js';

export function registerHandlers(r: Router): void {
  // 台账, 统计, 周报 (SPEC §5–§6)
  r.command('ledger', ledger); // 台账
  r.command('stats', stats); // 统计
  r.command('digest', digest); // 周报
}
