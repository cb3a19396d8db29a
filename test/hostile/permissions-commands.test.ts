/**
 * Every typed verb against every role (issue 9): it works, or it is refused with the exact
 * catalogue sentence and nothing is written — the task's version and events unchanged, and
 * the only outbox row the refusal's reply. Refusals run on three fixture tasks; each case that
 * works gets a fresh task in the state its verb needs, so cases never depend on each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t, type MessageKey } from '../../bot/i18n.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { PEOPLE, TENANT } from '../helpers/app.js';
import {
  ASSIGNEE_ONLY,
  CAN_SEE,
  CAST,
  LEAD_ONLY,
  MANAGER_ONLY,
  OTHER_TENANT_P2P,
  ROLES,
  makeTask,
  queuedSince,
  say,
  sentence,
  snapshot,
  world,
  type BotWorld,
  type Expect,
  type Fixture,
  type Role,
} from './roles.js';

let w: BotWorld;
beforeAll(async () => {
  w = await world();
});
afterAll(async () => w?.bot.close());

interface TaskVerb {
  verb: string;
  kind: string;
  fixture: Fixture;
  text: (n: number) => string;
  table: Record<Role, Expect>;
}

const TASK_VERBS: TaskVerb[] = [
  { verb: '签收', kind: 'accept', fixture: 'assigned', text: (n) => `/签收 #${n}`, table: ASSIGNEE_ONLY },
  { verb: '进展', kind: 'progress', fixture: 'assigned', text: (n) => `/进展 #${n} 已完成初稿`, table: ASSIGNEE_ONLY },
  { verb: '办结', kind: 'submit', fixture: 'assigned', text: (n) => `/办结 #${n}`, table: LEAD_ONLY },
  { verb: '通过', kind: 'approve', fixture: 'submitted', text: (n) => `/通过 #${n}`, table: MANAGER_ONLY },
  { verb: '退回', kind: 'reject', fixture: 'submitted', text: (n) => `/退回 #${n} 数据需要核实`, table: MANAGER_ONLY },
  { verb: '延期', kind: 'request_extension', fixture: 'assigned', text: (n) => `/延期 #${n} 2026-12-08 等待数据`, table: ASSIGNEE_ONLY },
  { verb: '同意延期', kind: 'approve_extension', fixture: 'extension', text: (n) => `/同意延期 #${n}`, table: MANAGER_ONLY },
  { verb: '驳回延期', kind: 'reject_extension', fixture: 'extension', text: (n) => `/驳回延期 #${n}`, table: MANAGER_ONLY },
  { verb: '催办', kind: 'chase', fixture: 'assigned', text: (n) => `/催办 #${n} 请加快`, table: MANAGER_ONLY },
  { verb: '撤销', kind: 'cancel', fixture: 'assigned', text: (n) => `/撤销 #${n} 情况有变`, table: MANAGER_ONLY },
  { verb: '查看', kind: 'show', fixture: 'assigned', text: (n) => `/查看 #${n}`, table: CAN_SEE },
];

const cases = TASK_VERBS.flatMap((v) => ROLES.map((role) => ({ ...v, role, expected: v.table[role] })));

describe('task verbs × roles', () => {
  it.each(cases.map((c) => [`/${c.verb} by ${c.role}`, c] as const))('%s', async (_name, c) => {
    const { bot } = w;
    const refused = c.expected !== 'ok';
    const n = refused ? w.numbers[c.fixture] : await makeTask(bot, c.fixture, `${c.verb}-${c.role}`);
    const before = await snapshot(bot, n);
    await say(bot, c.role, c.text(n));
    const after = await snapshot(bot, n);
    const queued = await queuedSince(bot, before);
    if (c.expected === 'ok') {
      const changes = c.kind !== 'show';
      if (changes) {
        expect(after.version).toBeGreaterThan(before.version);
        expect(after.events).toBeGreaterThan(before.events);
      } else {
        expect(queued.map((m) => m.msgType)).toEqual(['interactive']);
      }
      for (const m of queued) if (m.msgType === 'text') expect(m.content.text).not.toMatch(/^只有|没有找到/);
      return;
    }
    expect({ version: after.version, events: after.events }).toEqual({ version: before.version, events: before.events });
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ kind: 'reply', msgType: 'text' });
    expect(queued[0]!.content.text).toBe(sentence(c.expected, n, c.kind));
  });
});

interface OtherVerb {
  verb: string;
  text: string;
  p2p?: boolean;
  /** What a refusal says (catalogue key), per role; absent = works. */
  refusedFor?: Partial<Record<Role, MessageKey>>;
}

