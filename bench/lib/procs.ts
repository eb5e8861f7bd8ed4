// Child processes for the bench: each server (emulator, proxy, gateway) runs in its own Node process,
// started as `node --import tsx <entry>` so the pid we watch is the process that serves (no tsx wrapper).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface Child<T> {
  readonly pid: number;
  readonly ready: T;
  /** Current resident set size, MiB (Linux /proc). */
  rssMiB(): number;
  /** Peak resident set size since start, MiB (VmHWM). */
  peakRssMiB(): number;
  /** CPU time (user + system) used so far, ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
/** Kills every child still running (on exit paths of the parent). */
export function killAll(): void {
  for (const proc of live) if (proc.exitCode === null) proc.kill("SIGKILL");
}
process.once("exit", killAll);

function procStatusKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[11] = utime, fields[12] = stime (0-based after the comm field)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

export interface SpawnOptions<T> {
  name: string;
  /** Entry relative to the repository root. */
  entry: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Working directory (tsx reads tsconfig.json from here). Default: the repository root. */
  cwd?: string;
  /** false = plain `node <entry>` (a built entry, as `npm run start:prod` runs it). Default: `--import tsx`. */
  tsx?: boolean;
  /** Returns the ready value when a stdout line shows the child is listening. */
  parseReady: (line: string) => T | undefined;
  timeoutMs?: number;
}

export function spawnChild<T>(options: SpawnOptions<T>): Promise<Child<T>> {
  const loader = options.tsx === false ? [] : ["--import", "tsx"];
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.entry], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(proc);
  const pid = proc.pid!;
  let stderr = "";
  proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => {
    live.delete(proc);
    resolve();
  }));
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => fail(new Error(`${options.name} did not start within ${options.timeoutMs ?? 30_000} ms\n${stderr}`)), options.timeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      proc.kill("SIGKILL");
      reject(error);
    };
    const onEarlyExit = (code: number | null) => fail(new Error(`${options.name} exited (${code}) before it was ready\n${stderr}`));
    proc.once("exit", onEarlyExit);
    proc.stdout!.setEncoding("utf8").on("data", function onData(chunk: string) {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const ready = options.parseReady(line);
        if (ready !== undefined) {
          clearTimeout(timer);
          proc.off("exit", onEarlyExit);
          // Keep draining stdout so a chatty child never blocks on a full pipe.
          proc.stdout!.off("data", onData).resume();
          // BENCH_CHILD_STDOUT=<dir>: keep what each child prints after it is ready (e.g. node's --trace-gc lines).
          if (process.env.BENCH_CHILD_STDOUT) proc.stdout!.pipe(createWriteStream(`${process.env.BENCH_CHILD_STDOUT}/${options.name}-${pid}.log`));
          resolve({
            pid,
            ready,
            rssMiB: () => procStatusKiB(pid, "VmRSS") / 1024,
            peakRssMiB: () => procStatusKiB(pid, "VmHWM") / 1024,
            cpuMs: () => procCpuMs(pid),
            async stop() {
              if (proc.exitCode !== null || proc.signalCode !== null) return;
              proc.kill("SIGTERM");
              const killer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
              await exited;
              clearTimeout(killer);
            },
          });
          return;
        }
      }
    });
  });
}

const readyJson = (line: string) => (line.startsWith("BENCH_READY ") ? JSON.parse(line.slice("BENCH_READY ".length)) : undefined);

export interface EmulatorReady {
  url: string;
  token: string;
  companyId: string;
  erpId: string;
  publicKeyPem: string;
  pageBytes: number;
  /** Every data center (primary first) and its base URL. */
  dataCenters: { name: string; url: string }[];
  /** The GLZ token host. */
  tokenUrl: string;
}

export function startEmulator(env: { pageBytes: number; privateKeyPem?: string; processingDelayMs?: number }): Promise<Child<EmulatorReady>> {
  return spawnChild<EmulatorReady>({
    name: "emulator",
    entry: "bench/children/emulator.ts",
    env: {
      BENCH_PAGE_BYTES: String(env.pageBytes),
      BENCH_PRIVATE_KEY_PEM: env.privateKeyPem ?? "",
      BENCH_PROCESSING_DELAY_MS: String(env.processingDelayMs ?? 50),
    },
    parseReady: readyJson,
  });
}

/** `upstream`: one base URL, or several (data centers): a request then names its upstream by index in `x-bench-upstream`. */
export function startProxy(upstream: string | string[]): Promise<Child<{ url: string }>> {
  return spawnChild<{ url: string }>({ name: "proxy", entry: "bench/children/proxy.ts", env: { BENCH_UPSTREAM: [upstream].flat().join(",") }, parseReady: readyJson });
}

/** How the floor answers: "plain" builds the answer by hand, "graphql" executes the query with graphql-jit. */
export type FloorMode = "plain" | "graphql";

/**
 * The floor of a distinct caller's read (`bench/children/floor.ts`): a hand-written server answering the bench's
 * accounts query from one upstream page with no caches or limits, without GraphQL ("plain") or behind graphql-jit
 * over a minimal schema ("graphql"). Its url is its POST endpoint.
 */
export function startFloor(upstream: string, mode: FloorMode = "plain"): Promise<Child<{ url: string; origin: string }>> {
  return spawnChild<{ url: string; origin: string }>({
    name: mode === "plain" ? "floor" : `floor-${mode}`,
    entry: "bench/children/floor.ts",
    env: { BENCH_UPSTREAM: upstream, BENCH_FLOOR_MODE: mode },
    parseReady: (line) => {
      const ready = readyJson(line) as { url: string } | undefined;
      return ready && { url: ready.url, origin: new URL(ready.url).origin };
    },
  });
}

