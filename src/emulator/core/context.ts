import type { TokenService } from "./auth.js";
import type { CompanyDirectory } from "./companies.js";
import type { Counters } from "./counters.js";
import type { Faults } from "./faults.js";
import type { Site } from "./sites.js";
import type { TimerSet } from "./timers.js";
import type { Clock, RandomSource } from "./types.js";
import type { SigningKeys } from "./signing-keys.js";
import type { SendableEvent, WebhookSender } from "./webhooks.js";

/** Shared settings that can change at run time (PUT /_emulator/webhooks). */
export interface CoreConfig {
  webhookUrls: string[];
  webhookRetryBaseMs: number;
}

/**
 * The shared infrastructure of one emulator instance, handed to every emulated API (no module-level state).
 * APIs add their own state next to it (see core/api.ts).
 */
export interface CoreContext {
  companies: CompanyDirectory;
  tokens: TokenService;
  counters: Counters;
  timers: TimerSet;
  webhooks: WebhookSender;
  faults: Faults;
  config: CoreConfig;
  /** Injectable clock plus the admin clock offset (POST /_emulator/clock/advance). */
  now: Clock;
  advanceClock(ms: number): void;
  random: RandomSource;
  /** SPKI PEM of the key ESS signs with now (changes on a rotation). */
  readonly publicKeyPem: string;
  /** The ESS signing key and the ones before it (rotated through /_emulator/ess/signing-keys/rotate). */
  signingKeys: SigningKeys;
  /** Extra delivery targets of an event besides `config.webhookUrls` (ESS subscriptions, src/emulator/ess). */
  webhookTargets: Array<(event: SendableEvent) => readonly string[]>;
  /** Told each time the token endpoint issues a company token to an app (ESS adds the company to its subscriptions). */
  companyTokenIssued: Array<(companyId: string, clientId: string) => void>;
  /**
   * Scopes of an app token (client_credentials) the token endpoint is issuing to `clientId` at `site`; called once per
   * app token. ESS sets it (its scopes, and it counts app tokens per data center); default none.
   */
  appTokenScopes: (clientId: string, site: Site) => readonly string[];
  /** Base URL of the primary data center once listening. */
  url(): string;
  /** The emulated data centers, primary first (urls set once listening). */
  dataCenters: readonly Site[];
  /** The GLZ token host. */
  glz: Site;
  /** Scopes of a default company token: the union of every installed API's scopes. */
  defaultScopes: readonly string[];
}
