/** Exact percentiles (nearest rank) over every recorded sample; `sorted` must be ascending. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "-";
  return value.toFixed(digits);
}

/** A plain-text table whose output is also valid Markdown. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? ":" + "-".repeat(w + 1) : "-".repeat(w + 1) + ":")).join("|")}|`;
  return [line(headers), sep, ...rows.map(line)].join("\n");
}

/** One target next to what this run measured. `met` undefined = no pass/fail (a reference value). */
export interface TargetCheck {
  target: string;
  measured: string;
  met?: boolean;
  /** e.g. "0.83x the proxy" or "2.1x the bar". */
  ratio?: string;
}

/** The compact per-part summary: target, measured, met?/ratio. */
export function summary(checks: TargetCheck[]): string {
  return table(
    ["target", "measured (this run)", "met? / ratio"],
    checks.map((c) => [c.target, c.measured, [c.met === undefined ? "-" : c.met ? "yes" : "NO", c.ratio].filter(Boolean).join(", ")]),
  );
}
