// The one list of PGs. Adding a PG is its folder (src/payment/infrastructure/<pg>/ exporting a
// GatewayModule, and its sandbox under src/sandbox/<pg>/) plus one line here; the rest of the app
// reaches PGs through the functions below.
import type { Logger } from '../../shared/application/logger.port';
import type { CheckoutOrder, CheckoutParameters } from '../application/start-checkout.use-case';
import type { PaymentGateway } from '../application/payment-gateway.port';
import type { SandboxClient } from '../../sandbox/shared/sandbox-client';
import type { GatewayModule, GatewayWebhook, RunningGatewaySandbox, SandboxContext, WebhookReading, WebhookRequest } from './gateway-module';
import { iamportModule } from './iamport/iamport.module';
import { portoneModule } from './portone/portone.module';
import { tossModule } from './toss/toss.module';

export const GATEWAY_MODULES = {
  iamport: iamportModule,
  toss: tossModule,
  portone: portoneModule,
} as const;

export type RegisteredGatewayName = keyof typeof GATEWAY_MODULES;
type ConfigOf<M> = M extends GatewayModule<infer C> ? C : never;
/** Every PG's configuration, read from its own environment variables (the configured one is checked strictly). */
export type GatewayConfigs = { [K in RegisteredGatewayName]: ConfigOf<(typeof GATEWAY_MODULES)[K]> };

export const GATEWAY_NAMES = Object.keys(GATEWAY_MODULES) as RegisteredGatewayName[];
/** PAYMENT_GATEWAY's default. */
export const DEFAULT_GATEWAY: RegisteredGatewayName = GATEWAY_NAMES[0];

const moduleOf = (name: RegisteredGatewayName) => GATEWAY_MODULES[name] as GatewayModule<unknown>;

export function readGatewayConfigs(env: NodeJS.ProcessEnv, publicUrl: string, selected: RegisteredGatewayName): GatewayConfigs {
  return Object.fromEntries(GATEWAY_NAMES.map((name) => [name, moduleOf(name).readConfig(env, { publicUrl, selected: name === selected })])) as GatewayConfigs;
}

export interface GatewaySettings extends GatewayConfigs {
  paymentGateway: RegisteredGatewayName;
}

/** The configured PG with its configuration bound: what the core asks of it. */
export interface ActiveGateway {
  name: RegisteredGatewayName;
  label: string;
  isSandbox: boolean;
  apiUrl: string;
  pgCode: string;
  createGateway(options: { timeoutMs: number; logger: Logger }): PaymentGateway;
  checkoutParameters(order: CheckoutOrder): CheckoutParameters;
  startSandbox(context: SandboxContext): Promise<RunningGatewaySandbox | null>;
  /** The file of its browser-side script, which the page loads as `/gateway.js`. */
  browserScript: string;
  /** The CLI's client of its sandbox; null when it is live or has no CLI client. */
  sandboxClient(context: { publicUrl: string }): SandboxClient | null;
  /** Its sandbox sends notices claiming another status (`sandbox notice --status`); else why not. */
  noticeStatus: true | { refusal: string };
  /** Its sandbox's notices have fault knobs (`sandbox fault --notice-*`). */
  noticeFaults: boolean;
}

export function activeGateway(settings: GatewaySettings): ActiveGateway {
  const name = settings.paymentGateway;
  const module = moduleOf(name);
  const config = settings[name];
  return {
    name,
    label: module.label,
    isSandbox: module.isSandbox(config),
    apiUrl: module.apiUrl(config),
    pgCode: module.pgCode(config),
    createGateway: (options) => module.createGateway(config, options),
    checkoutParameters: (order) => module.checkoutParameters(config, order),
    startSandbox: (context) => module.startSandbox(config, context),
    browserScript: module.browserScript,
    sandboxClient: (context) => module.sandboxCli?.client(config, context) ?? null,
    noticeStatus: module.sandboxCli?.noticeStatus ?? { refusal: `${module.label} has no CLI sandbox client` },
    noticeFaults: module.sandboxCli?.noticeFaults ?? false,
  };
}

/** What the CLI's sandbox commands say of the PGs that have a CLI sandbox client (their help and refusals). */
export function sandboxCliFacts(): { modeHints: string[]; noticeStatusLabels: string[]; noticeFaultLabels: string[] } {
  const withCli = GATEWAY_NAMES.map(moduleOf).filter((m) => m.sandboxCli);
  return {
    modeHints: withCli.map((m) => m.sandboxCli!.modeHint),
    noticeStatusLabels: withCli.filter((m) => m.sandboxCli!.noticeStatus === true).map((m) => m.label),
    noticeFaultLabels: withCli.filter((m) => m.sandboxCli!.noticeFaults).map((m) => m.label),
  };
}

/** A notice route of one PG, its configuration bound. */
export interface WebhookReader {
  gateway: RegisteredGatewayName;
  path: string;
  read(request: WebhookRequest): Promise<WebhookReading> | WebhookReading;
}

/** Every PG's notice route (each answers whichever PG is configured: a notice is only a hint, re-fetched). */
export function webhookReaders(settings: GatewayConfigs): WebhookReader[] {
  return GATEWAY_NAMES.map((name) => {
    const webhook = moduleOf(name).webhook;
    return { gateway: name, path: webhook.path, read: (request: WebhookRequest) => webhook.read(settings[name], request) };
  });
}

/** The notice routes as the OpenAPI document describes them. */
export function webhookDocs(): Array<Pick<GatewayWebhook<unknown>, 'path' | 'summary' | 'schema'>> {
  return GATEWAY_NAMES.map((name) => moduleOf(name).webhook);
}

/** Every PG's CSP sources: the page may load any PG's SDK (the checkout answer picks one). */
export function gatewayCspSources(): { scriptSrc: string[]; connectSrc: string[] } {
  const modules = GATEWAY_NAMES.map(moduleOf);
  return { scriptSrc: modules.flatMap((m) => m.csp.scriptSrc), connectSrc: modules.flatMap((m) => m.csp.connectSrc) };
}
