// The page cache's scope generations (src/datasources/client/page-cache.ts): refreshed from the shared store ahead of
// their expiry, so steady traffic keeps its pages (and reused answers) without a pause every second, and a bump made
// here is never undone by a generation read that was out when it happened.
import Keyv from "keyv";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callerFromAuthorization } from "../../src/datasources/client/caller.js";
import { createPageCache, scopes } from "../../src/datasources/client/page-cache.js";

const caller = callerFromAuthorization("Bearer generations-token")!;
const SCOPE = scopes.list("accounts", "c1", "e1");
const HREF = "/accountingintegration/v4/companies/c1/erps/e1/accounts";
const page = (n: number) => ({ value: { items: [n], next: null }, bytes: 10 });

/** A shared store whose reads wait until released (a slow Redis answering with what it held when asked). */
function slowStore() {
  const data = new Map<string, unknown>();
  const held: Array<() => void> = [];
  let hold = false;
  const store = {
    async get(key: string) {
      const value = data.get(key);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      return value;
    },
    async set(key: string, value: unknown) {
      data.set(key, value);
      return true;
    },
    async delete(key: string) {
      return data.delete(key);
    },
    async clear() {
      data.clear();
    },
  };
  return { keyv: new Keyv({ store }), holdReads: (on: boolean) => (hold = on), release: () => held.splice(0).forEach((go) => go()) };
}

afterEach(() => vi.useRealTimers());

describe("page cache generations", () => {
  it("are re-read in the background before they expire: a cached page stays current past the generation TTL", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = createPageCache({ store: new Keyv(), ttlSeconds: 60, generationTtlMs: 1000 });
    const value = await cache.read(caller, SCOPE, HREF, async () => page(1));
    expect(cache.current(caller.key, SCOPE, HREF)).toBe(value);
    vi.setSystemTime(Date.now() + 900); // inside the last quarter: this lookup starts the refresh
    expect(cache.current(caller.key, SCOPE, HREF)).toBe(value);
    await new Promise((resolve) => setImmediate(resolve));
    vi.setSystemTime(Date.now() + 500); // past the first expiry
    expect(cache.current(caller.key, SCOPE, HREF)).toBe(value);
  });

  it("without traffic in the last quarter, an expired generation is not trusted (the next read asks the store)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = createPageCache({ store: new Keyv(), ttlSeconds: 60, generationTtlMs: 1000 });
    await cache.read(caller, SCOPE, HREF, async () => page(1));
    vi.setSystemTime(Date.now() + 1500);
    expect(cache.current(caller.key, SCOPE, HREF)).toBeUndefined();
  });

  it("a bump made while a generation read is out wins over what that read brings back", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const shared = slowStore();
    const cache = createPageCache({ store: shared.keyv, ttlSeconds: 60, generationTtlMs: 1000 });
    await cache.read(caller, SCOPE, HREF, async () => page(1));
    vi.setSystemTime(Date.now() + 1500); // the generation expired: the next read asks the store
    shared.holdReads(true);
    let loads = 0;
    const during = cache.read(caller, SCOPE, HREF, async () => page(10 + ++loads));
    await new Promise((resolve) => setImmediate(resolve));
    await cache.invalidate("c1", "e1", "accounts"); // a write's invalidation, while the store read is held
    shared.holdReads(false);
    shared.release();
    // The read that was out brought back the old generation; the bump must still hold: page 1 is never served again.
    expect(((await during) as { items: number[] }).items).toEqual([11]);
    const after = await cache.read(caller, SCOPE, HREF, async () => page(100 + ++loads));
    expect((after as { items: number[] }).items).toEqual([11]);
  });
});
