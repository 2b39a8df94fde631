import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { DEFAULT_LANGUAGE, type Language } from '../../shared/domain/language';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One rule of config/refund-policy.json; the first rule that applies decides. */
export type RefundRule =
  | { id: string; type: 'full'; withinDaysOfPayment: number }
  | { id: string; type: 'pro_rata_unused_days'; feePercent: number }
  | { id: string; type: 'none' };

/**
 * config/refund-policy.json: the rules in order, and the fee after the withdrawal window per plan
 * (disclosed on the plan before purchase). A plan not listed takes the `pro_rata_unused_days` rule's own fee.
 */
export interface RefundPolicy {
  rules: RefundRule[];
  feePercentByPlan: Record<string, number>;
}

/** The rules as they apply to one plan: its own fee in every pro-rata rule. */
export function rulesForPlan(policy: RefundPolicy, planId: string): RefundRule[] {
  const fee = policy.feePercentByPlan[planId];
  if (fee === undefined) return policy.rules;
  return policy.rules.map((rule) => (rule.type === 'pro_rata_unused_days' ? { ...rule, feePercent: fee } : rule));
}

/** What a buyer is told before paying for a plan: the full-refund window of each charge, and the fee after it. */
export interface PlanRefundTerms {
  /** Days after each charge (first or renewal) in which it is refunded in full; null when the policy has no such window. */
  withdrawalDays: number | null;
  /** Percent of the unused part kept once the window has passed; null when nothing is refunded then. */
  feePercent: number | null;
}

export function refundTermsOf(policy: RefundPolicy, planId: string): PlanRefundTerms {
  const rules = rulesForPlan(policy, planId);
  const full = rules.find((r) => r.type === 'full');
  const proRata = rules.find((r) => r.type === 'pro_rata_unused_days');
  return { withdrawalDays: full?.withinDaysOfPayment ?? null, feePercent: proRata?.feePercent ?? null };
}

/** The end of a charge's own withdrawal window (each paid charge, first or renewal, opens one); null without a window. */
export function withdrawalWindowEnd(policy: RefundPolicy, planId: string, paidAt: Date): Date | null {
  const days = refundTermsOf(policy, planId).withdrawalDays;
  return days === null ? null : new Date(paidAt.getTime() + days * DAY_MS);
}

export interface RefundSubject {
  /** What the buyer paid for the period (integer KRW). */
  amount: number;
  /** Already refunded of that payment. */
  alreadyRefunded: number;
  paidAt: Date;
  periodStart: Date;
  periodEnd: Date;
}

export interface RefundQuote {
  refundable: number;
  rule: string;
  usedDays: number;
  totalDays: number;
}

/**
 * The usage-based refund policy, a pure function: full inside the withdrawal window after payment,
 * then pro rata by unused days less a fee, nothing once the period has ended. Integer KRW, never
 * negative, never above what is still refundable, and never growing as time passes.
 */
export function quoteRefund(subject: RefundSubject, now: Date, rules: RefundRule[], calendar: BusinessCalendar): RefundQuote {
  const totalDays = calendar.daysIn(subject.periodStart, subject.periodEnd);
  const usedDays = Math.min(totalDays, calendar.daysStarted(subject.periodStart, now));
  const remaining = Math.max(0, subject.amount - subject.alreadyRefunded);
  const answer = (rule: string, amount: number): RefundQuote => ({ refundable: Math.max(0, Math.min(remaining, amount)), rule, usedDays, totalDays });

  for (const rule of rules) {
    if (rule.type === 'full') {
      if (now.getTime() < subject.paidAt.getTime() + rule.withinDaysOfPayment * DAY_MS && now < subject.periodEnd) return answer(rule.id, subject.amount);
      continue;
    }
    if (rule.type === 'pro_rata_unused_days') {
      if (now >= subject.periodEnd || totalDays <= 0) continue;
      const unusedDays = totalDays - usedDays;
      // Integer arithmetic so the floor is exact: amount * unused * (100 - fee) / (total * 100).
      return answer(rule.id, Math.floor((subject.amount * unusedDays * (100 - rule.feePercent)) / (totalDays * 100)));
    }
    return answer(rule.id, 0);
  }
  return answer('none', 0);
}

/** The rule a quote applied, as the member reads it: a name and one line of why, in their language. */
export interface RuleExplanation {
  name: string;
  reason: string;
}

/**
 * The rule of a purchase the member's own cancel already refunded (an earlier attempt that went on to be
 * refused on another purchase): quoted 0, as a retry asks nothing more of it. Not a rule of the config.
 */
export const REFUNDED_BY_EARLIER_CANCEL = 'refunded_by_earlier_cancel';

export function explainRefundRule(quote: RefundQuote, rules: RefundRule[], language: Language = DEFAULT_LANGUAGE): RuleExplanation {
  const english = language === 'en';
  if (quote.rule === REFUNDED_BY_EARLIER_CANCEL) {
    return english
      ? { name: 'Already refunded', reason: 'Your earlier cancel already refunded this payment as far as the refund policy allows: nothing more is refunded of it.' }
      : { name: '환불 완료', reason: '앞선 해지에서 이 결제는 환불 기준에 따라 이미 환불되어 더 환불할 금액이 없습니다.' };
  }
  const rule = rules.find((r) => r.id === quote.rule);
  if (rule?.type === 'full') {
    const days = rule.withinDaysOfPayment;
    return english
      ? {
        name: `Withdrawal period (within ${days} days of payment)`,
        reason: `Cancelling within ${days} days of payment counts as withdrawing from the contract: the whole amount paid is refunded, however many days were used.`,
      }
      : {
        name: `청약철회 기간 (결제 후 ${days}일 이내)`,
        reason: `결제 후 ${days}일 이내의 해지는 청약철회로 보아 이용일수와 관계없이 결제 금액 전액을 환불합니다.`,
      };
  }
  if (rule?.type === 'pro_rata_unused_days') {
    const unused = quote.totalDays - quote.usedDays;
    if (rule.feePercent === 0) {
      return english
        ? { name: 'Refund for unused days', reason: `The withdrawal period has passed: the amount for the ${unused} remaining days is refunded, without a fee.` }
        : { name: '이용일수 비례 환불', reason: `청약철회 기간이 지나 남은 ${unused}일분 금액을 위약금 없이 환불합니다.` };
    }
    return english
      ? {
        name: 'Refund for unused days',
        reason: `The withdrawal period has passed: the amount for the ${unused} remaining days, less a ${rule.feePercent}% fee, is refunded.`,
      }
      : {
        name: '이용일수 비례 환불',
        reason: `청약철회 기간이 지나 남은 ${unused}일분 금액에서 위약금 ${rule.feePercent}%를 뺀 금액을 환불합니다.`,
      };
  }
  if (rule?.type === 'none') {
    return english
      ? { name: 'No refund', reason: 'The period has ended, so there is nothing to refund.' }
      : { name: '환불 불가', reason: '이용 기간이 끝나 환불할 금액이 없습니다.' };
  }
  return english
    ? { name: 'Nothing to refund', reason: 'No payment of this membership can be refunded.' }
    : { name: '환불 대상 없음', reason: '이 멤버십에 환불할 결제가 없습니다.' };
}
