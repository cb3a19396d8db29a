import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../../bot/domain/calendar.js';
import { hasMessage, t } from '../../../bot/i18n.js';
import type { Mention } from '../../../bot/lark/events.js';
import { parseCommand, parseReply, replyTaskRefs, VERBS, type Command, type ParseContext } from '../../../bot/parse/command.js';
import { PARSE_ERROR_CODES, ParseError, type ParseErrorCode } from '../../../bot/parse/errors.js';
import { usageOf, type UsageVerb } from '../../../bot/errors.js';

const sh = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+08:00`);
const calendar = new WorkCalendar({ tz: 'Asia/Shanghai' });
/** Tuesday 2026-11-24 10:00 in the office. */
const ctx: ParseContext = { now: sh('2026-11-24 10:00'), calendar, endOfDay: '18:00', botOpenId: 'ou_bot' };

const M: Mention[] = [
  { key: '@_user_1', openId: 'ou_bot', name: '督办助手' },
  { key: '@_user_2', openId: 'ou_zhang', name: '张三' },
  { key: '@_user_3', openId: 'ou_li', name: '李四' },
  { key: '@_user_4', openId: 'ou_wang', name: '王五' },
  { key: '@_user_12', openId: 'ou_zhao', name: '赵六' },
];

const assign = (over: Partial<Extract<Command, { verb: 'assign' }>>): Command => ({
  verb: 'assign',
  lead: 'ou_zhang',
  co: [],
  title: '',
  dueAt: null,
  priority: 'normal',
  category: null,
  source: null,
  ...over,
});

/** /交办 without a 主办 or a 事项: the form, with what was given. */
const draft = (over: Partial<Extract<Command, { verb: 'assign_form' }>['draft']>): Command => ({
  verb: 'assign_form',
  draft: { lead: null, co: [], title: '', dueAt: null, priority: 'normal', category: null, source: null, ...over },
});

type Expected = Command | null | { error: ParseErrorCode; usage?: UsageVerb };
const E = (error: ParseErrorCode, usage?: UsageVerb) => ({ error, usage });

const CASES: Array<[input: string, expected: Expected]> = [
  // ---- /交办 /assign
  ['@_user_1 /交办 @_user_2 修复路灯 截止 周五 !紧急', assign({ title: '修复路灯', dueAt: sh('2026-11-27 18:00'), priority: 'urgent' })],
  [
    '@_user_1 /交办 @_user_2 @_user_3 @_user_2 起草年度总结 截止 12月1日下午3点 #决策督查 来源 市政办发〔2026〕12号',
    assign({ co: ['ou_li'], title: '起草年度总结', dueAt: sh('2026-12-01 15:00'), category: 'decision', source: '市政办发〔2026〕12号' }),
  ],
  ['/交办 @_user_2 修复路灯截止周五', assign({ title: '修复路灯', dueAt: sh('2026-11-27 18:00') })],
  ['/交办 @_user_2 修订截止日期制度', assign({ title: '修订截止日期制度' })],
  ['/交办 @_user_2 截止 周五 修复路灯 ！重要', assign({ title: '修复路灯', dueAt: sh('2026-11-27 18:00'), priority: 'high' })],
  [
    '/交办 @_user_2 @_user_3 @_user_4 整治占道经营 !重要 #民生督查 截止：3个工作日内',
    assign({ co: ['ou_li', 'ou_wang'], title: '整治占道经营', dueAt: sh('2026-11-27 18:00'), dueWorkdays: 3, priority: 'high', category: 'livelihood' }),
  ],
  ['/交办 @_user_2 清理积案 #专项 截止 月底', assign({ title: '清理积案', dueAt: sh('2026-11-30 18:00'), category: 'special' })],
  ['/交办 @_user_2 !紧急 !重要 排查隐患', assign({ title: '排查隐患', priority: 'urgent' })],
  ['/交办 @_user_2 !重要 排查隐患 !紧急', assign({ title: '排查隐患', priority: 'urgent' })],
  ['/交办 @_user_2 落实批示 来源：张市长批示 截止 下周一', assign({ title: '落实批示', source: '张市长批示', dueAt: sh('2026-11-30 18:00') })],
  ['/交办 @_user_2 查明污染来源 来源 环保局函〔2026〕3号', assign({ title: '查明污染来源', source: '环保局函〔2026〕3号' })],
  ['/交办 @_user_2 来源 市政办发〔2026〕12号 截止 周五 编制方案', assign({ title: '编制方案', source: '市政办发〔2026〕12号', dueAt: sh('2026-11-27 18:00') })],
  [
    '/assign @_user_2 @_user_12 Fix the street lights due friday !urgent #special source Doc 12',
    assign({ co: ['ou_zhao'], title: 'Fix the street lights', dueAt: sh('2026-11-27 18:00'), priority: 'urgent', category: 'special', source: 'Doc 12' }),
  ],
  ['/assign @_user_2 Repair roads due to flood damage due next monday', assign({ title: 'Repair roads due to flood damage', dueAt: sh('2026-11-30 18:00') })],
  ['/assign @_user_2 Find the source of the leak', assign({ title: 'Find the source of the leak' })],
  [
    '/ASSIGN @_user_2 Draft report due dec 1 3pm #decision !high source: Mayor memo',
    assign({ title: 'Draft report', dueAt: sh('2026-12-01 15:00'), priority: 'high', category: 'decision', source: 'Mayor memo' }),
  ],
  ['/assign @_user_2 Write minutes due in 3 days', assign({ title: 'Write minutes', dueAt: sh('2026-11-27 18:00') })],
  [
    '/assign @_user_2 Check permits deadline: 3 workdays #livelihood',
    assign({ title: 'Check permits', dueAt: sh('2026-11-27 18:00'), dueWorkdays: 3, category: 'livelihood' }),
  ],
  ['/交办 @_user_2 🚧修复 Fix路灯 😀', assign({ title: '🚧修复 Fix路灯 😀' })],
  ['/交办\u200b @_user_2 修复\u3000路灯\uFEFF 截止：明天', assign({ title: '修复 路灯', dueAt: sh('2026-11-25 18:00') })],
  ['／交办 @_user_2 修复路灯，更换灯泡 截止 周五', assign({ title: '修复路灯，更换灯泡', dueAt: sh('2026-11-27 18:00') })],
  ['/交办 @_user_2 修复路灯 截止 2026-12-01 18:00', assign({ title: '修复路灯', dueAt: sh('2026-12-01 18:00') })],
  [
    '/交办 @_user_2 编制方案 截止 12月1日 !紧急 #决策督查',
    assign({ title: '编制方案', dueAt: sh('2026-12-01 18:00'), priority: 'urgent', category: 'decision' }),
  ],
  ['/交办 @_user_2 @_user_1 修复路灯', assign({ title: '修复路灯' })],
  ['/ 交办 @_user_2 修复路灯', assign({ title: '修复路灯' })],
  ['/交办 @_user_2\n修复路灯\n截止 周五', assign({ title: '修复路灯', dueAt: sh('2026-11-27 18:00') })],
  ['/交办', draft({})],
  ['/交办 修复路灯', draft({ title: '修复路灯' })],
  ['/交办 @_user_5 修复路灯', draft({ title: '@_user_5 修复路灯' })],
  ['/交办 @_user_2', draft({ lead: 'ou_zhang' })],
  ['/交办 @_user_2 !紧急 截止 周五', draft({ lead: 'ou_zhang', priority: 'urgent', dueAt: sh('2026-11-27 18:00') })],
  ['/交办 @_user_2 @_user_3 #民生 来源 市政办〔2026〕3号', draft({ lead: 'ou_zhang', co: ['ou_li'], category: 'livelihood', source: '市政办〔2026〕3号' })],
  ['/交办 @_user_2 修复 截止 garbage', E('bad_time', 'assign')],
  ['/交办 @_user_2 修复 截止 昨天', E('time_in_past', 'assign')],
  ['/交办 @_user_2 修复 截止', E('missing_due', 'assign')],
  ['/assign @_user_2 Fix it due someday', E('bad_time', 'assign')],
  [`/交办 @_user_2 ${'路'.repeat(201)}`, E('title_too_long', 'assign')],
  // invalid times are refused, never left in the title
  ['/交办 @_user_2 起草民生实事进度 截止 明天25点', E('bad_time', 'assign')],
  ['/交办 @_user_2 起草民生实事进度 截止 2026-12-10 24:30', E('bad_time', 'assign')],
  ['/交办 @_user_2 起草民生实事进度 截止 明天 18:60', E('bad_time', 'assign')],
  ['/交办 @_user_2 起草民生实事进度 截止 2月30日', E('bad_time', 'assign')],
  ['/交办 @_user_2 起草材料 截止：周五 24:00', E('bad_time', 'assign')],
  // deadline phrases written without 截止, as office staff write them
  ['/交办 @_user_2 梳理重点项目清单 3个工作日内', assign({ title: '梳理重点项目清单', dueAt: sh('2026-11-27 18:00'), dueWorkdays: 3 })],
  ['/交办 @_user_2 梳理重点项目清单，3个工作日内办结', assign({ title: '梳理重点项目清单', dueAt: sh('2026-11-27 18:00'), dueWorkdays: 3 })],
  ['/交办 @_user_2 梳理重点项目清单三个工作日内完成', assign({ title: '梳理重点项目清单', dueAt: sh('2026-11-27 18:00'), dueWorkdays: 3 })],
  ['/交办 @_user_2 周五前报送安全检查材料', assign({ title: '报送安全检查材料', dueAt: sh('2026-11-27 18:00') })],
  ['/交办 @_user_2 安全检查材料 周五前报送', assign({ title: '安全检查材料', dueAt: sh('2026-11-27 18:00') })],
  ['/交办 @_user_2 12月10日前完成整改', assign({ title: '完成整改', dueAt: sh('2026-12-10 18:00') })],
  ['/交办 @_user_2 整改台账 12月10日前完成', assign({ title: '整改台账', dueAt: sh('2026-12-10 18:00') })],
  ['/交办 @_user_2 整改台账，十二月十日前完成', assign({ title: '整改台账', dueAt: sh('2026-12-10 18:00') })],
  ['/交办 @_user_2 核对名单 本周内完成', assign({ title: '核对名单', dueAt: sh('2026-11-27 18:00') })],
  ['/交办 @_user_2 清理欠薪问题 年底前', assign({ title: '清理欠薪问题', dueAt: sh('2026-12-31 18:00') })],
  ['/交办 @_user_2 报送值班表 今天下班前', assign({ title: '报送值班表', dueAt: sh('2026-11-24 18:00') })],
  ['/交办 @_user_2 回复群众来信 三天内', assign({ title: '回复群众来信', dueAt: sh('2026-11-27 18:00') })],
  ['/交办 @_user_2 核实情况 明天下午3点前反馈', assign({ title: '核实情况', dueAt: sh('2026-11-25 15:00') })],
  ['/交办 @_user_2 编制预算 本月内报送 !紧急', assign({ title: '编制预算', dueAt: sh('2026-11-30 18:00'), priority: 'urgent' })],
  ['/交办 @_user_2 走访企业，下周三之前反馈情况', assign({ title: '走访企业，反馈情况', dueAt: sh('2026-12-02 18:00') })],
  ['/assign @_user_2 check the fire exits in 3 workdays', assign({ title: 'check the fire exits', dueAt: sh('2026-11-27 18:00'), dueWorkdays: 3 })],
  ['/assign @_user_2 send the report by friday !urgent', assign({ title: 'send the report', dueAt: sh('2026-11-27 18:00'), priority: 'urgent' })],
  ['/assign @_user_2 inspect pumps within 2 weeks', assign({ title: 'inspect pumps', dueAt: sh('2026-12-08 18:00') })],
  // look like deadlines, but are not
  ['/交办 @_user_2 整理3天前的值班记录', assign({ title: '整理3天前的值班记录' })],
  ['/交办 @_user_2 清点院内设施', assign({ title: '清点院内设施' })],
  ['/交办 @_user_2 整理5月前的档案', assign({ title: '整理5月前的档案' })],
  ['/assign @_user_2 fix the leak in the basement', assign({ title: 'fix the leak in the basement' })],
  ['/assign @_user_2 sort the files by date', assign({ title: 'sort the files by date' })],
  // a phrase that looks like a time but cannot be read, or is past, is refused
  ['/交办 @_user_2 整改台账 13月5日前完成', E('bad_time', 'assign')],
  ['/交办 @_user_2 报送材料 明天25点前', E('bad_time', 'assign')],
  ['/交办 @_user_2 报送材料 昨天前完成', E('time_in_past', 'assign')],
  // ---- /签收 /accept and the task number
  ['/签收 #12', { verb: 'accept', taskNumber: 12 }],
  ['／签收 ＃１２', { verb: 'accept', taskNumber: 12 }],
  ['/签收 12', { verb: 'accept', taskNumber: 12 }],
  ['/签收12', { verb: 'accept', taskNumber: 12 }],
  ['/签收：#12', { verb: 'accept', taskNumber: 12 }],
  ['/accept #7', { verb: 'accept', taskNumber: 7 }],
  ['/Accept 7', { verb: 'accept', taskNumber: 7 }],
  ['@_user_1 /签收 #3 @_user_1', { verb: 'accept', taskNumber: 3 }],
  ['/签收', E('missing_task_number', 'accept')],
  ['/签收 #abc', E('bad_task_number', 'accept')],
  ['/签收 #0', E('bad_task_number', 'accept')],
  ['/签收 #99999999999', E('bad_task_number', 'accept')],
  ['/签收 明天', E('missing_task_number', 'accept')],
  // ---- /进展 /progress
  ['/进展 #12 完成70%，剩余材料本周内补齐', { verb: 'progress', taskNumber: 12, text: '完成70%，剩余材料本周内补齐', percent: 70 }],
  ['/进展 #12 进度 45％', { verb: 'progress', taskNumber: 12, text: '进度 45%', percent: 45 }],
  ['/进展 #12完成70%', { verb: 'progress', taskNumber: 12, text: '完成70%', percent: 70 }],
  ['/progress 12 Called the supplier, 30% done', { verb: 'progress', taskNumber: 12, text: 'Called the supplier, 30% done', percent: 30 }],
  ['/进展 #12 已联系供电局', { verb: 'progress', taskNumber: 12, text: '已联系供电局', percent: null }],
  ['/进展 #12 已协调 @_user_3 到场', { verb: 'progress', taskNumber: 12, text: '已协调 @李四 到场', percent: null }],
  ['/进展 #12 第一阶段\n第二阶段 完成150%', { verb: 'progress', taskNumber: 12, text: '第一阶段\n第二阶段 完成150%', percent: null }],
  ['/进展 #12', E('empty_progress', 'progress')],
  ['/进展 完成70%', E('missing_task_number', 'progress')],
  // ---- /办结 /done
  ['/办结 #12', { verb: 'done', taskNumber: 12, note: null }],
  ['/办结 #12 已全部整改到位', { verb: 'done', taskNumber: 12, note: '已全部整改到位' }],
  ['/done 3 all fixed', { verb: 'done', taskNumber: 3, note: 'all fixed' }],
  // ---- /通过 /approve
  ['/通过 #12', { verb: 'approve', taskNumber: 12, revisitAt: null }],
  ['/通过 #12 回头看 3个月后', { verb: 'approve', taskNumber: 12, revisitAt: sh('2027-02-24 18:00') }],
  ['/通过 #12 回头看：明年1月5日', E('bad_time', 'approve')],
  ['/approve 12 revisit in 2 weeks', { verb: 'approve', taskNumber: 12, revisitAt: sh('2026-12-08 18:00') }],
  ['/通过 #12 回头看', E('missing_due', 'approve')],
  ['/通过 #12 回头看 乱写', E('bad_time', 'approve')],
  // ---- /退回 /reject
  ['/退回 #12 数据有误，请复核', { verb: 'reject', taskNumber: 12, reason: '数据有误，请复核' }],
  ['/退回 #12 理由：数据有误', { verb: 'reject', taskNumber: 12, reason: '数据有误' }],
  ['/reject 12 numbers do not add up', { verb: 'reject', taskNumber: 12, reason: 'numbers do not add up' }],
  ['/退回 #12', E('missing_reason', 'reject')],
  // ---- /延期 /extend
  ['/延期 #12 下周五 材料未齐', { verb: 'extend', taskNumber: 12, dueAt: sh('2026-12-04 18:00'), reason: '材料未齐' }],
  ['/延期 #12 下周五材料未齐', { verb: 'extend', taskNumber: 12, dueAt: sh('2026-12-04 18:00'), reason: '材料未齐' }],
  ['/延期 #12 12月1日下午3点 等待批复', { verb: 'extend', taskNumber: 12, dueAt: sh('2026-12-01 15:00'), reason: '等待批复' }],
  ['/extend 12 next friday waiting for sign-off', { verb: 'extend', taskNumber: 12, dueAt: sh('2026-12-04 18:00'), reason: 'waiting for sign-off' }],
  ['/延期 #12 3个工作日内 需要协调外单位', { verb: 'extend', taskNumber: 12, dueAt: sh('2026-11-27 18:00'), reason: '需要协调外单位' }],
  ['/延期 12 延至下周五，理由：材料未齐', { verb: 'extend', taskNumber: 12, dueAt: sh('2026-12-04 18:00'), reason: '材料未齐' }],
  ['/延期 #12 下周五', E('missing_reason', 'extend')],
  ['/延期 #12', E('missing_due', 'extend')],
  ['/延期 #12 材料未齐', E('bad_time', 'extend')],
  ['/延期 #12 昨天 忘了', E('time_in_past', 'extend')],
  // ---- extension decisions
  ['/同意延期 #12', { verb: 'approve_extension', taskNumber: 12 }],
  ['/approve-extension 12', { verb: 'approve_extension', taskNumber: 12 }],
  ['/APPROVE_EXTENSION #12', { verb: 'approve_extension', taskNumber: 12 }],
  ['/驳回延期 #12 理由不充分', { verb: 'reject_extension', taskNumber: 12, reason: '理由不充分' }],
  ['/reject-extension 12', { verb: 'reject_extension', taskNumber: 12, reason: null }],
  ['/同意延期', E('missing_task_number', 'approve_extension')],
  // ---- /催办 /撤销 /查看
  ['/催办 #12', { verb: 'chase', taskNumber: 12, note: null }],
  ['/催办 #12 请今天下班前反馈', { verb: 'chase', taskNumber: 12, note: '请今天下班前反馈' }],
  ['/chase 12 please update', { verb: 'chase', taskNumber: 12, note: 'please update' }],
  ['/撤销 #12 重复交办', { verb: 'cancel', taskNumber: 12, reason: '重复交办' }],
  ['/cancel 12', { verb: 'cancel', taskNumber: 12, reason: null }],
  ['/查看 #12', { verb: 'show', taskNumber: 12 }],
  ['/show 12', { verb: 'show', taskNumber: 12 }],
  ['/查看', E('missing_task_number', 'show')],
  // ---- /任务 /list
  ['/任务', { verb: 'list', scope: 'mine', page: 1 }],
  ['/任务 本群', { verb: 'list', scope: 'chat', page: 1 }],
  ['/任务 逾期 第2页', { verb: 'list', scope: 'overdue', page: 2 }],
  ['/任务 全部 2', { verb: 'list', scope: 'all', page: 2 }],
  ['/list overdue page 3', { verb: 'list', scope: 'overdue', page: 3 }],
  ['/任务 待我审批', { verb: 'list', scope: 'review', page: 1 }],
  ['/list review', { verb: 'list', scope: 'review', page: 1 }],
  ['/list All', { verb: 'list', scope: 'all', page: 1 }],
  ['/任务 什么', E('bad_scope', 'list')],
  // ---- /台账 /统计 /周报
  ['/台账', { verb: 'ledger', period: 'month' }],
  ['/台账 本年', { verb: 'ledger', period: 'year' }],
  ['/ledger all', { verb: 'ledger', period: 'all' }],
  ['/台账 明年', E('bad_scope', 'ledger')],
  ['/统计', { verb: 'stats', period: 'week' }],
  ['/统计 本月', { verb: 'stats', period: 'month' }],
  ['/stats month', { verb: 'stats', period: 'month' }],
  ['/统计 本年', E('bad_scope', 'stats')],
  ['/周报 订阅', { verb: 'digest', subscribe: true }],
  ['/周报 退订', { verb: 'digest', subscribe: false }],
  ['/digest on', { verb: 'digest', subscribe: true }],
  ['/digest unsubscribe', { verb: 'digest', subscribe: false }],
  ['/周报', E('missing_option', 'digest')],
  ['/周报 也许', E('bad_scope', 'digest')],
  // ---- /设置 /settings
  ['/设置', { verb: 'settings', changes: null }],
  ['/设置 加急 紧急', { verb: 'settings', changes: { urgentPriority: true, urgentOverdueWorkdays: 0 } }],
  ['/设置 加急 逾期3天', { verb: 'settings', changes: { urgentPriority: false, urgentOverdueWorkdays: 3 } }],
  ['/设置 加急 紧急 逾期5天', { verb: 'settings', changes: { urgentPriority: true, urgentOverdueWorkdays: 5 } }],
  ['/设置 加急 关闭', { verb: 'settings', changes: { urgentPriority: false, urgentOverdueWorkdays: 0 } }],
  ['/settings urgent overdue 4 days', { verb: 'settings', changes: { urgentPriority: false, urgentOverdueWorkdays: 4 } }],
  [
    '/设置 督办领导 @_user_2 免打扰 21:00-08:00 周报 周五 16:00',
    { verb: 'settings', changes: { supervisorId: 'ou_zhang', quiet: { start: '21:00', end: '08:00' }, digestWeekday: 5, digestTime: '16:00' } },
  ],
  [
    '/settings supervisor @_user_2 hours 9:00-17:30 quiet off digest friday 16:00 assigners all admins @_user_3',
    {
      verb: 'settings',
      changes: {
        supervisorId: 'ou_zhang',
        workStart: '09:00',
        workEnd: '17:30',
        quiet: null,
        digestWeekday: 5,
        digestTime: '16:00',
        assigners: null,
        admins: ['ou_li'],
      },
    },
  ],
  ['/设置 交办人 @_user_2 @_user_3', { verb: 'settings', changes: { assigners: ['ou_zhang', 'ou_li'] } }],
  ['/设置 交办人 所有人', { verb: 'settings', changes: { assigners: null } }],
  ['/设置 管理员 @_user_3 @_user_4', { verb: 'settings', changes: { admins: ['ou_li', 'ou_wang'] } }],
  ['/设置 工作时间 08:30-17:30', { verb: 'settings', changes: { workStart: '08:30', workEnd: '17:30' } }],
  ['/设置 免打扰 关闭', { verb: 'settings', changes: { quiet: null } }],
  ['/设置 周报 星期四', { verb: 'settings', changes: { digestWeekday: 4 } }],
  ['/设置 督办领导 无，免打扰：22:00～07:00', { verb: 'settings', changes: { supervisorId: null, quiet: { start: '22:00', end: '07:00' } } }],
  ['/设置 工作时间 18:00-09:00', E('bad_setting', 'settings')],
  ['/设置 胡说', E('bad_setting', 'settings')],
  ['/设置 督办领导', E('bad_setting', 'settings')],
  ['/设置 免打扰 25:00-08:00', E('bad_setting', 'settings')],
  ['/设置 周报', E('bad_setting', 'settings')],
  // ---- /帮助, unknown verbs, and messages that are no command
  ['/帮助', { verb: 'help' }],
  ['/help me', { verb: 'help' }],
  ['/HELP', { verb: 'help' }],
  ['/foo', E('unknown_verb')],
  ['/assignment', E('unknown_verb')],
  ['/', E('unknown_verb')],
  ['/交辦 @_user_2 修复', E('unknown_verb')],
  ['hello', null],
  ['@_user_1 你好', null],
  ['', null],
  ['@_user_1', null],
  ['请 /交办 @_user_2 修复', null],
  ['@_user_2 /交办 修复', null],
];

describe('parseCommand table', () => {
  it.each(CASES)('%j', (input, expected) => {
    if (expected === null || 'verb' in expected) {
      expect(parseCommand(input, M, ctx)).toEqual(expected);
      return;
    }
    let caught: unknown;
    try {
      parseCommand(input, M, ctx);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ParseError);
    const err = caught as ParseError;
    expect(err.code).toBe(expected.error);
    expect(err.usage).toEqual(expected.usage ? usageOf(expected.usage) : undefined);
    // the reply the user gets is complete in both languages
    for (const lang of ['zh', 'en'] as const) {
      expect(t(lang, `parse_error.${err.code}`, err.params)).not.toMatch(/\{\w+\}/);
      if (err.usage) expect(t(lang, err.usage.key, err.usage.params)).not.toMatch(/\{\w+\}/);
    }
  });
});

describe('parseCommand limits and details', () => {
  it('keeps at most 20 assignees, after removing duplicates', () => {
    const many: Mention[] = Array.from({ length: 21 }, (_, i) => ({ key: `@_user_${i + 2}`, openId: `ou_${i}`, name: `u${i}` }));
    const text21 = `/交办 ${many.map((m) => m.key).join(' ')} 修复路灯`;
    expect(() => parseCommand(text21, many, ctx)).toThrow(expect.objectContaining({ code: 'too_many_assignees', params: { max: 20, count: 21 } }));
    const text20 = `/交办 ${many
      .slice(0, 20)
      .map((m) => m.key)
      .join(' ')} ${many[0]!.key} 修复路灯`;
    const cmd = parseCommand(text20, many, ctx);
    expect(cmd).toMatchObject({ verb: 'assign', lead: 'ou_0', title: '修复路灯' });
    expect((cmd as Extract<Command, { verb: 'assign' }>).co).toHaveLength(19);
  });

  it('a title of exactly 200 characters is fine; emoji count as one', () => {
    const title = '😀'.repeat(200);
    expect(parseCommand(`/交办 @_user_2 ${title}`, M, ctx)).toMatchObject({ title });
  });

  it('notes are limited to 2,000 characters', () => {
    expect(parseCommand(`/进展 #1 ${'进'.repeat(2000)}`, M, ctx)).toMatchObject({ verb: 'progress' });
    expect(() => parseCommand(`/进展 #1 ${'进'.repeat(2001)}`, M, ctx)).toThrow(
      expect.objectContaining({ code: 'note_too_long', params: { max: 2000, length: 2001 } }),
    );
    expect(() => parseCommand(`/退回 #1 ${'x'.repeat(2001)}`, M, ctx)).toThrow(expect.objectContaining({ code: 'note_too_long' }));
  });

  it('every verb has both spellings and a usage line in both languages', () => {
    for (const [verb, aliases] of Object.entries(VERBS)) {
      expect(aliases.some((a) => /[\u4E00-\u9FFF]/.test(a))).toBe(true);
      expect(aliases.some((a) => /^[a-z]/.test(a))).toBe(true);
      for (const alias of aliases) {
        const cmd = (() => {
          try {
            return parseCommand(`/${alias} #1 下周五 理由`, M, ctx);
          } catch (err) {
            return err;
          }
        })();
        const said = cmd instanceof ParseError ? null : (cmd as Command).verb;
        // /交办 without a 主办 is the 交办 form.
        const got = cmd instanceof ParseError ? cmd.usage : usageOf(said === 'assign_form' ? 'assign' : (said as UsageVerb));
        expect(got, alias).toEqual(usageOf(verb as UsageVerb));
      }
      expect(t('zh', usageOf(verb as UsageVerb).key)).toMatch(/^用法：/);
      expect(t('en', usageOf(verb as UsageVerb).key)).toMatch(/^Usage: /);
    }
  });

  it('every error code has a message in both languages', () => {
    for (const code of PARSE_ERROR_CODES) {
      expect(hasMessage(`parse_error.${code}`), code).toBe(true);
      expect(t('zh', `parse_error.${code}`).length).toBeGreaterThan(0);
      expect(t('en', `parse_error.${code}`).length).toBeGreaterThan(0);
    }
  });
});

