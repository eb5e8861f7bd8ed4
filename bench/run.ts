// `npm run bench [-- --only reads|writes|subs] [--quick]`: prints tables; no pass/fail thresholds.
// Every server runs in its own child process on 127.0.0.1; this process only generates load and measures.
import os from "node:os";
import { killAll } from "./lib/procs.js";
import { runReads } from "./reads.js";
import { runSubs } from "./subs.js";
import { runWrites } from "./writes.js";

type Part = "reads" | "writes" | "subs" | "limits" | "sync";
const PARTS: Part[] = ["reads", "subs", "writes", "limits", "sync"];

function parseArgs(argv: string[]): { only?: Part; quick: boolean } {
  let only: Part | undefined;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg.includes("=") ? arg.slice("--only=".length) : argv[++i];
      if (!PARTS.includes(value as Part)) usage(`--only expects one of ${PARTS.join(", ")}, got ${JSON.stringify(value)}`);
      only = value as Part;
    } else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown argument ${JSON.stringify(arg)}`);
  }
  return { only, quick };
}

function usage(error?: string): never {
  if (error) console.error(error);
  console.error("usage: npm run bench -- [--only reads|writes|subs|limits] [--quick]");
  process.exit(error ? 2 : 0);
}

async function main(): Promise<void> {
  const { only, quick } = parseArgs(process.argv.slice(2));
  const cpus = os.cpus();
  console.log(`concur-graph bench${quick ? " (--quick smoke run: numbers are not comparable to a full run)" : ""}`);
  console.log(`node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? "?"}, ${fmtGiB(os.totalmem())} GiB RAM, ${os.platform()} ${os.release()}`);
  console.log(`started ${new Date().toISOString()}`);
  for (const part of PARTS) {
    if (only && only !== part) continue;
    const t0 = Date.now();
    console.log(`\n## ${part}\n`);
    const text = part === "reads" ? await runReads({ quick }) : part === "subs" ? await runSubs({ quick }) : part === "limits" ? await (await import("./limits.js")).runLimits({ quick }) : part === "sync" ? await (await import("./sync.js")).runSync({ quick }) : await runWrites({ quick });
    console.log(text);
    console.log(`(${part}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

const fmtGiB = (bytes: number) => (bytes / 2 ** 30).toFixed(1);

const interrupt = () => {
  killAll();
  process.exit(130);
};
process.once("SIGINT", interrupt);
process.once("SIGTERM", interrupt);

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error("bench failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    killAll();
    process.exit(1);
  },
);
