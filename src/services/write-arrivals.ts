/**
 * Mutations this process has received that have not started executing yet (their bodies are read; they are being
 * parsed and validated). The write batchers keep their first window open for them: on a busy machine they can take
 * longer than the quiet window to reach the queue, and closing without them would cost a second PATCH a second
 * later. Counted from the HTTP edge to Apollo's `executionDidStart`: from there a resolver queues its writes within
 * the same chain of microtasks, before any window check (a timer) can run.
 */
export interface WriteArrivals {
  readonly pending: number;
  /** Counts one arriving mutation; the returned `done` (idempotent) says it started executing or it ended. */
  expect(): () => void;
}

export function createWriteArrivals(): WriteArrivals {
  let pending = 0;
  return {
    get pending() {
      return pending;
    },
    expect() {
      pending += 1;
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        pending -= 1;
      };
    },
  };
}

/** Whether a GraphQL request body is (most likely) a mutation: its document starts with `mutation`. */
export function looksLikeMutation(body: unknown): boolean {
  if (body === null || typeof body !== "object") return false;
  const query = (body as { query?: unknown }).query;
  return typeof query === "string" && /^\s*mutation\b/.test(query);
}
