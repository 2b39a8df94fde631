import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { GatewayUnavailableError } from '../../../src/payment/application/payment-gateway.port';
import { withCallDeadline } from '../../../src/payment/infrastructure/gateway-http';
import { IamportGateway } from '../../../src/payment/infrastructure/iamport/iamport.gateway';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { rejection } from '../../support/rejection';

/** An Iamport-shaped server whose token and lookup each take `delayMs`. */
async function slowIamport(delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/users/getToken')) {
        const now = Math.floor(Date.now() / 1000);
        res.end(JSON.stringify({ code: 0, message: null, response: { access_token: 'tok', now, expired_at: now + 1800 } }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ code: -1, message: '존재하지 않는 결제정보입니다.', response: null }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('a port call bounded as a whole (token, call and retries share one budget)', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives up at the budget when a slow token and a slow call together would overrun it, though each is under the timeout', async () => {
    const slow = await slowIamport(400);
    server = slow.server;
    const adapter = new IamportGateway({ apiUrl: slow.url, impKey: 'k', impSecret: 's', timeoutMs: 500, logger: silentLogger() });
    const gateway = withCallDeadline(adapter, 750);
    const startedAt = Date.now();
    const error = await rejection(gateway.getPayment('imp_1'));
    const elapsed = Date.now() - startedAt;
    expect(error).to.be.instanceOf(GatewayUnavailableError);
    expect(elapsed).to.be.within(700, 790);
  });

  it('answers as usual when the whole call fits in the budget', async () => {
    const slow = await slowIamport(100);
    server = slow.server;
    const adapter = new IamportGateway({ apiUrl: slow.url, impKey: 'k', impSecret: 's', timeoutMs: 500, logger: silentLogger() });
    expect(await withCallDeadline(adapter, 750).getPayment('imp_1')).to.equal(null);
  });
});
