/**
 * The cards of a batch intake: the preview a sheet gets (N rows read, the problems per row, the
 * first rows as they will be created, 确认导入 / 取消), and the one p2p list each assignee gets
 * when it is confirmed. Bounded whatever the sheet holds: at most PREVIEW_LINES lines per
 * section, each line clipped.
 */
import type { IntakeColumn, IntakePlan, RowProblem } from '../domain/intake.js';
import type { Task } from '../domain/types.js';
import { t } from '../i18n.js';
import { escapeInline, plainText, truncate } from './escape.js';
import { button, buttonRow, fitCard, md, shell, type Card } from './primitives.js';
import { importValue, listValue } from './payload.js';
import { formatDateTime, type TimeView } from './time.js';

/** Lines shown per section of the preview (problems, present, to be created). */
export const PREVIEW_LINES = 10;
/** Tasks listed on one assignee's card. */
const P2P_LINES = 30;

const clip = (s: string, n: number) => escapeInline(truncate(s, n));

export interface IntakeView extends TimeView {
  /** Display name of an open_id (chat members first). */
  nameOf(openId: string): string;
}

/** What the preview's buttons carry: the file message and its key (re-checked on the click). */
export interface IntakeRef {
  messageId: string;
  fileKey: string;
  fileName: string;
}

function problemText(problems: readonly RowProblem[], lang: TimeView['lang']): string {
  return problems
    .map((p) => {
      const params = Object.fromEntries(
        Object.entries(p.params ?? {}).map(([k, v]) => [
          k,
          k === 'column' ? t(lang, `intake.column.${v as IntakeColumn}`) : typeof v === 'string' ? truncate(v, 30) : v,
        ]),
      );
      return t(lang, `intake.problem.${p.key}`, params);
    })
    .join(t(lang, 'intake.problem.sep'));
}

export function intakePreviewCard(plan: IntakePlan, ref: IntakeRef, who: string, view: IntakeView, opts: { gbk?: boolean } = {}): Card {
  const { lang } = view;
  const elements: Card[] = [];
  const summary = t(lang, 'intake.preview.summary', {
    rows: plan.rows.length,
    ready: plan.ready,
    present: plan.present,
    problems: plan.problems,
    who: escapeInline(who),
  });
  elements.push(md(opts.gbk ? `${summary}${t(lang, 'intake.preview.gbk')}` : summary));
  const section = <R>(head: string, rows: R[], line: (r: R) => string) => {
    if (!rows.length) return;
    const lines = rows.slice(0, PREVIEW_LINES).map(line);
    if (rows.length > PREVIEW_LINES) lines.push(t(lang, 'intake.preview.more', { n: rows.length - PREVIEW_LINES }));
    elements.push(md(`${head}\n${lines.join('\n')}`));
  };
  section(
    t(lang, 'intake.preview.problems'),
    plan.rows.filter((r) => r.status === 'problem'),
    (r) =>
      t(lang, 'intake.preview.problem_line', {
        line: r.line,
        title: r.title ? t(lang, 'intake.preview.quoted', { title: clip(r.title, 20) }) : '',
        problems: escapeInline(problemText(r.problems, lang)),
      }),
  );
  section(
    t(lang, 'intake.preview.ready'),
    plan.rows.filter((r) => r.status === 'ready'),
    (r) => {
      const d = r.draft;
      const extra = [d.category ? t(lang, `ledger_category_${d.category}`) : null, d.source ? clip(d.source, 20) : null].filter(Boolean).join(' · ');
      return t(lang, 'intake.preview.ready_line', {
        line: r.line,
        title: clip(d.title, 30),
        lead: clip(view.nameOf(d.leadId), 10),
        co: d.coIds.length ? t(lang, 'intake.preview.co', { names: clip(d.coIds.map(view.nameOf).join('、'), 30) }) : '',
        due: d.dueAt ? formatDateTime(d.dueAt, view) : t(lang, 'intake.no_due'),
        extra: extra ? ` · ${extra}` : '',
      });
    },
  );
  section(
    t(lang, 'intake.preview.present'),
    plan.rows.filter((r) => r.status === 'present'),
    (r) => t(lang, 'intake.preview.present_line', { line: r.line, title: clip(r.title, 30), n: r.number }),
  );
  if (plan.ready > 0) {
    elements.push(md(t(lang, 'intake.preview.confirm_hint', { n: plan.ready })));
    elements.push(
      buttonRow([
        button(t(lang, 'intake.btn.confirm', { n: plan.ready }), importValue('import_confirm', ref, plan.ready), 'primary'),
        button(t(lang, 'intake.btn.cancel'), importValue('import_cancel', ref, plan.ready)),
      ]),
    );
  } else {
    elements.push(md(t(lang, 'intake.preview.nothing')));
  }
  return fitCard(
    shell(
      {
        title: { tag: 'plain_text', content: plainText(t(lang, 'intake.preview.title', { name: ref.fileName }), 80) },
        template: plan.problems ? 'orange' : 'blue',
      },
      elements,
    ),
  );
}

/** The preview once answered: its buttons gone, one line saying what happens. */
export function intakeClosedCard(title: string, text: string): Card {
  return shell({ title: { tag: 'plain_text', content: plainText(title, 80) }, template: 'grey' }, [md(escapeInline(text))]);
}

/** One assignee's list of the tasks a confirmed import gave them (one message per person). */
export function intakeAssigneeCard(tasks: readonly Task[], assignee: string, who: string, chatName: string, view: TimeView): Card {
  const { lang } = view;
  const lines = tasks.slice(0, P2P_LINES).map((task) =>
    t(lang, 'intake.p2p.line', {
      n: task.number,
      title: clip(task.title, 40),
      role: t(lang, task.assignees.find((a) => a.userId === assignee)?.role === 'lead' ? 'intake.p2p.lead' : 'intake.p2p.co'),
      due: task.dueAt ? formatDateTime(task.dueAt, view) : t(lang, 'intake.no_due'),
    }),
  );
  if (tasks.length > P2P_LINES) lines.push(t(lang, 'intake.p2p.more', { n: tasks.length - P2P_LINES }));
  return fitCard(
    shell({ title: { tag: 'plain_text', content: t(lang, 'intake.p2p.title', { n: tasks.length }) }, template: 'blue' }, [
      md(t(lang, 'intake.p2p.intro', { who: escapeInline(who), chat: clip(chatName, 30), n: tasks.length })),
      md(lines.join('\n')),
      md(t(lang, 'intake.p2p.hint')),
      buttonRow([button(t(lang, 'intake.p2p.btn'), listValue('mine', 1), 'primary')]),
    ]),
  );
}
