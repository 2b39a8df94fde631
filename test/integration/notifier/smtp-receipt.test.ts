import { expect } from 'chai';
import { MemberNotices, type Merchant } from '../../../src/billing/application/member-notices';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';
import { SmtpNotifier } from '../../../src/shared/infrastructure/smtp-notifier';
import { startSmtpSink } from '../../support/smtp-sink';

const merchant: Merchant = {
  name: { ko: '주식회사 멤버페이', en: 'Memberpay Co., Ltd.' }, businessRegistrationNumber: '123-45-67890',
  representative: { ko: '김대표', en: 'Kim Daepyo' }, address: { ko: '서울특별시 중구 세종대로 110', en: '110 Sejong-daero, Jung-gu, Seoul' },
  phone: '02-000-0000', email: 'support@memberpay.example',
};

/** The message as a mail reader shows it: encoded-word headers and a quoted-printable or base64 body decoded to UTF-8. */
function readMail(raw: string): { subject: string; body: string; contentType: string } {
  const [head, ...rest] = raw.split(/\n\n/);
  const unfolded = head.replace(/\n[ \t]+/g, ' ');
  const header = (name: string) => unfolded.split('\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim() ?? '';
  const words = (value: string) => value.replace(/\s*=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, kind: string, text: string) => (kind.toLowerCase() === 'b'
    ? Buffer.from(text, 'base64').toString('utf8')
    : qp(text.replace(/_/g, ' '))));
  const qp = (text: string) => Buffer.from(text.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const payload = rest.join('\n\n');
  const body = encoding === 'base64' ? Buffer.from(payload.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? qp(payload) : payload;
  return { subject: words(header('Subject')), body: body.replace(/\r/g, ''), contentType: header('Content-Type') };
}

describe('SmtpNotifier mails a Korean receipt (local SMTP sink)', () => {
  it('arrives with a UTF-8 Korean subject and every receipt field readable', async () => {
    const sink = await startSmtpSink();
    const notifier = new SmtpNotifier(`${sink.url}?ignoreTLS=true`, 'billing@memberpay.test');
    const rendered = new MemberNotices(merchant, new BusinessCalendar('Asia/Seoul')).receipt('ko', {
      buyerName: '김구매', planName: { ko: '월간 멤버십', en: 'Monthly membership' }, merchantUid: 'mp_01JSMTPRECEIPT', amount: 9900,
      paidAt: new Date('2026-11-25T09:00:00.000Z'), payMethod: 'card',
      periodStart: new Date('2026-11-25T09:00:00.000Z'), periodEnd: new Date('2026-12-25T09:00:00.000Z'),
    });
    try {
      await notifier.send({ kind: 'receipt', to: 'kim@example.com', ...rendered });
      expect(sink.mails).to.have.length(1);
      const mail = readMail(sink.mails[0].data);
      expect(mail.contentType.toLowerCase()).to.contain('charset=utf-8');
      expect(mail.subject).to.equal('[주식회사 멤버페이] 멤버십 결제 영수증 (월간 멤버십)');
      for (const line of [
        '상호: 주식회사 멤버페이', '사업자등록번호: 123-45-67890', '주문번호: mp_01JSMTPRECEIPT',
        '결제일시: 2026-11-25 18:00 (KST)', '결제수단: 신용·체크카드', '금액: ₩9,900 (부가세 ₩900 포함)', '이용 기간: 2026-11-25 ~ 2026-12-25',
      ]) expect(mail.body).to.contain(line);
      expect(sink.mails[0].data).to.include('X-Memberpay-Notice: receipt');
    } finally {
      notifier.close();
      await sink.close();
    }
  });
});
