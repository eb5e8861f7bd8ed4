import type { TokenService } from "./auth.js";
import type { CompanyDirectory } from "./companies.js";
import type { Counters } from "./counters.js";
import type { Faults } from "./faults.js";
import type { Site } from "./sites.js";
import type { TimerSet } from "./timers.js";
import type { Clock, RandomSource } from "./types.js";
import type { WebhookSender } from "./webhooks.js";

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
  publicKeyPem: string;
  /** Base URL of the primary data center once listening. */
  url(): string;
  /** The emulated data centers, primary first (urls set once listening). */
  dataCenters: readonly Site[];
  /** The GLZ token host. */
  glz: Site;
  /** Scopes of a default company token: the union of every installed API's scopes. */
  defaultScopes: readonly string[];
}