describe('replyTaskRefs', () => {
  it.each([
    ['#12 初稿已完成', [12], '初稿已完成'],
    ['＃12 初稿已完成', [12], '初稿已完成'],
    ['初稿已完成（#12）', [12], '初稿已完成'],
    ['完成 #3', [3], '完成'],
    ['#3 #5 都在推进', [3, 5], '都在推进'],
    ['#3 和 #3', [3], '和'],
    ['正在推进', [], '正在推进'],
    ['#专项 不是编号', [], '#专项 不是编号'],
    ['#12a 不是编号', [], '#12a 不是编号'],
  ])('%s', (text, numbers, rest) => {
    expect(replyTaskRefs(text)).toEqual({ numbers, text: rest });
  });
});

describe('parseReply', () => {
  it.each([
    ['完成', { kind: 'done' }],
    [' 已完成！', { kind: 'done' }],
    ['办结。', { kind: 'done' }],
    ['@_user_1 Done.', { kind: 'done' }],
    ['done 👍', { kind: 'done' }],
    ['完成70%，还差一点', { kind: 'progress', text: '完成70%，还差一点', percent: 70 }],
    ['已联系 @_user_3，明天到场', { kind: 'progress', text: '已联系 @李四，明天到场', percent: null }],
    ['进度７０％', { kind: 'progress', text: '进度70%', percent: 70 }],
    ['完成了吗？', { kind: 'progress', text: '完成了吗？', percent: null }],
  ])('%j', (text, expected) => {
    expect(parseReply(text, M, 'ou_bot')).toEqual(expected);
  });

  it.each([
    ['', 'empty_progress'],
    ['@_user_1', 'empty_progress'],
    ['  \u200b ', 'empty_progress'],
    ['进'.repeat(2001), 'note_too_long'],
  ])('%j → %s', (text, code) => {
    expect(() => parseReply(text, M, 'ou_bot')).toThrow(expect.objectContaining({ code }));
  });
});

