import type { ClientRegistry } from "./clients.js";
import type { TokenFaults } from "./faults.js";
import type { RefreshTokens } from "./refresh-tokens.js";
import type { RequestTokens } from "./request-tokens.js";

/**
 * When a refresh returns a new refresh token: never, always, or with this probability (0..1).
 * The docs: the refresh token "can change even if most of the time, this value is the same".
 */
export type RefreshRotation = "never" | "always" | number;

/** The OAuth emulation's own state, next to the shared core. */
export interface OAuthState {
  clients: ClientRegistry;
  requestTokens: RequestTokens;
  refreshTokens: RefreshTokens;
  /** Injected token-endpoint failures (PUT /_emulator/faults/token). */
  tokenFaults: TokenFaults;
  rotation: RefreshRotation;
}
