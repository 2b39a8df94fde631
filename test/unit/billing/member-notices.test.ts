import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { formatWon, MemberNotices, supplyValue, vatIncluded, type Merchant, type ReceiptFacts } from '../../../src/billing/application/member-notices';
import { loadConfig } from '../../../src/config';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';
import { askedLanguage, preferredLanguage } from '../../../src/shared/http/language';

const merchant: Merchant = {
  name: { ko: '주식회사 멤버페이', en: 'Memberpay Co., Ltd.' }, businessRegistrationNumber: '123-45-67890',
  representative: { ko: '김대표', en: 'Kim Daepyo' }, address: { ko: '서울특별시 중구 세종대로 110', en: '110 Sejong-daero, Jung-gu, Seoul' },
  phone: '02-000-0000', email: 'support@memberpay.example',
};
const notices = new MemberNotices(merchant, new BusinessCalendar('Asia/Seoul'));
const receipt: ReceiptFacts = {
  buyerName: '김구매', planName: { ko: '연간 멤버십', en: 'Annual membership' }, merchantUid: 'mp_01JTESTORDER', amount: 1_099_000,
  // 23:30 on Jan 31 in Seoul is 14:30 UTC: the receipt states Seoul's date and time.
  paidAt: new Date('2027-01-31T14:30:00.000Z'), payMethod: 'card',
  periodStart: new Date('2027-01-31T14:30:00.000Z'), periodEnd: new Date('2028-01-31T14:30:00.000Z'),
};

