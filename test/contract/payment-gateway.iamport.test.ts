import type { Logger } from '../../src/shared/application/logger.port';
import { IamportGateway } from '../../src/payment/infrastructure/iamport/iamport.gateway';
import { startSandboxServer } from '../../src/sandbox/iamport/sandbox-server';
import { SandboxGatewayDriver } from '../support/gateway-drivers';
import { paymentGatewayContract } from './payment-gateway.contract';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

paymentGatewayContract('IamportGateway over HTTP to the Iamport sandbox', async () => {
  const sandbox = await startSandboxServer({ port: 0, host: '127.0.0.1', impKey: 'contract_key', impSecret: 'contract_secret' });
  const gateway = new IamportGateway({ apiUrl: sandbox.url, impKey: 'contract_key', impSecret: 'contract_secret', timeoutMs: 300, logger: silent });
  return { gateway, driver: new SandboxGatewayDriver(sandbox.url, sandbox.sandbox.options.impCode), teardown: () => sandbox.close() };
});
