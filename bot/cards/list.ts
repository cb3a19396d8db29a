/**
 * The /任务 list: the whole list sorted red first (then the earliest due, undated last), paged
 * ten to a page with its figures, and the list card with 上一页/下一页. Pure; db/task-lists.ts
 * loads only what the order needs, the handler loads the page's tasks.
 */
import { t } from '../i18n.js';
import type { Light, Task } from '../domain/types.js';
import { lightWithReason, type LightFields } from '../domain/light.js';
import { formatDateTime } from './time.js';
import { escapeInline, truncate } from './escape.js';
import { listValue, type ListFilter } from './payload.js';
import { button, buttonRow, fitCard, md, personMd, shell, type Card, type CardView } from './primitives.js';
import { awayMark } from './leave.js';
import { dueText, LIGHT_ICON } from './task.js';

export const LIST_PAGE_SIZE = 10;

const LIGHT_RANK: Record<Light, number> = { red: 0, yellow: 1, green: 2 };

/** A task as far as the list order needs it: the whole list is sorted and counted on these. */
export type ListEntry = Pick<Task, 'id' | 'number'> & LightFields;

/** One page of a sorted list: which tasks to show, and the figures of the whole list. */
export interface ListPage {
  /** Ids of the tasks on this page, in list order. */
  ids: number[];
  lights: Record<number, Light>;
  total: number;
  red: number;
  yellow: number;
  green: number;
  page: number;
  pages: number;
}

/** Red first, then yellow, then green; within a colour the earliest due first, undated last. */
export function sortForList<T extends ListEntry>(tasks: readonly T[], view: CardView): Array<{ task: T; light: Light }> {
  return tasks
    .map((task) => ({ task, light: lightWithReason(task, view.now, view.calendar, view.settings).light }))
    .sort(
      (a, b) =>
        LIGHT_RANK[a.light] - LIGHT_RANK[b.light] ||
        (a.task.dueAt?.getTime() ?? Infinity) - (b.task.dueAt?.getTime() ?? Infinity) ||
        a.task.number - b.task.number,
    );
}

/** Page `page` (clamped to 1…pages) of the whole list, red first, ten to a page. */
export function pageOfList(entries: readonly ListEntry[], page: number, view: CardView): ListPage {
  const sorted = sortForList(entries, view);
  const pages = Math.max(1, Math.ceil(sorted.length / LIST_PAGE_SIZE));
  const p = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const slice = sorted.slice((p - 1) * LIST_PAGE_SIZE, p * LIST_PAGE_SIZE);
  const count = (l: Light) => sorted.filter((x) => x.light === l).length;
  return {
    ids: slice.map((x) => x.task.id),
    lights: Object.fromEntries(slice.map((x) => [x.task.id, x.light])),
    total: sorted.length,
    red: count('red'),
    yellow: count('yellow'),
    green: count('green'),
    page: p,
    pages,
  };
}

/** 新建: opens the 交办 form (handlers/assign-form.ts). */
function newTaskButton(lang: CardView['lang']): Card {
  return button(t(lang, 'form.btn.new_task'), { a: 'new_task' }, 'primary');
}

/** The /任务 card: one page of open tasks (`tasks` holds at least that page's), red first, with 上一页/下一页. */
export function taskListCard(list: ListPage, tasks: readonly Task[], filter: ListFilter, view: CardView): Card {
  const { lang } = view;
  const byId = new Map(tasks.map((x) => [x.id, x]));
  const shown = list.ids.map((id) => byId.get(id)).filter((x): x is Task => Boolean(x));
  const els: Card[] = [];
  if (!list.total) {
    els.push(md(t(lang, 'task.list.empty')));
  } else {
    const { total, red, yellow, green, page, pages } = list;
    els.push(md(t(lang, 'task.list.summary', { total, red, yellow, green, page, pages })));
    const rows = shown.map((task) => {
      const light = list.lights[task.id] ?? 'green';
      const lead = task.assignees.find((a) => a.role === 'lead');
      const due = task.dueAt ? `${formatDateTime(task.dueAt, view, true)} · ${dueText(task, view)}` : t(lang, 'task.due.none');
      return (
        `${LIGHT_ICON[light]} **#${task.number}** ${escapeInline(truncate(task.title, 60))}\n` +
        `　${lead ? personMd(lead.userId, view) + awayMark(lead.userId, view) : ''} · ${t(lang, `task.state.${task.state}`)} · ${due}`
      );
    });
    els.push(md(rows.join('\n')));
    const nav: Card[] = [];
    if (page > 1) nav.push(button(t(lang, 'task.btn.prev'), listValue(filter, page - 1)));
    if (page < pages) nav.push(button(t(lang, 'task.btn.next'), listValue(filter, page + 1)));
    nav.push(newTaskButton(lang));
    els.push(buttonRow(nav));
  }
  if (!list.total) els.push(buttonRow([newTaskButton(lang)]));
  return fitCard(shell({ title: { tag: 'plain_text', content: t(lang, `task.list.title.${filter}`) }, template: list.red ? 'red' : 'blue' }, els));
}
