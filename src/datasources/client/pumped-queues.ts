import type { Logger } from "../../logger.js";

/** One batching key's FIFO of waiting writes, emptied by one pump at a time. */
export interface PumpedQueue<E> {
  readonly key: string;
  readonly entries: E[];
  running?: Promise<void>;
  /** Set by the pump while its batching window is open: a write joined the queue. */
  arrived?: () => void;
  /** Set by the pump while its batching window is open: close it now (drain). */
  wake?: () => void;
}

export interface PumpedQueues<E, Q extends PumpedQueue<E>> {
  /** Adds `entry` to the key's queue (made by `create` when absent); starts its pump, or tells its open window. */
  push(key: string, create: () => Q, entry: E): void;
  /** Wakes every open window and waits until every queue is empty. */
  drain(): Promise<void>;
  /** Sum of `size` over the queues (writes waiting or in flight). */
  count(size: (queue: Q) => number): number;
}

/**
 * The shape every write batcher shares: per key a plain FIFO and one pump (`pump` opens the batching window, then
 * sends until the queue is empty); a pump that ends with entries left (they arrived during its last call) starts
 * again, and an emptied queue is forgotten. A pump that throws is a bug: its waiting callers get the error rather
 * than hanging.
 */
export function createPumpedQueues<E extends { reject(error: unknown): void }, Q extends PumpedQueue<E>>(options: {
  pump(queue: Q): Promise<void>;
  /** For the log line of a failed pump. */
  name: string;
  logger?: Logger;
}): PumpedQueues<E, Q> {
  const queues = new Map<string, Q>();

  function start(queue: Q): void {
    queue.running = options
      .pump(queue)
      .catch((error: unknown) => {
        options.logger?.error({ err: error, key: queue.key }, `${options.name} pump failed`);
        for (const entry of queue.entries.splice(0)) entry.reject(error);
      })
      .finally(() => {
        queue.running = undefined;
        queue.wake = queue.arrived = undefined;
        if (queue.entries.length > 0) start(queue);
        else queues.delete(queue.key);
      });
  }

  return {
    push(key, create, entry) {
      let queue = queues.get(key);
      if (!queue) {
        queue = create();
        queues.set(key, queue);
      }
      queue.entries.push(entry);
      if (!queue.running) start(queue);
      else queue.arrived?.();
    },
    async drain() {
      for (;;) {
        const running = [...queues.values()].map((queue) => {
          queue.wake?.();
          return queue.running;
        });
        if (running.length === 0) return;
        await Promise.all(running);
      }
    },
    count(size) {
      let n = 0;
      for (const queue of queues.values()) n += size(queue);
      return n;
    },
  };
}
