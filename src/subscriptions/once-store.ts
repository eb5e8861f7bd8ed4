import type Keyv from "keyv";

/**
 * Set-if-absent over a keyv store: the primitive behind webhook de-duplication and "first final status wins".
 * Atomic across replicas when keyv sits on @keyv/redis (`SET key value NX PX ttl` on its client);
 * otherwise atomic within this process (calls per key are serialised).
 */
export interface OnceStore {
  /** Stores `value` under `key` for `ttlMs` unless the key exists; true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
}

// The parts of @keyv/redis (node-redis client) we use, duck-typed so no adapter import is needed.
interface RedisLikeAdapter {
  namespace?: string;
  getClient(): Promise<{
    set(key: string, value: string, options: { NX: true; PX: number }): Promise<string | null>;
    get(key: string): Promise<string | null>;
  }>;
  createKeyPrefix(key: string, namespace?: string): string;
}

/** Options of {@link createOnceStore}. */
export interface OnceStoreOptions {
  /**
   * Longest a Redis call may take, ms; past it the call fails (so a caller answers 503 or falls back instead of
   * waiting on a hung or restarting Redis). Default 1000.
   */
  timeoutMs?: number;
  /** Each failed or timed-out Redis call (metrics); must not throw. The error is thrown to the caller as well. */
  onRedisError?: (err: unknown) => void;
}

function redisAdapterOf(keyv: Keyv): RedisLikeAdapter | undefined {
  const store = (keyv as { store?: unknown }).store as Partial<RedisLikeAdapter> | undefined;
  if (store && typeof store.getClient === "function" && typeof store.createKeyPrefix === "function") return store as RedisLikeAdapter;
  return undefined;
}

export function createOnceStore(keyv: Keyv, options: OnceStoreOptions = {}): OnceStore {
  const redis = redisAdapterOf(keyv);
  if (redis) {
    const timeoutMs = options.timeoutMs ?? 1_000;
    const full = (key: string) => redis.createKeyPrefix(`once:${key}`, redis.namespace);
    /** `call` bounded by `timeoutMs`; failures are reported and rethrown (a late answer is ignored). */
    const bounded = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const running = call();
      running.catch(() => undefined); // a failure after the timeout must not go unhandled
      try {
        return await Promise.race([
          running,
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Redis ${what} took longer than ${timeoutMs} ms`)), timeoutMs))),
        ]);
      } catch (err) {
        options.onRedisError?.(err);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    };
    return {
      setIfAbsent(key, value, ttlMs) {
        return bounded("SET NX", async () => (await (await redis.getClient()).set(full(key), value, { NX: true, PX: Math.max(1, Math.round(ttlMs)) })) === "OK");
      },
      get(key) {
        return bounded("GET", async () => (await (await redis.getClient()).get(full(key))) ?? undefined);
      },
    };
  }
  const chains = new Map<string, Promise<unknown>>();
  const serial = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = chains.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    chains.set(key, tail);
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key);
    });
    return run;
  };
  return {
    setIfAbsent(key, value, ttlMs) {
      return serial(key, async () => {
        if ((await keyv.get(`once:${key}`)) !== undefined) return false;
        await keyv.set(`once:${key}`, value, ttlMs);
        return true;
      });
    },
    async get(key) {
      const value = await keyv.get<string>(`once:${key}`);
      return value ?? undefined;
    },
  };
}
