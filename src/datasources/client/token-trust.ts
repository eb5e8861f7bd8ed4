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
}

export interface TokenTrustOptions {
  /** How long an accepted token is trusted for cached reads, ms (config `TOKEN_TRUST_SECONDS`). 0 = never. */
  windowMs: number;
  /** Tokens remembered at once (LRU). Default 100,000. */
  max?: number;
  onRefused?: (callerKey: string) => void;
  now?: () => number;
}

export function createTokenTrust(options: TokenTrustOptions): TokenTrust {
  const now = options.now ?? Date.now;
  const acceptedAt = new LRUCache<string, number>({ max: options.max ?? 100_000 });
  return {
    trusted(callerKey) {
      const at = acceptedAt.get(callerKey);
      return at !== undefined && now() - at < options.windowMs;
    },
    accepted(callerKey) {
      if (options.windowMs > 0) acceptedAt.set(callerKey, now());
    },
    refused(callerKey) {
      acceptedAt.delete(callerKey);
      options.onRefused?.(callerKey);
    },
    forget(callerKey) {
      acceptedAt.delete(callerKey);
    },
  };
}
