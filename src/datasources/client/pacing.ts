import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";

/**
 * The slot a paced call holds: acquired before its first send, released when each response (or failure) arrives,
 * acquired again before every re-send (see the client pipeline's retry loop).
 */
export interface PacingSlot {
  acquire(): Promise<void>;
  release(): Promise<void>;
}

/**
 * A {@link PacingSlot} over `pacer`'s key, already held: the first `acquire` is the caller's own. `onWait` hears how
 * long each acquire (this first one and every re-acquire before a re-send) waited, in seconds.
 */
export async function heldSlot(pacer: Pacer, key: string, onWait?: (seconds: number) => void): Promise<PacingSlot & { dispose(): Promise<void> }> {
  const acquire = async () => {
    const started = performance.now();
    const release = await pacer.acquire(key);
    onWait?.((performance.now() - started) / 1000);
    return release;
  };
  let release = await acquire();
  return {
    acquire: async () => {
      release = await acquire();
    },
    release: () => release(),
    dispose: () => release(),
  };
}

/**
 * Millisecond-precision fixed window for Redis. The stock script uses `EX` with the duration floored to whole
 * seconds (1.05 s would become 1 s and lose the pacing margin); this one reads the configured duration
 * (ARGV[4], seconds, fractional allowed) and uses `PX`. Same contract: returns {consumed, pttl}.
 */
const PX_INCR_TTL_LUA = `local ms = math.ceil(tonumber(ARGV[4]) * 1000) \
redis.call('set', KEYS[1], 0, 'PX', ms, 'NX') \
local consumed = redis.call('incrby', KEYS[1], ARGV[1]) \
local ttl = redis.call('pttl', KEYS[1]) \
if ttl == -1 then \
  redis.call('pexpire', KEYS[1], ms) \
  ttl = ms \
end \
return {consumed, ttl}`;

/** Gives back a pacing slot; idempotent (a second call does nothing). */
export type ReleaseSlot = () => Promise<void>;

/**
 * Paces calls per key. `acquire(key)` resolves when the caller may send (FIFO, never rejected) and returns the
 * slot's release; until it is released no other caller of this process gets the key, and after it is released
 * the next call waits `intervalMs` more. Measuring the gap from the END of the previous call, not its start,
 * means a slow 4 MB upload or a retry cannot bring two calls closer than the interval at the upstream.
 * With Redis the interval also holds across replicas (RateLimiterRedis + RateLimiterQueue).
 */
export interface Pacer {
  acquire(key: string): Promise<ReleaseSlot>;
}

export function createPacer(options: { intervalMs: number; redis?: Redis; keyPrefix: string }): Pacer {
  const duration = options.intervalMs / 1000;
  const memory = new RateLimiterMemory({ points: 1, duration, keyPrefix: options.keyPrefix });
  const redisLimiter = options.redis
    ? new RateLimiterRedis({
        storeClient: options.redis,
        points: 1,
        duration,
        keyPrefix: options.keyPrefix,
        customIncrTtlLuaScript: PX_INCR_TTL_LUA,
        insuranceLimiter: memory,
      })
    : undefined;
  const limiter: RateLimiterAbstract = redisLimiter ?? memory;
  const queue = new RateLimiterQueue(limiter, { maxQueueSize: Number.MAX_SAFE_INTEGER });
  /** Tail of the in-process FIFO of holders per key. */
  const tails = new Map<string, Promise<void>>();

  /** Marks `key` as used (1 of 1 points) for `ms` from now. */
  const hold = async (key: string, ms: number) => {
    if (options.redis && redisLimiter) {
      try {
        await options.redis.set(redisLimiter.getKey(key), "1", "PX", Math.ceil(ms));
        return;
      } catch {
        // Redis down: the insurance (in-memory) limiter is the one consulted now.
      }
    }
    await memory.set(key, 1, ms / 1000);
  };

  return {
    async acquire(key) {
      const previous = tails.get(key) ?? Promise.resolve();
      let unlock!: () => void;
      const mine = new Promise<void>((resolve) => (unlock = resolve));
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      await previous;
      let released = false;
      const release: ReleaseSlot = async () => {
        if (released) return;
        released = true;
        try {
          await hold(key, options.intervalMs);
        } finally {
          if (tails.get(key) === tail) tails.delete(key);
          unlock();
        }
      };
      try {
        await queue.removeTokens(1, key);
      } catch (error) {
        await release();
        throw error;
      }
      return release;
    },
  };
}
