import { LRUCache } from "lru-cache";

/**
 * Passthrough mode: which callers' tokens Concur accepted recently. Cached answers are served to a token only while
 * Concur accepted it within `windowMs`; otherwise the read goes to Concur, which checks the token, and a success
 * makes it trusted again. A token Concur refused (401/403) is forgotten at once, here and, through `onRefused`, on
 * every replica. (Managed mode has no use for it: the gateway checks its own callers on every request.)
 */
export interface TokenTrust {
  /** Whether cached answers may be served to this caller (its cache-key identity) now. */
  trusted(callerKey: string): boolean;
  /** Concur answered a call made with this caller's token. */
  accepted(callerKey: string): void;
  /** Concur refused this caller's token (401/403): forget it here and tell the other replicas. */
  refused(callerKey: string): void;
  /** Another replica saw the token refused. */
  forget(callerKey: string): void;
  /** Tokens remembered now (bounded by `max`; tests, metrics). */
  readonly size: number;
}

export interface TokenTrustOptions {
  /** How long an accepted token is trusted for cached reads, ms (config `TOKEN_TRUST_SECONDS`). 0 = never. */
  windowMs: number;
  /**
   * Tokens remembered at once (LRU, ~150 bytes each: a 32-character key and a time). Default 100,000 (~15 MB): past
   * it the least recently accepted token's next cached read goes to Concur once more.
   */
  max?: number;
  onRefused?: (callerKey: string) => void;
  now?: () => number;
}

/** Default of `max`. */
export const DEFAULT_MAX_TRUSTED_TOKENS = 100_000;

export function createTokenTrust(options: TokenTrustOptions): TokenTrust {
  const now = options.now ?? Date.now;
  const acceptedAt = new LRUCache<string, number>({ max: options.max ?? DEFAULT_MAX_TRUSTED_TOKENS });
  return {
    trusted(callerKey) {
      const at = acceptedAt.get(callerKey);
      return at !== undefined && now() - at < options.windowMs;
    },
    accepted(callerKey) {
      if (options.windowMs <= 0) return;
      // One time per token and second is enough (the window is whole seconds): a hot token does not rewrite its entry
      // on every read.
      const at = now();
      const before = acceptedAt.get(callerKey);
      if (before === undefined || at - before >= 1_000) acceptedAt.set(callerKey, at);
    },
    refused(callerKey) {
      acceptedAt.delete(callerKey);
      options.onRefused?.(callerKey);
    },
    forget(callerKey) {
      acceptedAt.delete(callerKey);
    },
    get size() {
      return acceptedAt.size;
    },
  };
}
