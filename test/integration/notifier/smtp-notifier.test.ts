import { expect } from 'chai';
import { SmtpNotifier } from '../../../src/shared/infrastructure/smtp-notifier';
import { startSmtpSink } from '../../support/smtp-sink';

describe('SmtpNotifier against a local SMTP sink', () => {
  it('mails a renewal reminder to the member', async () => {
    const sink = await startSmtpSink();
    const notifier = new SmtpNotifier(`${sink.url}?ignoreTLS=true`, 'billing@memberpay.test');
    try {
      await notifier.send({ kind: 'renewal_reminder', to: 'kim@example.com', subject: 'Your membership renews soon', text: 'Renews on 2027-02-28 for 9,900 KRW.' });
      expect(sink.mails).to.have.length(1);
      expect(sink.mails[0].to).to.deep.equal(['<kim@example.com>']);
      expect(sink.mails[0].data).to.include('Subject: Your membership renews soon');
      expect(sink.mails[0].data).to.include('X-Memberpay-Notice: renewal_reminder');
      expect(sink.mails[0].data).to.include('Renews on 2027-02-28 for 9,900 KRW.');
    } finally {
      notifier.close();
      await sink.close();
    }
  });
});
