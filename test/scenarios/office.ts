/**
 * The shared scenarios' app and tenant, in the sample office (test/fixtures/office.ts): its
 * work group with three of its people. Both runtimes furnish their fake Lark server from this,
 * so the scenarios can name people and chats without knowing where they run. Pure data
 * (importable inside workerd).
 */
import type { FakeLark } from '../../bot/sandbox/fake-lark/server.js';
import { BOT_NAME, GROUP, PEOPLE as OFFICE, furnishOffice } from '../fixtures/office.js';

export const APP_ID = 'cli_scenario_app';
export const APP_SECRET = 'scenario-app-secret';
export const ENCRYPT_KEY = 'scenario-encrypt-key';
export const VERIFICATION_TOKEN = 'scenario-verification-token';
export const TENANT = 'tenant_scenario';
export const BOT_OPEN_ID = 'ou_duban_bot';
export { BOT_NAME, GROUP };

export const PEOPLE = { leader: OFFICE.leader, zhang: OFFICE.zhang, chief: OFFICE.chief } as const;

/** The directory the fake Lark server answers with: these people, their departments, the work group. */
export function furnish(fake: Pick<FakeLark, 'addUser' | 'addChat'>): void {
  furnishOffice(fake, ['leader', 'zhang', 'chief']);
}

/** The settings of the bot under test (both runtimes), minus where Lark and the database are. */
export const BOT_ENV = {
  LARK_APP_ID: APP_ID,
  LARK_APP_SECRET: APP_SECRET,
  LARK_ENCRYPT_KEY: ENCRYPT_KEY,
  LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
  LARK_MODE: 'webhook',
  DUBAN_TZ: 'Asia/Shanghai',
  DUBAN_LANG: 'zh',
  // Scenarios send many messages from one person on a still clock; the limit has its own test.
  DUBAN_COMMANDS_PER_MINUTE: '100000',
  DUBAN_HINT_EVERY_MINUTES: '0',
  LOG_LEVEL: 'silent',
} as const;
