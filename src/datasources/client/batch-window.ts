/** Options of {@link openBatchWindow}. */
export interface BatchWindowOptions {
  /** Quiet time that may close the window, ms. */
  windowMs: number;
  /** Longest the window stays open while writes keep arriving, ms (past it, writes the process can already read still join). */
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
 * or at the latest after `maxWindowMs` (`maxHeldWindowMs` while received writes are still on their way). Reaching
 * that cap does not cut a burst the process is still working through: on a busy machine the writes of one burst can
 * take longer than `maxWindowMs` of CPU to reach the queue although all of them were readable at once, so past the
 * cap the window closes at the first check phase that follows a full I/O poll which brought no write (and none still
 * on its way), bounded by `maxHeldWindowMs`. The rule counts the network's quiet, not the CPU's backlog, so how
 * many calls a burst takes does not depend on load.
 */
export function openBatchWindow(options: BatchWindowOptions): BatchWindow {
  const { windowMs, maxWindowMs } = options;
  const maxHeldWindowMs = Math.max(maxWindowMs, options.maxHeldWindowMs ?? maxWindowMs);
  const pendingArrivals = options.pendingArrivals ?? (() => 0);
  const openedAt = Date.now();
  let arrivals = 0;
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  let resolve!: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  const close = () => {
    done = true;
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
  // Past the cap: no more waiting for quiet time, but the backlog this process can already read still joins.
  // Closes in a check phase once the I/O poll since the previous one brought no write and none is on its way
  // (a steady stream of writes over the network leaves most polls empty; a burst in socket buffers does not).
  let settling = false;
  const settle = () => {
    settling = true;
    let seen = -1; // the first check only ends the current poll's callbacks: one full poll must follow
    const settled = () => {
      if (done) return;
      const open = Date.now() - openedAt;
      if (open >= maxHeldWindowMs) return close();
      if (arrivals !== seen) {
        seen = arrivals;
        setImmediate(settled); // the backlog is still coming in: poll again at once
      } else if (pendingArrivals() > 0) {
        // Received writes still being parsed: wait for them without spinning the loop.
        timer = setTimeout(() => setImmediate(settled), Math.min(windowMs, maxHeldWindowMs - open));
      } else {
        close();
      }
    };
    setImmediate(settled);
  };
  const arrived = () => {
    arrivals += 1;
    if (settling) return; // its next check sees this arrival
    clearTimeout(timer);
    const open = Date.now() - openedAt;
    const limit = pendingArrivals() > 0 ? maxHeldWindowMs : maxWindowMs;
    if (open >= limit) return settle();
    const seen = arrivals;
    timer = setTimeout(() => setImmediate(() => check(seen)), Math.min(windowMs, limit - open));
  };
  arrived();
  return { closed, arrived, close };
}
