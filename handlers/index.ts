/**
 * Every verb, reply and button the bot understands, registered in one list (zh and en verbs
 * map to the same canonical verb in bot/parse/command.ts). Duplicates throw at start.
 */
import type { Router } from '../bot/router.js';

export function registerHandlers(r: Router): void {
  void r;
}