describe('parseCommand on arbitrary text', () => {
  const verbs = Object.values(VERBS).flat();
  const piece = fc.constantFrom(
    ...verbs,
    '/',
    '／',
    '#',
    '＃',
    '12',
    '0',
    '!紧急',
    '！重要',
    '#决策督查',
    '来源',
    'source',
    '截止',
    'due',
    'to',
    '周五',
    '下周一',
    '3个工作日内',
    '完成70%',
    '％',
    '@_user_1',
    '@_user_2',
    '@_user_12',
    '@_user_9',
    '@_all',
    ' ',
    '\u3000',
    '\u200b',
    '\n',
    '，',
    '：',
    '回头看',
    '督办领导',
    '免打扰',
    '21:00-08:00',
    '周报',
    '交办人',
    '所有人',
    '第2页',
    '😀',
    '\uE000',
    '\uE001',
    '\uE002',
  );
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(piece, { maxLength: 12 }).map((a) => a.join('')),
    fc.tuple(fc.constantFrom(...verbs), fc.array(piece, { maxLength: 10 })).map(([v, a]) => `/${v} ${a.join(' ')}`),
  );

  it('returns a command or null, or throws ParseError — nothing else', () => {
    fc.assert(
      fc.property(text, (s) => {
        try {
          const cmd = parseCommand(s, M, ctx);
          if (cmd && 'title' in cmd) {
            expect(cmd.title.length).toBeGreaterThan(0);
            expect(cmd.title).not.toMatch(/[\uE000-\uE002]/);
          }
          if (cmd && 'taskNumber' in cmd) expect(cmd.taskNumber).toBeGreaterThan(0);
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
          for (const lang of ['zh', 'en'] as const) expect(t(lang, `parse_error.${err.code}`, err.params)).not.toMatch(/\{\w+\}/);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('parseReply only throws ParseError', () => {
    fc.assert(
      fc.property(text, (s) => {
        try {
          parseReply(s, M, 'ou_bot');
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('a leave already over', () => {
  it('is refused with the day it was read as', () => {
    let err: unknown;
    try {
      parseCommand('/请假 2026-11-01至2026-11-03', [], ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    const e = err as ParseError;
    expect(e.code).toBe('time_in_past');
    const text = t('zh', 'parse_error.time_in_past', e.params);
    expect(text).toContain('2026-11-03');
    expect(text).not.toMatch(/\{\w+\}/);
  });
});
