import type { CardApproval } from '../../payment/payment.api';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Language, Localized } from '../../shared/domain/language';

/** The seller a receipt names (config/merchant.json). */
export interface Merchant {
  name: Localized;
  /** 사업자등록번호, `123-45-67890`. */
  businessRegistrationNumber: string;
  representative: Localized;
  address: Localized;
  phone: string;
  email: string;
}

export interface RenderedNotice {
  subject: string;
  text: string;
}

/** What a receipt states: what a Korean receipt carries (상호, 결제일시, 금액, 결제수단, 주문번호) and the period paid. */
export interface ReceiptFacts {
  buyerName: string;
  planName: Localized;
  merchantUid: string;
  /** Integer KRW, VAT included. */
  amount: number;
  paidAt: Date;
  payMethod: string;
  periodStart: Date;
  periodEnd: Date;
  /** The PG's id of the transaction. */
  gatewayPaymentId?: string | null;
  /** The card company's approval and the masked card, when the gateway states them. */
  card?: CardApproval | null;
  /** The end of this charge's own withdrawal window (a full refund before it). */
  withdrawalEndsAt?: Date | null;
}

export interface RenewalFailedFacts {
  reason: string;
  finalAttempt: boolean;
}

export interface RefundRejectedFacts {
  merchantUid: string;
  amount: number;
  /** The gateway's own words. */
  message: string;
}

export interface RenewalReminderFacts {
  planName: Localized;
  chargeAt: Date;
  amount: number;
}

/** What a consent request states (전자상거래법 art. 13(6)): the change date, old and new price, the card, how to cancel and what cancelling does. */
export interface ConsentRequestFacts {
  planName: Localized;
  changeAt: Date;
  answerBy: Date;
  oldAmount: number;
  newAmount: number;
  /** The stored card as the member knows it (masked), or null when we hold only the gateway's handle. */
  card: string | null;
}

export interface ConsentMissingFacts {
  planName: Localized;
  periodEnd: Date;
  newAmount: number;
}

export interface TrialEndingFacts {
  planName: Localized;
  trialEndsAt: Date;
  amount: number;
}

/** `9900` -> `₩9,900` in either language (the won sign and thousands separators are what both read). */
export function formatWon(amount: number): string {
  return `₩${amount.toLocaleString('ko-KR')}`;
}

/** VAT inside a VAT-inclusive KRW amount (10 %): round(amount / 11); the supply value is the rest, so the two add up to the amount. */
export function vatIncluded(amount: number): number {
  return Math.round(amount / 11);
}

export function supplyValue(amount: number): number {
  return amount - vatIncluded(amount);
}

const PAY_METHODS: Record<string, Localized> = {
  card: { ko: '신용·체크카드', en: 'Credit/debit card' },
  trans: { ko: '실시간 계좌이체', en: 'Bank transfer' },
  vbank: { ko: '가상계좌', en: 'Virtual account' },
  phone: { ko: '휴대폰 소액결제', en: 'Mobile phone' },
};

export function payMethodName(payMethod: string, language: Language): string {
  return PAY_METHODS[payMethod]?.[language] ?? payMethod;
}

/** Renders the member's notices in their language; times in the business zone (KST). */
export class MemberNotices {
  constructor(
    private readonly merchant: Merchant,
    private readonly calendar: BusinessCalendar,
  ) {}

