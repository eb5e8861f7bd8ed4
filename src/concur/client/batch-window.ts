/** Options of {@link openBatchWindow}. */
export interface BatchWindowOptions {
  /** Quiet time that may close the window, ms. */
  windowMs: number;
  /** Longest the window stays open while writes keep arriving, ms. */
  maxWindowMs: number;
  /** Longest it stays open while `pendingArrivals()` says received writes are still on their way, ms. Default maxWindowMs. */
  maxHeldWindowMs?: number;
  /** Writes this process received that have not reached the queue yet (see services/write-arrivals.ts). Default none. */
  pendingArrivals?: () => number;
}

/** The first batching window of an idle queue: open now, closes by the rule below (or `close()`). */
export interface BatchWindow {
  /** Resolves when the window closes. */
  readonly closed: Promise<void>;
  /** A write joined the queue: restarts the quiet time. */
  arrived(): void;
  /** Closes at once (drain, or a full batch). */
  close(): void;
}

/**
 * Opens a batching window. Quiet for `windowMs` is not enough on a busy machine: the event loop may have been running
 * other requests' work while more writes sat unread in socket buffers, or were being parsed. So the window closes when
 *   no write arrived for `windowMs`, AND one more I/O poll of the event loop brought none (setImmediate runs after
 *   it), AND no write this process already received is still on its way to the queue,
 * or at the latest after `maxWindowMs` (`maxHeldWindowMs` while received writes are still on their way). The rule
 * counts the network's quiet, not the CPU's backlog, so how many calls a burst takes does not depend on load.
 */
export function openBatchWindow(options: BatchWindowOptions): BatchWindow {
  const { windowMs, maxWindowMs } = options;
  const maxHeldWindowMs = Math.max(maxWindowMs, options.maxHeldWindowMs ?? maxWindowMs);
  const pendingArrivals = options.pendingArrivals ?? (() => 0);
  const openedAt = Date.now();
  let arrivals = 0;
  let timer: NodeJS.Timeout | undefined;
  let resolve!: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  const close = () => {
    clearTimeout(timer);
    resolve();
  };
  const check = (seen: number) => {
    if (arrivals !== seen) return; // a newer arrival re-armed the timer
    const open = Date.now() - openedAt;
    if (pendingArrivals() > 0 && open < maxHeldWindowMs) {
      timer = setTimeout(() => setImmediate(() => check(seen)), Math.min(windowMs, maxHeldWindowMs - open));
      return;
    }
    close();
  };
  const arrived = () => {
    arrivals += 1;
    clearTimeout(timer);
    const open = Date.now() - openedAt;
    const limit = pendingArrivals() > 0 ? maxHeldWindowMs : maxWindowMs;
    if (open >= limit) return close();
    const seen = arrivals;
    timer = setTimeout(() => setImmediate(() => check(seen)), Math.min(windowMs, limit - open));
  };
  arrived();
  return { closed, arrived, close };
}
