// Progress per phase: cli-progress bars on a terminal, plain periodic lines otherwise (logs, CI, pipes).
import cliProgress from "cli-progress";

/** The phases of a sync, in order. */
export type Phase = "read input" | "read Concur" | "compare" | "send" | "wait";

export interface Progress {
  /** Starts a phase with its total (0 when unknown). */
  start(phase: Phase, total: number): void;
  update(phase: Phase, done: number, total?: number): void;
  /** Ends a phase (a final line / a full bar). */
  finish(phase: Phase, note?: string): void;
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Bars (true) or lines (false). */
  tty: boolean;
  /** Where lines go (stderr); bars write to `stream`. */
  write: (text: string) => void;
  stream?: NodeJS.WritableStream;
  /** Least time between two plain lines of one phase, ms. Default 1000. */
  intervalMs?: number;
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  if (options.tty) {
    const multi = new cliProgress.MultiBar(
      { stream: options.stream, format: " {phase} |{bar}| {value}/{total} {note}", hideCursor: true, clearOnComplete: false, stopOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<Phase, cliProgress.SingleBar>();
    return {
      start(phase, total) {
        bars.set(phase, multi.create(Math.max(total, 1), 0, { phase: phase.padEnd(11), note: "" }));
      },
      update(phase, done, total) {
        const bar = bars.get(phase);
        if (total !== undefined) bar?.setTotal(Math.max(total, 1));
        bar?.update(done);
      },
      finish(phase, note = "") {
        const bar = bars.get(phase);
        bar?.update(bar.getTotal(), { note });
      },
      stop: () => multi.stop(),
    };
  }
  const interval = options.intervalMs ?? 1000;
  const state = new Map<Phase, { total: number; started: number; last: number }>();
  const line = (phase: Phase, done: number, total: number, note = "") =>
    options.write(`[sync] ${phase}: ${done}${total > 0 ? `/${total}` : ""}${note ? ` ${note}` : ""}\n`);
  return {
    start(phase, total) {
      state.set(phase, { total, started: now(), last: now() });
      line(phase, 0, total, "started");
    },
    update(phase, done, total) {
      const s = state.get(phase);
      if (!s) return;
      if (total !== undefined) s.total = total;
      if (now() - s.last < interval) return;
      s.last = now();
      line(phase, done, s.total);
    },
    finish(phase, note) {
      const s = state.get(phase);
      if (!s) return;
      options.write(`[sync] ${phase}: done in ${((now() - s.started) / 1000).toFixed(1)} s${note ? `, ${note}` : ""}\n`);
    },
    stop() {},
  };
}
