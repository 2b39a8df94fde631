// Test cards of the fake PortOne window and of billing keys. Each kind decides how a charge ends;
// a declining card answers the way PortOne passes a card company's refusal on: PG_PROVIDER with the
// PG's own code and text (the codes here are the sandbox's, stable for tests).

export type PortOneCardKind = 'success' | 'declined' | 'limit' | 'insufficient';

export const PORTONE_CARD_KINDS: readonly PortOneCardKind[] = ['success', 'declined', 'limit', 'insufficient'];

export interface PortOneTestCard {
  kind: PortOneCardKind;
  label: string;
  number: string;
  /** Card company (`card.publisher` / `card.name` on the payment). */
  company: string;
  /** null when the card approves. */
  decline: { pgCode: string; pgMessage: string } | null;
}

export const PORTONE_TEST_CARDS: Record<PortOneCardKind, PortOneTestCard> = {
  success: { kind: 'success', label: '승인 (success)', number: '4242-4242-4242-4242', company: '신한카드', decline: null },
  declined: {
    kind: 'declined', label: '거절 (declined)', number: '4000-0000-0000-0002', company: 'KB국민카드',
    decline: { pgCode: 'V801', pgMessage: '카드사 승인 거절 (거래정지카드)' },
  },
  limit: {
    kind: 'limit', label: '한도초과 (limit exceeded)', number: '4000-0000-0000-9995', company: '현대카드',
    decline: { pgCode: 'V803', pgMessage: '카드 한도초과' },
  },
  insufficient: {
    kind: 'insufficient', label: '잔액부족 (insufficient balance)', number: '4000-0000-0000-9979', company: '삼성카드',
    decline: { pgCode: 'V804', pgMessage: '잔액부족 (체크카드)' },
  },
};

/** Accepts the kind itself or a test card number. */
export function parsePortOneCardKind(value: unknown): PortOneCardKind | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if ((PORTONE_CARD_KINDS as readonly string[]).includes(v)) return v as PortOneCardKind;
  const digits = v.replace(/\D/g, '');
  return digits === '' ? undefined : PORTONE_CARD_KINDS.find((k) => PORTONE_TEST_CARDS[k].number.replace(/\D/g, '') === digits);
}

/** `4242-4242-4242-4242` -> `42424242****4242`, the way V2 shows `card.number`. */
export function maskCardNumber(number: string): string {
  const d = number.replace(/\D/g, '');
  return d.slice(0, 8) + '*'.repeat(Math.max(0, d.length - 12)) + d.slice(-4);
}