const OTHER_VERBS: OtherVerb[] = [
  { verb: '任务', text: '/任务 全部' },
  { verb: '统计', text: '/统计 本月' },
  { verb: '帮助', text: '/帮助' },
  { verb: '周报', text: '/周报 订阅', p2p: true },
  // The export: those who answer for the chat's work; the outsider owns the other chat.
  {
    verb: '台账',
    text: '/台账 全部',
    refusedFor: { lead: 'ledger_not_allowed', co: 'ledger_not_allowed', member: 'ledger_not_allowed', otherTenant: 'ledger_not_allowed' },
  },
  // Settings: chat admins (the owner); the outsider owns the other chat.
  {
    verb: '设置',
    text: '/设置 免打扰 22:00-07:00',
    refusedFor: {
      creator: 'task.settings.not_admin',
      lead: 'task.settings.not_admin',
      co: 'task.settings.not_admin',
      member: 'task.settings.not_admin',
      otherTenant: 'task.settings.not_admin',
    },
  },
  // Last: whoever assigns becomes a creator in the chat, which changes who may export.
  { verb: '交办', text: '/交办 @张三 新的一项工作 截止 2026-12-01' },
];

describe('other verbs × roles', () => {
  const rows = OTHER_VERBS.flatMap((v) => ROLES.map((role) => [`/${v.verb} by ${role}`, v, role] as const));
  it.each(rows)('%s', async (_name, v, role) => {
    const { bot } = w;
    const n = w.numbers.assigned;
    const before = await snapshot(bot, n);
    const mention = v.verb === '交办' ? { mention: ['zhang'] } : {};
    const p2p = v.p2p ? { chatType: 'p2p', chatId: role === 'otherTenant' ? OTHER_TENANT_P2P : undefined } : {};
    await say(bot, role, v.text, { ...mention, ...p2p });
    const after = await snapshot(bot, n);
    const queued = await queuedSince(bot, before);
    // No verb here touches the fixture task.
    expect({ version: after.version, events: after.events }).toEqual({ version: before.version, events: before.events });
    const refusal = v.refusedFor?.[role];
    if (refusal) {
      expect(queued, JSON.stringify(queued).slice(0, 600)).toHaveLength(1);
      expect(queued[0]!.content.text).toBe(t('zh', refusal));
      return;
    }
    expect(queued.length).toBeGreaterThan(0);
    for (const m of queued) if (m.msgType === 'text') expect(m.content.text).not.toMatch(/^只有|没有找到/);
    // Whatever works for another tenant shows none of this tenant's tasks.
    if (role === 'otherTenant') expect(JSON.stringify(queued)).not.toMatch(/起草年度工作总结|整理会议纪要|核对统计数据/);
    if (v.verb === '交办') {
      // Each tenant numbers its own tasks: the other tenant's first task is its #1.
      const tenant = CAST[role].tenantKey;
      const own = await bot.deps.db.query.tasks.findMany({ where: (x, { eq }) => eq(x.tenantKey, tenant) });
      expect(own.at(-1)!.title).toBe('新的一项工作');
      if (tenant !== TENANT) expect(own.at(-1)!.number).toBe(1);
    }
  });
});

it('the fixture tasks were never moved by a refusal', async () => {
  const { bot, numbers } = w;
  expect((await getTaskByNumber(bot.deps.db, TENANT, numbers.assigned))!.state).toBe('assigned');
  expect((await getTaskByNumber(bot.deps.db, TENANT, numbers.submitted))!.state).toBe('submitted');
  expect((await getTaskByNumber(bot.deps.db, TENANT, numbers.extension))!.pendingExtension).toMatchObject({ requestedBy: PEOPLE.zhang.openId });
});