  receipt(language: Language, r: ReceiptFacts): RenderedNotice {
    const m = this.merchant;
    const paidAt = `${this.calendar.localDateTime(r.paidAt)} (KST)`;
    const period = `${this.calendar.localDate(r.periodStart)} ~ ${this.calendar.localDate(r.periodEnd)}`;
    const amount = formatWon(r.amount);
    const vat = formatWon(vatIncluded(r.amount));
    const supply = formatWon(supplyValue(r.amount));
    const withdrawalEnds = r.withdrawalEndsAt ? `${this.calendar.localDateTime(r.withdrawalEndsAt)} (KST)` : null;
    if (language === 'en') {
      return {
        subject: `[${m.name.en}] Your membership receipt (${r.planName.en})`,
        text: [
          `Dear ${r.buyerName}, thank you for your payment.`,
          '',
          `Merchant: ${m.name.en}`,
          `Business registration no.: ${m.businessRegistrationNumber}`,
          `Representative: ${m.representative.en}`,
          `Address: ${m.address.en}`,
          `Contact: ${m.phone} · ${m.email}`,
          '',
          `Order no.: ${r.merchantUid}`,
          `Item: ${r.planName.en}`,
          `Paid at: ${paidAt}`,
          `Payment method: ${payMethodName(r.payMethod, 'en')}`,
          `Amount: ${amount} (VAT ${vat} included)`,
          `Supply value: ${supply}`,
          `VAT: ${vat}`,
          ...(r.card?.approvalNumber ? [`Approval no.: ${r.card.approvalNumber}`, `Approved at: ${paidAt}`] : []),
          ...(r.card?.maskedNumber ? [`Card: ${r.card.maskedNumber}`] : []),
          ...(r.gatewayPaymentId ? [`PG transaction no.: ${r.gatewayPaymentId}`] : []),
          `Membership period: ${period}`,
          '',
          ...(withdrawalEnds ? [`Withdrawal: cancel by ${withdrawalEnds} for a full refund of this payment, whatever you have used.`] : []),
          'You can cancel the membership or ask for a refund at any time under "My membership" on our site.',
        ].join('\n'),
      };
    }
    return {
      subject: `[${m.name.ko}] 멤버십 결제 영수증 (${r.planName.ko})`,
      text: [
        `${r.buyerName} 님, 결제해 주셔서 감사합니다.`,
        '',
        `상호: ${m.name.ko}`,
        `사업자등록번호: ${m.businessRegistrationNumber}`,
        `대표자: ${m.representative.ko}`,
        `주소: ${m.address.ko}`,
        `고객센터: ${m.phone} · ${m.email}`,
        '',
        `주문번호: ${r.merchantUid}`,
        `상품: ${r.planName.ko}`,
        `결제일시: ${paidAt}`,
        `결제수단: ${payMethodName(r.payMethod, 'ko')}`,
        `금액: ${amount} (부가세 ${vat} 포함)`,
        `공급가액: ${supply}`,
        `부가세: ${vat}`,
        ...(r.card?.approvalNumber ? [`승인번호: ${r.card.approvalNumber}`, `승인일시: ${paidAt}`] : []),
        ...(r.card?.maskedNumber ? [`카드번호: ${r.card.maskedNumber}`] : []),
        ...(r.gatewayPaymentId ? [`PG 거래번호: ${r.gatewayPaymentId}`] : []),
        `이용 기간: ${period}`,
        '',
        ...(withdrawalEnds ? [`청약철회: ${withdrawalEnds}까지 해지하면 이용 여부와 관계없이 이 결제 금액 전액을 환불합니다.`] : []),
        '멤버십 해지와 환불은 사이트의 \'내 멤버십\'에서 언제든 신청할 수 있습니다.',
      ].join('\n'),
    };
  }

  renewalFailed(language: Language, f: RenewalFailedFacts): RenderedNotice {
    const name = this.merchant.name[language];
    if (language === 'en') {
      return {
        subject: `[${name}] Your membership renewal failed`,
        text: f.finalAttempt
          ? 'We could not renew your membership and it has ended. You can buy it again at any time.'
          : `We could not charge your card for your membership (${f.reason}). We will try again.`,
      };
    }
    return {
      subject: `[${name}] 멤버십 자동 결제에 실패했습니다`,
      text: f.finalAttempt
        ? '멤버십 자동 결제에 실패하여 멤버십이 종료되었습니다. 언제든 다시 구매하실 수 있습니다.'
        : `멤버십 자동 결제에 실패했습니다 (${f.reason}). 곧 다시 시도합니다.`,
    };
  }

  /** A refund the member was told is being processed, which the gateway then refused. */
  refundRejected(language: Language, f: RefundRejectedFacts): RenderedNotice {
    const name = this.merchant.name[language];
    if (language === 'en') {
      return {
        subject: `[${name}] Your refund was refused`,
        text: `The payment gateway refused the pending refund of ${formatWon(f.amount)} (order ${f.merchantUid}): ${f.message}. `
          + 'No money was returned and your membership stays as it is now; please contact us.',
      };
    }
    return {
      subject: `[${name}] 환불이 거절되었습니다`,
      text: `처리 중이던 ${formatWon(f.amount)} 환불을 결제사가 거절했습니다 (주문번호 ${f.merchantUid}): ${f.message}. `
        + '환불되지 않았습니다. 고객센터로 문의해 주세요.',
    };
  }

