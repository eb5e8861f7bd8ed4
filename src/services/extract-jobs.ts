// Following an extract job from Queued to Completed / Failed: one poll loop per job (shared by every subscriber of
// it, on this replica), backing off from EXTRACT_POLL_MIN_MS to EXTRACT_POLL_MAX_MS, ending as TIMED_OUT after
// EXTRACT_FOLLOW_TIMEOUT_MS. Polls publish on the EXTRACT_JOB topic; subscribers hear their company's channel only.
import { Repeater } from "@graphql-yoga/subscription";
import type { Caller, ExtractJobRecord, FilesApi } from "../datasources/index.js";
import type { GatewayPubSub } from "../subscriptions/index.js";
import type { ExtractJobPayload } from "../subscriptions/pubsub.js";
import type { Logger } from "../logger.js";

export interface ExtractJobFollowerOptions {
  files: FilesApi;
  pubsub: GatewayPubSub;
  logger: Logger;
  minIntervalMs: number;
  maxIntervalMs: number;
  timeoutMs: number;
  now?: () => number;
}

export interface JobRef {
  companyId: string;
  definitionId: string;
  jobId: string;
}

export interface ExtractJobFollower {
  /**
   * The job's current state first (read with the subscriber's own credentials: the tenant check), then every change
   * until a final state (COMPLETED, FAILED, TIMED_OUT), then the stream ends.
   */
  follow(caller: Caller, job: JobRef): Promise<AsyncIterable<ExtractJobPayload>>;
  /** Jobs being polled right now (tests, metrics). */
  watching(): number;
  close(): void;
}

const FINAL = new Set<ExtractJobPayload["state"]>(["COMPLETED", "FAILED", "TIMED_OUT"]);

export function toJobPayload(companyId: string, job: ExtractJobRecord): ExtractJobPayload {
  return {
    companyId,
    definitionId: job.definitionId,
    jobId: job.id,
    state: job.state,
    upstreamStatus: job.upstreamStatus,
    startTime: job.startTime,
    stopTime: job.stopTime,
    hasFile: job.hasFile,
    final: FINAL.has(job.state),
  };
}

interface Watch {
  callers: Map<number, Caller>;
  timer?: NodeJS.Timeout;
  interval: number;
  deadline: number;
  last?: ExtractJobPayload;
}

export function createExtractJobFollower(options: ExtractJobFollowerOptions): ExtractJobFollower {
  const { files, pubsub, logger } = options;
  const now = options.now ?? Date.now;
  const watches = new Map<string, Watch>();
  let nextSubscriber = 0;
  let closed = false;
  const keyOf = (job: JobRef) => `${job.companyId.toLowerCase()}|${job.definitionId}|${job.jobId}`;

  const end = (key: string) => {
    const watch = watches.get(key);
    if (!watch) return;
    clearTimeout(watch.timer);
    watches.delete(key);
  };

  const schedule = (key: string, job: JobRef, watch: Watch) => {
    if (closed) return;
    watch.timer = setTimeout(() => void poll(key, job, watch), Math.max(0, Math.min(watch.interval, watch.deadline - now())));
    watch.timer.unref?.();
  };

  async function poll(key: string, job: JobRef, watch: Watch): Promise<void> {
    if (watches.get(key) !== watch) return;
    if (now() >= watch.deadline) {
      const base = watch.last ?? { companyId: job.companyId, definitionId: job.definitionId, jobId: job.jobId, upstreamStatus: "", startTime: null, stopTime: null, hasFile: false };
      pubsub.publish("EXTRACT_JOB", { ...base, companyId: job.companyId, state: "TIMED_OUT", final: true });
      end(key);
      return;
    }
    const caller = [...watch.callers.values()].at(-1);
    if (caller) {
      try {
        const payload = toJobPayload(job.companyId, await files.getJobStatus(caller, job.companyId, job.definitionId, job.jobId));
        watch.last = payload;
        pubsub.publish("EXTRACT_JOB", payload);
        if (payload.final) {
          end(key);
          return;
        }
      } catch (error) {
        // Transient or not, the job keeps being followed until its deadline; the subscribers see TIMED_OUT then.
        logger.warn({ companyId: job.companyId, err: error }, "extract job status poll failed");
      }
    }
    watch.interval = Math.min(watch.interval * 2, options.maxIntervalMs);
    if (watches.get(key) === watch) schedule(key, job, watch);
  }

  function watchJob(job: JobRef, caller: Caller, initial: ExtractJobPayload): () => void {
    const key = keyOf(job);
    const id = nextSubscriber++;
    let watch = watches.get(key);
    if (!watch) {
      watch = { callers: new Map(), interval: options.minIntervalMs, deadline: now() + options.timeoutMs, last: initial };
      watches.set(key, watch);
      schedule(key, job, watch);
    }
    watch.callers.set(id, caller);
    const mine = watch;
    return () => {
      mine.callers.delete(id);
      if (mine.callers.size === 0 && watches.get(key) === mine) end(key);
    };
  }

  return {
    async follow(caller, job) {
      const initial = toJobPayload(job.companyId, await files.getJobStatus(caller, job.companyId, job.definitionId, job.jobId));
      if (initial.final) {
        return new Repeater<ExtractJobPayload>(async (push, stop) => {
          await push(initial);
          stop();
        });
      }
      const source = pubsub.subscribe("EXTRACT_JOB", job.companyId, (p) => p.definitionId === job.definitionId && p.jobId === job.jobId);
      const unwatch = watchJob(job, caller, initial);
      return new Repeater<ExtractJobPayload>(async (push, stop) => {
        void stop.then(() => {
          unwatch();
          void source.return();
        });
        let last = initial;
        await push(initial);
        for await (const payload of source) {
          // Polls repeat the same state; subscribers hear changes only.
          if (payload.state === last.state && payload.hasFile === last.hasFile && !payload.final) continue;
          last = payload;
          await push(payload);
          if (payload.final) break;
        }
        stop();
      });
    },
    watching: () => watches.size,
    close() {
      closed = true;
      for (const key of [...watches.keys()]) end(key);
    },
  };
}
