/**
 * The bot's p2p menu (application.bot.menu_v6): each item is set in the developer console to
 * "推送事件" with one of MENU_KEYS as its event key (README, set-up). The event names no chat:
 * every answer goes to the person who clicked, in their p2p chat with the bot.
 * Event page: https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/application-v6/bot/events/menu
 */
import { helpCard } from '../bot/cards/help.js';
import type { MenuHandler, Router } from '../bot/router.js';
import { sendAssignForm } from './assign-form.js';
import { listCardFor, sendToAsker } from './show.js';
import { stats } from './stats.js';

/** The event keys to enter in the console, in the menu's order (each 1–30 characters). */
export const MENU_KEYS = {
  newTask: 'new_task', // 新建督办
  myTasks: 'my_tasks', // 我的任务
  toReview: 'to_review', // 待我审批
  weekStats: 'week_stats', // 本周统计
  help: 'help', // 帮助
} as const;

const newTask: MenuHandler = async (ctx) => sendAssignForm(ctx, { type: 'open_id', id: ctx.actor }, 'p2p');
const myTasks: MenuHandler = async (ctx) => sendToAsker(ctx, (await listCardFor(ctx, 'mine', 1, null)).card);
const toReview: MenuHandler = async (ctx) => sendToAsker(ctx, (await listCardFor(ctx, 'review', 1, null)).card);
const weekStats: MenuHandler = async (ctx, event) => stats(ctx, { verb: 'stats', period: 'week' }, event as never);
const help: MenuHandler = async (ctx) => sendToAsker(ctx, helpCard(ctx.lang));

export function registerMenu(r: Router): void {
  r.menu(MENU_KEYS.newTask, newTask);
  r.menu(MENU_KEYS.myTasks, myTasks);
  r.menu(MENU_KEYS.toReview, toReview);
  r.menu(MENU_KEYS.weekStats, weekStats);
  r.menu(MENU_KEYS.help, help);
}