describe('member notices (Korean first, English available)', () => {
  it('a Korean receipt carries 상호, 사업자등록번호, 결제일시 in KST, 금액 in ₩ with separators, 결제수단 and 주문번호', () => {
    const { subject, text } = notices.receipt('ko', receipt);
    expect(subject).to.equal('[주식회사 멤버페이] 멤버십 결제 영수증 (연간 멤버십)');
    const lines = text.split('\n');
    expect(lines).to.include.members([
      '김구매 님, 결제해 주셔서 감사합니다.',
      '상호: 주식회사 멤버페이',
      '사업자등록번호: 123-45-67890',
      '대표자: 김대표',
      '주소: 서울특별시 중구 세종대로 110',
      '고객센터: 02-000-0000 · support@memberpay.example',
      '주문번호: mp_01JTESTORDER',
      '상품: 연간 멤버십',
      '결제일시: 2027-01-31 23:30 (KST)',
      '결제수단: 신용·체크카드',
      '금액: ₩1,099,000 (부가세 ₩99,909 포함)',
      '이용 기간: 2027-01-31 ~ 2028-01-31',
    ]);
    expect(text).to.contain('해지');
    expect(text).not.to.match(/receipt|Thank you|KRW/);
  });

  it('a receipt shows supply value + VAT = amount, the approval number and time, the masked card, and the withdrawal deadline (Korean first)', () => {
    const full: ReceiptFacts = {
      ...receipt, amount: 9900, gatewayPaymentId: 'imp_123456789012', card: { approvalNumber: '30001234', maskedNumber: '536148******1234' },
      withdrawalEndsAt: new Date('2027-02-07T14:30:00.000Z'),
    };
    expect(notices.receipt('ko', full).text.split('\n')).to.include.members([
      '금액: ₩9,900 (부가세 ₩900 포함)',
      '공급가액: ₩9,000',
      '부가세: ₩900',
      '승인번호: 30001234',
      '승인일시: 2027-01-31 23:30 (KST)',
      '카드번호: 536148******1234',
      'PG 거래번호: imp_123456789012',
      '청약철회: 2027-02-07 23:30 (KST)까지 해지하면 이용 여부와 관계없이 이 결제 금액 전액을 환불합니다.',
    ]);
    expect(notices.receipt('en', full).text.split('\n')).to.include.members([
      'Supply value: ₩9,000', 'VAT: ₩900', 'Approval no.: 30001234', 'Approved at: 2027-01-31 23:30 (KST)', 'Card: 536148******1234',
      'Withdrawal: cancel by 2027-02-07 23:30 (KST) for a full refund of this payment, whatever you have used.',
    ]);
  });

  it('property: supply value + VAT = amount in integer KRW, VAT = round(amount / 11)', () => {
    fc.assert(fc.property(fc.integer({ min: 100, max: 100_000_000 }), (amount) => {
      const vat = vatIncluded(amount);
      return Number.isInteger(vat) && supplyValue(amount) + vat === amount && vat === Math.round(amount / 11);
    }));
  });

  it('an English receipt carries the same facts in English', () => {
    const { subject, text } = notices.receipt('en', receipt);
    expect(subject).to.equal('[Memberpay Co., Ltd.] Your membership receipt (Annual membership)');
    expect(text.split('\n')).to.include.members([
      'Dear 김구매, thank you for your payment.',
      'Merchant: Memberpay Co., Ltd.',
      'Business registration no.: 123-45-67890',
      'Representative: Kim Daepyo',
      'Address: 110 Sejong-daero, Jung-gu, Seoul',
      'Order no.: mp_01JTESTORDER',
      'Item: Annual membership',
      'Paid at: 2027-01-31 23:30 (KST)',
      'Payment method: Credit/debit card',
      'Amount: ₩1,099,000 (VAT ₩99,909 included)',
      'Membership period: 2027-01-31 ~ 2028-01-31',
    ]);
    expect(text.replace('김구매', '')).not.to.match(/[가-힣]/u);
  });

  it('names the other pay methods, and a method it does not know as the PG named it', () => {
    expect(notices.receipt('ko', { ...receipt, payMethod: 'trans' }).text).to.contain('결제수단: 실시간 계좌이체');
    expect(notices.receipt('en', { ...receipt, payMethod: 'vbank' }).text).to.contain('Payment method: Virtual account');
    expect(notices.receipt('ko', { ...receipt, payMethod: 'naverpay' }).text).to.contain('결제수단: naverpay');
  });

  it('renewal reminders and failed renewals speak Korean by default and English on request', () => {
    const reminder = { planName: { ko: '월간 멤버십', en: 'Monthly membership' }, chargeAt: new Date('2027-02-27T15:10:00.000Z'), amount: 9900 };
    expect(notices.renewalReminder('ko', reminder)).to.deep.equal({
      subject: '[주식회사 멤버페이] 멤버십 자동 결제 예정 안내',
      text: "월간 멤버십이(가) 2027-02-28에 ₩9,900(으)로 자동 결제됩니다. 그 전에 '내 멤버십'에서 자동 갱신을 끌 수 있습니다.",
    });
    expect(notices.renewalReminder('en', reminder).text).to.equal('Your Monthly membership renews on 2027-02-28 for ₩9,900. You can turn auto-renew off under "My membership" before then.');
    expect(notices.renewalFailed('ko', { reason: '한도 초과', finalAttempt: false })).to.deep.equal({
      subject: '[주식회사 멤버페이] 멤버십 자동 결제에 실패했습니다', text: '멤버십 자동 결제에 실패했습니다 (한도 초과). 곧 다시 시도합니다.',
    });
    expect(notices.renewalFailed('ko', { reason: 'x', finalAttempt: true }).text).to.contain('종료');
    expect(notices.renewalFailed('en', { reason: 'declined', finalAttempt: true }).subject).to.equal('[Memberpay Co., Ltd.] Your membership renewal failed');
  });

  it('formats won with separators and finds the VAT inside a price in whole won', () => {
    expect(formatWon(9900)).to.equal('₩9,900');
    expect(formatWon(1_099_000)).to.equal('₩1,099,000');
    expect([vatIncluded(9900), vatIncluded(99000), vatIncluded(100), vatIncluded(1_099_000)]).to.deep.equal([900, 9000, 9, 99909]);
  });

  it('renders the shipped config/merchant.json', () => {
    const config = loadConfig({}, path.resolve(import.meta.dirname, '../../../config'));
    const { text } = new MemberNotices(config.merchant, new BusinessCalendar('Asia/Seoul')).receipt('ko', receipt);
    expect(text).to.contain(`상호: ${config.merchant.name.ko}`);
    expect(text).to.contain(`사업자등록번호: ${config.merchant.businessRegistrationNumber}`);
  });
});

describe('the language a request asks for (Accept-Language)', () => {
  it('Korean unless English ranks above Korean', () => {
    expect(preferredLanguage('')).to.equal('ko');
    expect(preferredLanguage('ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7')).to.equal('ko');
    expect(preferredLanguage('en-US,en;q=0.9')).to.equal('en');
    expect(preferredLanguage('fr-FR,fr;q=0.9,en;q=0.5,ko;q=0.4')).to.equal('en');
    expect(preferredLanguage('ko;q=0.3,en;q=0.6')).to.equal('en');
    expect(preferredLanguage('en;q=0,ja')).to.equal('ko');
    expect(preferredLanguage('de, *;q=0.5')).to.equal('ko');
  });

  it('?lang= is read as a language tag: any case, with or without a region', () => {
    for (const value of ['en', 'EN', 'En', 'en-US', 'en_GB', ' en ']) expect(askedLanguage(value), value).to.equal('en');
    for (const value of ['ko', 'KO', 'ko-KR']) expect(askedLanguage(value), value).to.equal('ko');
    for (const value of ['fr', '', 'english', undefined, ['en', 'ko']]) expect(askedLanguage(value), String(value)).to.equal(null);
  });
});
