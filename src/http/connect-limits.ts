// Abuse limits of the Connect page: attempts per client IP and per company in a window (rate-limiter-flexible), in
// Redis when REDIS_URL is set (so the limit holds across replicas; this replica's memory takes over while Redis is
// down), else in memory.
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export interface ConnectLimits {
  /** Counts one attempt; resolves to the ms to wait when over the limit, else undefined. */
  overLimit(kind: "ip" | "company", key: string): Promise<number | undefined>;
}

export function createConnectLimits(options: { perIp: number; perCompany: number; windowSeconds: number; redis?: Redis }): ConnectLimits {
  const limiter = (points: number, prefix: string): RateLimiterAbstract | undefined => {
    if (points <= 0) return undefined;
    const memory = new RateLimiterMemory({ points, duration: options.windowSeconds, keyPrefix: prefix });
    return options.redis ? new RateLimiterRedis({ storeClient: options.redis, points, duration: options.windowSeconds, keyPrefix: `concur-graph:${prefix}`, insuranceLimiter: memory }) : memory;
  };
  const limiters = { ip: limiter(options.perIp, "connect-ip"), company: limiter(options.perCompany, "connect-company") };
  return {
    async overLimit(kind, key) {
      const chosen = limiters[kind];
      if (!chosen) return undefined;
      try {
        await chosen.consume(key);
        return undefined;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1_000, rejection.msBeforeNext);
        // A store failure without insurance: let the person through rather than lock everyone out.
        return undefined;
      }
    },
  };
}