/** Where `buildDist` builds the gateway (git-ignored). */
export const DIST = path.join(ROOT, ".tmp", "bench-dist");

/** `tsc -p tsconfig.build.json` into DIST, incrementally (type errors elsewhere in the tree do not stop the emit). */
export async function buildDist(): Promise<void> {
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const args = [tsc, "-p", "tsconfig.build.json", "--outDir", DIST, "--incremental", "--tsBuildInfoFile", path.join(DIST, ".tsbuildinfo")];
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout!.on("data", (c) => (output += c));
  proc.stderr!.on("data", (c) => (output += c));
  await new Promise((resolve) => proc.once("exit", resolve));
  // tsc exits 2 with errors but still emits; only a missing entry is fatal.
  if (!existsSync(path.join(DIST, "index.js"))) throw new Error(`the build emitted no ${DIST}/index.js:\n${output.slice(-2000)}`);
}

/**
 * How `startGateway` runs the gateway: "tsx" = `src/index.ts` under the tsx loader, as `npm start` runs it (the
 * default); "built" = DIST's `index.js` with plain node, as `npm run start:prod` runs a build (`npm run bench --
 * --gateway built` builds it first).
 */
export type GatewayBuild = "tsx" | "built";
let gatewayBuild: GatewayBuild = "tsx";
export const useGatewayBuild = (build: GatewayBuild) => void (gatewayBuild = build);
export const gatewayBuildInUse = () => gatewayBuild;

/** The real gateway (see {@link GatewayBuild}) pointed at the bench emulator. */
export function startGateway(upstream: string, env: Record<string, string> = {}, options: { heapProbe?: boolean; nodeArgs?: string[] } = {}): Promise<Child<{ url: string; origin: string }>> {
  const probe = options.heapProbe ? heapProbeSetup() : undefined;
  return spawnChild({
    name: "gateway",
    ...(gatewayBuild === "built" ? { entry: path.join(DIST, "index.js"), tsx: false } : { entry: "src/index.ts" }),
    env: { CONCUR_BASE_URL: upstream, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", NODE_ENV: "production", ...env, ...probe?.env },
    nodeArgs: [...(probe?.nodeArgs ?? []), ...(options.nodeArgs ?? [])],
    parseReady: gatewayUrl,
    // Three gateways start together in `reads`: under tsx on a loaded 2-core machine that took over 30 s.
    timeoutMs: 180_000,
  }).then((child) => {
    if (!probe) return child;
    const stop = child.stop;
    // The probe's file goes with the process.
    return Object.assign(child, { heapFile: probe.file, stop: () => stop().finally(() => rmSync(probe.file, { force: true })) });
  });
}

let heapFiles = 0;
function heapProbeSetup(): { env: Record<string, string>; nodeArgs: string[]; file: string } {
  const file = `${ROOT}.tmp/bench-heap-${process.pid}-${++heapFiles}.json`;
  mkdirSync(`${ROOT}.tmp`, { recursive: true });
  return { env: { BENCH_HEAP_FILE: file }, nodeArgs: ["--expose-gc", "--require", `${ROOT}bench/children/heap-probe.cjs`], file };
}

/** Memory in use after two full GCs (V8 heap used + external, which counts Buffers and sockets' buffers; MiB) of a child started with `heapProbe`. */
export async function heapAfterGcMiB(child: Child<unknown> & { heapFile?: string }): Promise<number> {
  if (!child.heapFile) throw new Error("heapAfterGcMiB: start the child with { heapProbe: true }");
  const read = () => {
    try {
      return JSON.parse(readFileSync(child.heapFile!, "utf8")) as { seq: number; heapUsed: number; external: number };
    } catch {
      return undefined;
    }
  };
  const before = read()?.seq ?? 0;
  process.kill(child.pid, "SIGUSR2");
  const until = Date.now() + 10_000;
  for (;;) {
    const now = read();
    if (now && now.seq > before) return (now.heapUsed + now.external) / 2 ** 20;
    if (Date.now() > until) throw new Error("heap probe did not answer within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The URL from the gateway's "GraphiQL: <url>" start-up line. */
export function gatewayUrl(line: string): { url: string; origin: string } | undefined {
  const match = /GraphiQL: (http:\/\/\S+\/graphql)/.exec(line);
  return match ? { url: match[1], origin: match[1].replace(/\/graphql$/, "") } : undefined;
}

/** Median of `count` RSS readings `everyMs` apart (MiB): one reading moves with allocator and GC timing. */
export async function medianRssMiB(child: Child<unknown>, count = 5, everyMs = 200): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, everyMs));
    readings.push(child.rssMiB());
  }
  readings.sort((a, b) => a - b);
  return readings[Math.floor(readings.length / 2)];
}

/** A private, throw-away redis-server on a free loopback port (no persistence), as test/helpers/redis.ts starts one. */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(proc);
  const exited = new Promise<void>((resolve) => proc.once("exit", () => {
    live.delete(proc);
    resolve();
  }));
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${output}`)), 10_000);
    proc.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not be started (is it installed?): ${error.message}`));
    });
    proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output = (output + chunk).slice(-4000);
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  proc.stdout!.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A process that keeps one core busy until stopped (bounded: it exits by itself after `maxMs`). */
export function startCpuHog(maxMs = 120_000): { stop(): void } {
  const proc = spawn(process.execPath, ["-e", `const end = Date.now() + ${maxMs}; while (Date.now() < end) {}`], { stdio: "ignore" });
  live.add(proc);
  proc.once("exit", () => live.delete(proc));
  return { stop: () => void proc.kill("SIGKILL") };
}
