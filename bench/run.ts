// `npm run bench [-- --only <part>] [--quick]`: prints tables and, per part, a summary of its targets.
// No pass/fail exit code. Every server runs in its own child process on 127.0.0.1; this process only generates load and measures.
import os from "node:os";
import { CALLER_FORMS, type CallerForm } from "./lib/distinct.js";
import { buildDist, killAll, useGatewayBuild, type GatewayBuild } from "./lib/procs.js";

interface Options {
  quick: boolean;
  /** Caller forms of the reads and bigpage rows (default both). */
  forms: readonly CallerForm[];
}

const PARTS = {
  idle: async (o: Options) => (await import("./idle.js")).runIdle(o),
  reads: async (o: Options) => (await import("./reads.js")).runReads(o),
  bigpage: async (o: Options) => (await import("./bigpage.js")).runBigPage(o),
  subs: async (o: Options) => (await import("./subs.js")).runSubs(o),
  writes: async (o: Options) => (await import("./writes.js")).runWrites(o),
  listwrites: async (o: Options) => (await import("./list-writes.js")).runListWrites(o),
  limits: async (o: Options) => (await import("./limits.js")).runLimits(o),
  sync: async (o: Options) => (await import("./sync.js")).runSync(o),
  invoicesync: async (o: Options) => (await import("./invoice-sync.js")).runInvoiceSync(o),
  scale: async (o: Options) => (await import("./scale.js")).runScale(o),
  tokens: async (o: Options) => (await import("./tokens.js")).runTokens(o),
} satisfies Record<string, (o: Options) => Promise<string>>;
type Part = keyof typeof PARTS;
/** Parts run only when named with --only (each takes minutes of its own). */
const OPT_IN: Part[] = ["scale"];
const NAMES = Object.keys(PARTS) as Part[];

function parseArgs(argv: string[]): { only?: Part[]; quick: boolean; forms: readonly CallerForm[]; gateway: GatewayBuild } {
  let only: Part[] | undefined;
  let quick = false;
  let gateway: GatewayBuild = "tsx";
  let forms: readonly CallerForm[] = CALLER_FORMS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg.includes("=") ? arg.slice("--only=".length) : argv[++i];
      // --only reads,bigpage runs several parts, in the usual order.
      const parts = (value ?? "").split(",");
      for (const part of parts) if (!NAMES.includes(part as Part)) usage(`--only expects one or more (comma-separated) of ${NAMES.join(", ")}, got ${JSON.stringify(value)}`);
      only = [...(only ?? []), ...(parts as Part[])];
    } else if (arg === "--forms" || arg.startsWith("--forms=")) {
      // --forms distinct: only the distinct-caller rows of reads and bigpage (each still beside its own proxy row).
      const value = arg.includes("=") ? arg.slice("--forms=".length) : argv[++i];
      const named = (value ?? "").split(",");
      for (const form of named) if (!CALLER_FORMS.includes(form as CallerForm)) usage(`--forms expects one or more (comma-separated) of ${CALLER_FORMS.join(", ")}, got ${JSON.stringify(value)}`);
      forms = CALLER_FORMS.filter((form) => named.includes(form));
    } else if (arg === "--gateway" || arg.startsWith("--gateway=")) {
      // --gateway built: the gateway rows run a build (tsc into .tmp/bench-dist) as `npm run start:prod` runs it.
      const value = arg.includes("=") ? arg.slice("--gateway=".length) : argv[++i];
      if (value !== "tsx" && value !== "built") usage(`--gateway expects tsx or built, got ${JSON.stringify(value)}`);
      gateway = value;
    } else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown argument ${JSON.stringify(arg)}`);
  }
  return { only, quick, forms, gateway };
}

function usage(error?: string): never {
  if (error) console.error(error);
  console.error(`usage: npm run bench -- [--only ${NAMES.join("|")}[,…]] [--forms ${CALLER_FORMS.join("|")}[,…]] [--gateway tsx|built] [--quick]`);
  console.error("  full run ~15 min; --quick ~2 min (a smoke run: its numbers are not comparable)");
  process.exit(error ? 2 : 0);
}

async function main(): Promise<void> {
  const { only, quick, forms, gateway } = parseArgs(process.argv.slice(2));
  if (gateway === "built") {
    await buildDist();
    useGatewayBuild("built");
  }
  const cpus = os.cpus();
  console.log(`concur-graph bench${quick ? " (--quick smoke run: numbers are not comparable to a full run)" : ""}${forms.length < CALLER_FORMS.length ? ` (reads and bigpage: ${forms.join(", ")} callers only)` : ""}`);
  console.log(`node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? "?"}, ${fmtGiB(os.totalmem())} GiB RAM, ${os.platform()} ${os.release()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`gateway: ${gateway === "built" ? "built (node .tmp/bench-dist/index.js, as npm run start:prod runs a build)" : "src/index.ts under tsx (as npm start runs it)"}; started ${new Date().toISOString()}`);
  const started = Date.now();
  for (const part of NAMES) {
    if (only ? !only.includes(part) : OPT_IN.includes(part)) continue;
    const t0 = Date.now();
    console.log(`\n## ${part}\n`);
    console.log(await PARTS[part]({ quick, forms }));
    console.log(`(${part}: ${((Date.now() - t0) / 1000).toFixed(1)} s, load average ${os.loadavg()[0].toFixed(2)})`);
  }
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
