import type { TokenService } from "./auth.js";
import type { Counters } from "./counters.js";
import type { Faults } from "./faults.js";
import type { ProcessingQueue } from "./processing.js";
import type { Store } from "./store.js";
import type { TimerSet } from "./timers.js";
import type { Clock, RandomSource } from "./types.js";
import type { WebhookSender } from "./webhooks.js";

/** Settings that can change at run time (PUT /_emulator/config, /_emulator/webhooks). */
export interface RuntimeConfig {
  pageBytes: number;
  processingDelayMs: number;
  processingPaused: boolean;
  webhookUrls: string[];
  webhookRetryBaseMs: number;
}

/** Everything one emulator instance owns; handed to every route module (no module-level state). */
export interface EmulatorContext {
  store: Store;
  tokens: TokenService;
  counters: Counters;
  timers: TimerSet;
  webhooks: WebhookSender;
  processing: ProcessingQueue;
  faults: Faults;
  config: RuntimeConfig;
  /** Injectable clock plus the admin clock offset (POST /_emulator/clock/advance). */
  now: Clock;
  advanceClock(ms: number): void;
  random: RandomSource;
  publicKeyPem: string;
  /** Base URL once listening (also the OAuth `geolocation`). */
  url(): string;
  /** Back to the start seed, options, faults and config (admin reset). */
  reset(): void;
}
