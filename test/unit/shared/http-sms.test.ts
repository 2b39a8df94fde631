import { Writable } from 'node:stream';
import { expect } from 'chai';
import { HttpSms, SmsNotSentError } from '../../../src/shared/infrastructure/http-sms';
import { createLogger } from '../../../src/shared/infrastructure/logger';
import { rejection } from '../../support/rejection';
import { type SmsSandbox, startSmsSandbox } from '../../support/sms-sandbox';

const API_KEY = 'sms-key-0123456789-secret';
const consentText = { kind: 'consent_request' as const, userId: 'user_1', to: '+821012345678', text: '요금 변경 동의 요청' };

describe('HTTP SMS adapter (src/shared/infrastructure/http-sms.ts) against the SMS provider sandbox', () => {
  let sandbox: SmsSandbox;
  let lines: string[];
  const sms = (timeoutMs = 2000) => {
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    return new HttpSms({ url: sandbox.url, apiKey: API_KEY, timeoutMs }, createLogger('debug', sink));
  };
  beforeEach(async () => {
    sandbox = await startSmsSandbox();
    lines = [];
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('sends: posts {to, text} as JSON with the key as a bearer token, and logs no key', async () => {
    await sms().send(consentText);
    expect(sandbox.messages).to.deep.equal([{ to: '+821012345678', text: '요금 변경 동의 요청', authorization: `Bearer ${API_KEY}` }]);
    expect(lines.join('')).to.include('sms sent').and.not.to.include(API_KEY);
  });

  it('a provider 5xx is a failure the caller sees (SmsNotSentError naming the status), and nothing counts as sent', async () => {
    sandbox.answerWith(503);
    const error = (await rejection(sms().send(consentText))) as Error;
    expect(error).to.be.instanceOf(SmsNotSentError);
    expect(error.message).to.equal('SMS provider answered 503');
    expect(error.message).not.to.include(API_KEY);
    expect(sandbox.messages).to.deep.equal([]);
  });

  it('a provider that does not answer in time: rejects after the timeout, without retrying', async () => {
    sandbox.delayBy(1000);
    const startedAt = Date.now();
    const error = (await rejection(sms(150).send(consentText))) as Error;
    expect(error).to.be.instanceOf(SmsNotSentError);
    expect(error.message).to.equal('SMS provider did not answer within 150 ms');
    expect(Date.now() - startedAt).to.be.below(900);
  });

  it('a provider that cannot be reached: rejects naming the network error, with no key in the message', async () => {
    const url = sandbox.url;
    await sandbox.close();
    const error = (await rejection(new HttpSms({ url, apiKey: API_KEY, timeoutMs: 2000 }, createLogger('silent')).send(consentText))) as Error;
    expect(error).to.be.instanceOf(SmsNotSentError);
    expect(error.message).to.equal('SMS provider could not be reached (ECONNREFUSED)');
    sandbox = await startSmsSandbox(); // afterEach closes one
  });

  it('a member without a mobile number: nothing is posted, and the log says why', async () => {
    await sms().send({ ...consentText, to: null });
    expect(sandbox.messages).to.deep.equal([]);
    expect(lines.join('')).to.include('the member gave no mobile number');
  });
});
