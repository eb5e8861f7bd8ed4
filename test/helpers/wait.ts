// Condition waits for tests: poll until something is true, with a deadline and a message. No fixed sleeps.

/** Polls `condition` until it returns a truthy value or `timeoutMs` passes; no fixed sleeps in tests. */
export async function waitFor<T>(condition: () => T | Promise<T>, timeoutMs = 5_000, what = "condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `promise`'s value, or `onTimeout` when it has not settled within `timeoutMs` (the timer is cleared either way). */
export async function settleWithin<T, U>(promise: Promise<T>, timeoutMs: number, onTimeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<U>((resolve) => (timer = setTimeout(() => resolve(onTimeout), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Lets `ms` pass: only to space a test's own inputs in time (arrivals over a window), or to prove within a bounded
 * time that something does NOT happen. Never to wait for something: that is `waitFor`. Callers say why in a comment.
 */
export function elapse(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
