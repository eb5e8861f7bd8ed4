import { DEFAULT_APP_SCOPES, ESS_LIMITS } from "./limits.js";

/** Run-time knobs of the ESS emulation (GET/PUT /_emulator/ess/config). */
export interface EssSettings {
  /** Answer every management call with this status (400–599), e.g. 503 for "ESS down"; null = normal. Default null. */
  failWith: number | null;
  /** Scopes of the app tokens the token endpoint issues. Default `events.topic.read` + both topics' resource scopes. */
  appScopes: string[];
  /** How long a deleted subscription is still listed, ms. Default 50. */
  deletionDelayMs: number;
  /** GET one subscription answers a single object (swagger) instead of a one-element array ([MGMT]). Default false. */
  singleObject: boolean;
}

export const startEssSettings = (): EssSettings => ({
  failWith: null,
  appScopes: [...DEFAULT_APP_SCOPES],
  deletionDelayMs: ESS_LIMITS.deletionDelayMs,
  singleObject: false,
});
