/**
 * 考核得分: one number per person (as 主办) and per department for a period, shown under
 * /统计 with its formula printed beneath it (SPEC §5).
 *
 *   score = 100 × on-time rate
 *           − 2 × overdue working days   (all currently overdue tasks together, at most 40 points)
 *           − 3 × approved extensions    (in the period)
 *           − 5 × returns (退回)          (in the period)
 *   rounded to a whole number, never below 0.
 *
 * The on-time rate counts as 100% when nothing was done in the period, so a quiet week with
 * nothing overdue scores 100. A department's score applies the same formula to the
 * department's summed figures (not an average of its people's scores), so a department is
 * not flattered by many people with little work. The text in FORMULA is what /统计 prints
 * and what docs/score.md documents; change both together.
 */
import type { Lang } from './types.js';
import type { Counts } from './figures.js';

export const SCORE_WEIGHTS = {
  onTime: 100,
  perOverdueWorkday: 2,
  overdueCap: 40,
  perExtension: 3,
  perReturn: 5,
} as const;

export type ScoreInput = Pick<Counts, 'onTimeRate' | 'overdueWorkdays' | 'extensions' | 'returns'>;

export interface ScoreBreakdown {
  score: number;
  onTime: number;
  overduePenalty: number;
  extensionPenalty: number;
  returnPenalty: number;
}

/** @example scoreOf({ onTimeRate: 0.5, overdueWorkdays: 3, extensions: 1, returns: 1 }).score // 50 − 6 − 3 − 5 = 36 */
export function scoreOf(c: ScoreInput): ScoreBreakdown {
  const w = SCORE_WEIGHTS;
  const onTime = w.onTime * (c.onTimeRate ?? 1);
  const overduePenalty = Math.min(w.overdueCap, w.perOverdueWorkday * c.overdueWorkdays);
  const extensionPenalty = w.perExtension * c.extensions;
  const returnPenalty = w.perReturn * c.returns;
  const score = Math.max(0, Math.round(onTime - overduePenalty - extensionPenalty - returnPenalty));
  return { score, onTime, overduePenalty, extensionPenalty, returnPenalty };
}

export const FORMULA: Record<Lang, string> = {
  zh: '得分 = 100 × 按时办结率 − 2 × 逾期工作日（合计最多扣 40 分）− 3 × 延期次数 − 5 × 退回次数，取整，最低 0 分；本期无办结时按时率按 100% 计；部门得分按部门合计数计算。',
  en: 'Score = 100 × on-time rate − 2 × overdue working days (at most 40 points in all) − 3 × extensions − 5 × returns, rounded, never below 0; the on-time rate counts as 100% when nothing was done in the period; a department is scored on its summed figures.',
};

export function scoreFormula(lang: Lang): string {
  return FORMULA[lang];
}
