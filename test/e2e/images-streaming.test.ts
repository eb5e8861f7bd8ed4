// A 9 MiB receipt image streamed through the built gateway running as its own process (node dist/index.js, in front of
// an emulator in the test process, passthrough mode), read by deliberately slow clients. What is measured: the gateway
// process's peak RSS (VmHWM, reset through /proc/<pid>/clear_refs just before a download; else RSS sampled every
// 5 ms) minus its RSS just before.
//
// What the first large download on a fresh process used to show (27-37 MiB) was not the image: V8 tiering undici's
// HTTP parser (llhttp, WebAssembly) up to TurboFan once it has parsed enough responses, a one-off background compile
// whose zone peaks at ~29 MB (node --trace-wasm-compilation-times: "Compiled function #20 using TurboFan, took 578 ms
// and 29441608 / 42590720 max/total bytes"), then freed. It happens after a few small upstream responses just the
// same (a 0.1 MB image shows the same spike; an idle gateway shows none; --liftoff-only removes it). So the gateway is
// warmed with tiny requests (the report PDF, a few KB) until that compile has run and RSS is quiet again; nothing large
// is downloaded before the measured 9 MiB one. What remains per download is the socket read buffers the bytes arrived
// in (one per read, the body chunks are views of them): garbage once written, freed at the next GC (a full GC brings
// arrayBuffers back from +9.2 MiB to +0), about the image's size when no GC runs during the download.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { request } from "undici";
import { beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { BUILT_ENTRY, ensureBuilt } from "../helpers/built-gateway.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { REPO_ROOT } from "../helpers/cli.js";
import { waitFor } from "../helpers/wait.js";

const MiB = 1024 * 1024;
const IMAGE_BYTES = 9 * MiB;
/** V8's line for a WebAssembly function compiled by its optimizing tier (printed by --trace-wasm-compilation-times). */
const TURBOFAN_LINE = /^Compiled function \S+ using TurboFan, took (\d+) ms and (\d+) \/ (\d+) max\/total bytes/m;

let emulator: RunningEmulator;
let gateway: { pid: number; origin: string; stdout: () => string };
let companyId: string;
let token: string;

/** kB fields of /proc/<pid>/status, as bytes. */
function procStatus(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Waits until the gateway's RSS has moved less than 0.5 MiB over the last second (sampled every 100 ms). */
async function rssQuiet(pid: number): Promise<number> {
  const samples: number[] = [];
  return waitFor(
    async () => {
      await delay(100);
      samples.push(procStatus(pid, "VmRSS"));
      const last = samples.slice(-11);
      return last.length === 11 && Math.max(...last) - Math.min(...last) < 0.5 * MiB ? last.at(-1) : undefined;
    },
    60_000,
    "the gateway's RSS to settle",
  );
}

beforeAll(async () => {
  ensureBuilt();
  emulator = await createEmulator({ seed: "demo" });
  registerCleanup("the images emulator", () => emulator.stop());
  companyId = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de";
  token = emulator.issueToken(companyId);
  // --trace-wasm-compilation-times only prints (on stdout, beside the JSON log lines): the warm-up waits on its line.
  const child = spawn(process.execPath, ["--trace-wasm-compilation-times", BUILT_ENTRY], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", LOG_FORMAT: "json", LOG_LEVEL: "info", CONCUR_BASE_URL: emulator.url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  registerCleanup(`the gateway process ${child.pid}`, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  });
  const ready = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}):\n${out}\n${err}`);
      const records = out.split("\n").slice(0, -1).filter((line) => line.startsWith("{"));
      return records.map((line) => JSON.parse(line) as Record<string, any>).find((r) => typeof r.graphiql === "string");
    },
    90_000,
    "the gateway's ready record",
  );
  gateway = { pid: child.pid!, origin: new URL(ready.graphiql).origin, stdout: () => out };
}, 180_000);

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await request(`${emulator.url}/_emulator${path}`, { method: method as "GET", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  return text ? JSON.parse(text) : undefined;
};

async function imageUrl(of: string, id: string): Promise<{ url: string; size: number; contentType: string }> {
  const res = await request(new URL("/graphql", gateway.origin), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `query($c: ID!, $of: ImageSubjectKind!, $id: ID!) { financialImage(companyId: $c, of: $of, id: $id) { size contentType download { url } } }`, variables: { c: companyId, of, id } }),
  });
  const body = (await res.body.json()) as any;
  expect(body.errors).toBeUndefined();
  return { url: body.data.financialImage.download.url, size: body.data.financialImage.size, contentType: body.data.financialImage.contentType };
}

describe("a 9 MiB image through the built gateway process", () => {
  it("streams with backpressure: peak RSS growth under 20 MiB for the first 9 MiB download the process serves, under 35 MiB for five at once", async () => {
    const { ids } = await admin("POST", `/fis/companies/${companyId}/documents`, { docType: "expense", count: 1, events: false });
    const doc = (await admin("GET", `/fis/documents/${ids[0]}`)).document;
    const receiptId: string = doc.expenseEntry[0].entryReceiptId;
    await admin("PUT", `/images/companies/${companyId}/receipt/${receiptId}`, { contentType: "image/png", sizeBytes: IMAGE_BYTES });
    const emulatorCopy = await request(`${emulator.url}/_emulator/images/companies/${companyId}/receipt/${receiptId}`);
    const expectedHash = createHash("sha256").update(Buffer.from(await emulatorCopy.body.arrayBuffer())).digest("hex");

    // Warm-up with tiny requests only (the report PDF: a few KB) until V8 has tiered up undici's HTTP parser (at most
    // 200 rounds: a Node that prints no such line is measured after them), then until RSS is quiet.
    const small = await imageUrl("REPORT", doc.report.reportId);
    expect(small.size).toBeLessThan(64 * 1024);
    let rounds = 0;
    while (!TURBOFAN_LINE.test(gateway.stdout()) && rounds < 200) {
      rounds += 1;
      const res = await request(small.url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      await res.body.arrayBuffer();
      await imageUrl("REPORT", doc.report.reportId);
    }
    const compiled = TURBOFAN_LINE.exec(gateway.stdout());
    console.log(
      `[images-streaming] warm-up: ${rounds} tiny downloads; ${compiled ? `V8 tiered up a WebAssembly function (undici's llhttp) in ${compiled[1]} ms, zone peak ${(Number(compiled[2]) / MiB).toFixed(1)} MiB` : "no TurboFan line seen"}`,
    );

    const big = await imageUrl("EXPENSE_ENTRY", receiptId);
    expect(big).toMatchObject({ size: IMAGE_BYTES, contentType: "image/png" });
    await rssQuiet(gateway.pid);

    /** One slow download: 10 ms pause per 256 KiB read (~25 MB/s); checks every byte. */
    const slowDownload = async () => {
      const res = await request(big.url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("image/png");
      const hash = createHash("sha256");
      let received = 0;
      let sinceBreath = 0;
      for await (const chunk of res.body) {
        hash.update(chunk as Buffer);
        received += (chunk as Buffer).length;
        sinceBreath += (chunk as Buffer).length;
        if (sinceBreath >= 256 * 1024) {
          sinceBreath = 0;
          await delay(10);
        }
      }
      expect(received).toBe(IMAGE_BYTES);
      expect(hash.digest("hex")).toBe(expectedHash);
    };

    /** Peak RSS growth of the gateway process while `run` runs. */
    const measure = async (label: string, run: () => Promise<unknown>): Promise<number> => {
      let resetPeak = true;
      try {
        writeFileSync(`/proc/${gateway.pid}/clear_refs`, "5"); // resets VmHWM to the current RSS
      } catch {
        resetPeak = false;
      }
      const before = procStatus(gateway.pid, "VmRSS");
      let sampledPeak = before;
      const sampler = setInterval(() => {
        sampledPeak = Math.max(sampledPeak, procStatus(gateway.pid, "VmRSS"));
      }, 5);
      try {
        await run();
      } finally {
        clearInterval(sampler);
      }
      const after = procStatus(gateway.pid, "VmRSS");
      const peak = resetPeak ? Math.max(procStatus(gateway.pid, "VmHWM"), sampledPeak) : sampledPeak;
      console.log(
        `[images-streaming] ${label}: gateway pid ${gateway.pid} RSS before ${(before / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB (${resetPeak ? "VmHWM after clear_refs" : "sampled every 5 ms"}), after ${(after / MiB).toFixed(1)} MiB: growth ${((peak - before) / MiB).toFixed(1)} MiB`,
      );
      return peak - before;
    };

    // The issue's bound, on the first large download this process serves.
    expect(await measure("first 9 MiB download", slowDownload)).toBeLessThan(20 * MiB);
    await rssQuiet(gateway.pid);
    // Five at once: 45 MiB of images. Held rather than streamed they alone would add 45 MiB; the bound leaves room for
    // the read buffers not yet collected (see the top of this file).
    expect(await measure("five concurrent 9 MiB downloads", () => Promise.all([0, 1, 2, 3, 4].map(() => slowDownload())))).toBeLessThan(35 * MiB);
  }, 240_000);
});
