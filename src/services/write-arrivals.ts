/**
 * Mutations this process has received whose writes are not queued yet (still being parsed, validated, executed).
 * The write batcher keeps its first window open for them: on a busy machine they can take longer than the quiet
 * window to reach the queue, and closing without them would cost a second PATCH a second later.
 */
export interface WriteArrivals {
  readonly pending: number;
  /** Counts one arriving mutation; the returned `done` (idempotent) says its writes are queued or it ended. */
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
