/** Calls per "<METHOD> <route template>" and status code, read by tests and benchmarks through the admin API. */
export class Counters {
  private counts = new Map<string, Map<number, number>>();

  record(method: string, template: string, status: number): void {
    const key = `${method} ${template}`;
    let byStatus = this.counts.get(key);
    if (!byStatus) {
      byStatus = new Map();
      this.counts.set(key, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  reset(): void {
    this.counts = new Map();
  }

  snapshot(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [key, byStatus] of this.counts) {
      out[key] = Object.fromEntries([...byStatus].map(([s, n]) => [String(s), n]));
    }
    return out;
  }
}
