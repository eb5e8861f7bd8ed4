/** One exchange as the client pipeline reports it (structurally the pipeline's `UpstreamExchange`). */
export interface ExchangeOutcome {
  status?: number;
  errorCode?: string;
}

/** Upstream health from the calls the gateway makes anyway: no probe of its own, O(1) per call. */
export interface UpstreamHealth {
  record(exchange: ExchangeOutcome): void;
  /** Unhealthy while the last `failuresInARow` exchanges all failed (transport error or 5xx) and the last one is recent. */
  status(): UpstreamHealthStatus;
}

export interface UpstreamHealthStatus {
  healthy: boolean;
  /** Failed exchanges since the last answered one. */
  consecutiveFailures: number;
  lastSuccessAt?: string;
  lastFailureAt?: string;
}

/** Options of {@link createUpstreamHealth}. */
export interface UpstreamHealthOptions {
  /** How long a run of failures counts, ms (config `upstreamHealthWindowSeconds`). Default 60 000. */
  windowMs?: number;
  /** Failures in a row that make upstream unhealthy. Default 3 (a GET already retries twice before it fails). */
  failuresInARow?: number;
  now?: () => number;
}

export function createUpstreamHealth(options: UpstreamHealthOptions = {}): UpstreamHealth {
  const windowMs = options.windowMs ?? 60_000;
  const threshold = options.failuresInARow ?? 3;
  const now = options.now ?? Date.now;
  let consecutiveFailures = 0;
  let lastSuccessAt: number | undefined;
  let lastFailureAt: number | undefined;
  return {
    record(exchange) {
      // A 4xx (bad token, not found, 429) is Concur answering: healthy. 5xx and transport failures are not.
      if (exchange.status !== undefined && exchange.status < 500) {
        consecutiveFailures = 0;
        lastSuccessAt = now();
      } else {
        consecutiveFailures += 1;
        lastFailureAt = now();
      }
    },
    status() {
      const recent = lastFailureAt !== undefined && now() - lastFailureAt <= windowMs;
      return {
        healthy: !(recent && consecutiveFailures >= threshold),
        consecutiveFailures,
        lastSuccessAt: lastSuccessAt === undefined ? undefined : new Date(lastSuccessAt).toISOString(),
        lastFailureAt: lastFailureAt === undefined ? undefined : new Date(lastFailureAt).toISOString(),
      };
    },
  };
}