  renewalReminder(language: Language, r: RenewalReminderFacts): RenderedNotice {
    const name = this.merchant.name[language];
    const on = this.calendar.localDate(r.chargeAt);
    if (language === 'en') {
      return {
        subject: `[${name}] Your membership renews soon`,
        text: `Your ${r.planName.en} renews on ${on} for ${formatWon(r.amount)}. You can turn auto-renew off under "My membership" before then.`,
      };
    }
    return {
      subject: `[${name}] 멤버십 자동 결제 예정 안내`,
      text: `${r.planName.ko}이(가) ${on}에 ${formatWon(r.amount)}(으)로 자동 결제됩니다. 그 전에 '내 멤버십'에서 자동 갱신을 끌 수 있습니다.`,
    };
  }

  /** The separate request for consent before a higher charge: the answer is given on the page, never by silence. */
  consentRequest(language: Language, f: ConsentRequestFacts): RenderedNotice {
    const name = this.merchant.name[language];
    const on = this.calendar.localDate(f.changeAt);
    const by = this.calendar.localDate(f.answerBy);
    if (language === 'en') {
      return {
        subject: `[${name}] Your consent is needed before your membership costs more`,
        text: [
          `From ${on}, your ${f.planName.en} would renew at ${formatWon(f.newAmount)} instead of ${formatWon(f.oldAmount)}, charged to ${f.card ?? 'your stored card'}.`,
          `We charge the new price only if you agree under "My membership" by ${by}. If you decline or do not answer, nothing more is charged:`,
          'auto-renew ends and your membership ends at the end of the current period. You can also cancel there at any time.',
        ].join('\n'),
      };
    }
    return {
      subject: `[${name}] 멤버십 요금 인상 동의 요청`,
      text: [
        `${on}부터 ${f.planName.ko} 자동 결제 금액이 ${formatWon(f.oldAmount)}에서 ${formatWon(f.newAmount)}(으)로 바뀝니다. 결제수단: ${f.card ?? '등록된 카드'}.`,
        `${by}까지 '내 멤버십'에서 동의하신 경우에만 새 금액을 결제합니다. 동의하지 않거나 응답하지 않으시면 더 높은 금액은 결제되지 않으며,`,
        '자동 갱신이 꺼지고 현재 이용 기간이 끝나면 멤버십이 종료됩니다. \'내 멤버십\'에서 언제든 해지할 수 있습니다.',
      ].join('\n'),
    };
  }

  /** No consent to the higher price: the membership will not renew. */
  consentMissing(language: Language, f: ConsentMissingFacts): RenderedNotice {
    const name = this.merchant.name[language];
    const end = this.calendar.localDate(f.periodEnd);
    if (language === 'en') {
      return {
        subject: `[${name}] Your membership will not renew`,
        text: `You did not agree to the new price of ${formatWon(f.newAmount)} for your ${f.planName.en}, so we will not charge it. Auto-renew is off and your membership ends on ${end}. You can buy it again at any time.`,
      };
    }
    return {
      subject: `[${name}] 멤버십이 자동 갱신되지 않습니다`,
      text: `${f.planName.ko}의 새 금액 ${formatWon(f.newAmount)}에 동의하지 않으셔서 결제하지 않습니다. 자동 갱신이 꺼졌으며 멤버십은 ${end}에 종료됩니다. 언제든 다시 구매하실 수 있습니다.`,
    };
  }

  /** At least TRIAL_NOTICE_DAYS before a free trial turns paid (card-merchant rules). */
  trialEnding(language: Language, f: TrialEndingFacts): RenderedNotice {
    const name = this.merchant.name[language];
    const on = this.calendar.localDate(f.trialEndsAt);
    if (language === 'en') {
      return {
        subject: `[${name}] Your free trial ends on ${on}`,
        text: `Your free trial of ${f.planName.en} ends on ${on}. The paid membership costs ${formatWon(f.amount)} and is charged only with your consent under "My membership"; you can cancel there at any time.`,
      };
    }
    return {
      subject: `[${name}] 무료 체험이 ${on}에 끝납니다`,
      text: `${f.planName.ko} 무료 체험이 ${on}에 끝납니다. 유료 멤버십은 ${formatWon(f.amount)}이며 '내 멤버십'에서 동의하신 경우에만 결제됩니다. 언제든 해지할 수 있습니다.`,
    };
  }
}
