/** Tracks every timer an emulator instance starts, so stop() can cancel them all. */
export class TimerSet {
  private readonly handles = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Schedules fn; returns undefined once the set is closed (the emulator is stopping). */
  set(fn: () => void, ms: number): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, Math.max(0, ms));
    this.handles.add(handle);
    return handle;
  }

  clear(handle: NodeJS.Timeout | undefined): void {
    if (!handle) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  /** Cancels everything pending; keeps accepting new timers (used by admin reset). */
  clearAll(): void {
    for (const h of this.handles) clearTimeout(h);
    this.handles.clear();
  }

  close(): void {
    this.clearAll();
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
