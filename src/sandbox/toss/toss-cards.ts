// Test cards of the fake Toss window and of stored billing keys. With Toss the window only
// authenticates the card; the card company approves or declines at confirm (or at a billing
// charge), so a declining card still reaches successUrl and fails at the server's confirm.
import type { TossError } from './toss-wire.types.js';

export type TossCardKind = 'success' | 'declined' | 'limit' | 'insufficient';

export const TOSS_CARD_KINDS: readonly TossCardKind[] = ['success', 'declined', 'limit', 'insufficient'];

export interface TossTestCard {
  kind: TossCardKind;
  label: string;
  number: string;
  company: string;
  /** What the approval answers (HTTP status and Toss's error object); null when the card approves. */
  decline: { status: number; error: TossError } | null;
}

export const TOSS_TEST_CARDS: Record<TossCardKind, TossTestCard> = {
  success: { kind: 'success', label: '승인 (success)', number: '4242-4242-4242-4242', company: '신한', decline: null },
  declined: {
    kind: 'declined', label: '거절 (declined)', number: '4000-0000-0000-0002', company: '국민',
    decline: { status: 400, error: { code: 'INVALID_REJECT_CARD', message: '카드 사용이 거절되었습니다. 카드사 문의가 필요합니다.' } },
  },
  limit: {
    kind: 'limit', label: '한도초과 (limit exceeded)', number: '4000-0000-0000-9995', company: '현대',
    decline: { status: 403, error: { code: 'REJECT_CARD_PAYMENT', message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.' } },
  },
  insufficient: {
    kind: 'insufficient', label: '잔액부족 (insufficient balance)', number: '4000-0000-0000-9979', company: '삼성',
    decline: { status: 403, error: { code: 'REJECT_CARD_PAYMENT', message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.' } },
  },
};

export function parseTossCardKind(value: unknown): TossCardKind | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if ((TOSS_CARD_KINDS as readonly string[]).includes(v)) return v as TossCardKind;
  const digits = v.replace(/\D/g, '');
  return TOSS_CARD_KINDS.find((k) => TOSS_TEST_CARDS[k].number.replace(/\D/g, '') === digits);
}
