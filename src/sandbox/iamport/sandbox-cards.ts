// Test cards of the fake PG window and of stored billing keys. Each kind decides
// how a charge ends; the Korean texts echo what PGs put in fail_reason / error_msg.

export type CardKind = 'success' | 'declined' | 'limit' | 'insufficient';

export const CARD_KINDS: readonly CardKind[] = ['success', 'declined', 'limit', 'insufficient'];

export interface TestCard {
  kind: CardKind;
  label: string;
  number: string;
  cardName: string;
  cardCode: string;
  /** null when the card approves. */
  decline: { errorCode: string; reason: string } | null;
}

export const TEST_CARDS: Record<CardKind, TestCard> = {
  success: {
    kind: 'success',
    label: '승인 (success)',
    number: '4242-4242-4242-4242',
    cardName: '신한카드',
    cardCode: '366',
    decline: null,
  },
  declined: {
    kind: 'declined',
    label: '거절 (declined)',
    number: '4000-0000-0000-0002',
    cardName: '국민KB카드',
    cardCode: '381',
    decline: { errorCode: 'F2001', reason: '[F2001] 카드사 승인 거절 (거래정지카드)' },
  },
  limit: {
    kind: 'limit',
    label: '한도초과 (limit exceeded)',
    number: '4000-0000-0000-9995',
    cardName: '현대카드',
    cardCode: '367',
    decline: { errorCode: 'F2003', reason: '[F2003] 카드 한도초과' },
  },
  insufficient: {
    kind: 'insufficient',
    label: '잔액부족 (insufficient balance)',
    number: '4000-0000-0000-9979',
    cardName: '삼성카드',
    cardCode: '365',
    decline: { errorCode: 'F2004', reason: '[F2004] 잔액부족 (체크카드)' },
  },
};

/** Accepts the kind itself, the short alias `limit exceeded`/`insufficient balance`, or a test card number. */
export function parseCardKind(value: unknown): CardKind | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'limit exceeded' || v === 'limit_exceeded') return 'limit';
  if (v === 'insufficient balance' || v === 'insufficient_balance') return 'insufficient';
  if ((CARD_KINDS as readonly string[]).includes(v)) return v as CardKind;
  const digits = v.replace(/\D/g, '');
  return CARD_KINDS.find((k) => TEST_CARDS[k].number.replace(/\D/g, '') === digits);
}

/** `4242-4242-4242-4242` -> `424242******4242`, the way Iamport masks card_number. */
export function maskCardNumber(number: string): string {
  const d = number.replace(/\D/g, '');
  if (d.length < 10) return d;
  return d.slice(0, 6) + '*'.repeat(d.length - 10) + d.slice(-4);
}
