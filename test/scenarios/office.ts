/**
 * The sample office the shared scenarios run in: one app, one tenant, a work group and a few
 * people. Both runtimes furnish their fake Lark server from this, so the scenarios can name
 * people and chats without knowing where they run. Pure data (importable inside workerd).
 */
import type { FakeLark } from '../../bot/sandbox/fake-lark/server.js';

export const APP_ID = 'cli_scenario_app';
export const APP_SECRET = 'scenario-app-secret';
export const ENCRYPT_KEY = 'scenario-encrypt-key';
export const VERIFICATION_TOKEN = 'scenario-verification-token';
export const TENANT = 'tenant_scenario';
export const BOT_OPEN_ID = 'ou_duban_bot';
export const BOT_NAME = '督办';
export const GROUP = 'oc_scenario_office';

export const PEOPLE = {
  leader: { openId: 'ou_sc_leader', name: '王主任', departmentId: 'od_sc_office', departmentName: '办公室' },
  zhang: { openId: 'ou_sc_zhang', name: '张三', departmentId: 'od_sc_general', departmentName: '综合科' },
  li: { openId: 'ou_sc_li', name: '李四', departmentId: 'od_sc_general', departmentName: '综合科' },
} as const;

/** The directory the fake Lark server answers with: users, departments, the work group. */
export function furnish(fake: Pick<FakeLark, 'addUser' | 'addChat'>): void {
  for (const p of Object.values(PEOPLE)) {
    fake.addUser({ openId: p.openId, name: p.name, departmentId: p.departmentId, departmentName: p.departmentName });
  }
  fake.addChat({
    chatId: GROUP,
    name: '综合办公室工作群',
    ownerId: PEOPLE.leader.openId,
    members: Object.values(PEOPLE).map((p) => p.openId),
  });
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
