import { access, constants } from "node:fs/promises";
// `concur-graph sync`: the command's options, the embedded stack for a local try, Ctrl+C, exit codes.
import { Option, type Command } from "commander";
import { badInput } from "../../errors.js";
import { createGatewayClient } from "./gateway-client.js";
import { parseColumnMapping } from "./input.js";
import { createProgress } from "./progress.js";
import { summary, writeReport } from "./report.js";
import { runSync } from "./run.js";
import { INVOICE_SYNC_TYPES, SYNC_TYPES, type InvoiceSyncType, type SyncType } from "./types.js";
import { createInvoiceVendorClient, invoiceColumnMapping, runInvoiceVendorSync } from "./invoice-vendors.js";
import { createPurchaseOrderSyncClient, runPurchaseOrderSync } from "./invoice-purchase-orders.js";
import { createReceiptSyncClient, runReceiptSync } from "./invoice-receipts.js";

/** Exit code after Ctrl+C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

/** What the sync command takes from the CLI around it. */
export interface SyncCommandContext {
  out(text: string): void;
  err(text: string): void;
  /** `CONCUR_GRAPH_TOKEN`, read by the CLI's one environment reader. */
  token?: string;
  /** Sets the process's exit code. */
  setCode(code: number): void;
  /** Whether stderr is a terminal (progress bars) — default `process.stderr.isTTY`. */
  tty?: boolean;
}

interface SyncCliOptions {
  type: SyncType | InvoiceSyncType;
  input: string;
  company?: string;
  erp?: string;
  url?: string;
  embedded?: boolean;
  token?: string;
  columns?: string;
  delete?: boolean;
  replace?: boolean;
  dryRun?: boolean;
  report?: string;
  chunkSize?: string;
  inFlightBytes?: string;
}

/** Adds `sync` to the program. */
export function registerSyncCommand(program: Command, context: SyncCommandContext): void {
  program
    .command("sync")
    .description("Make Concur's ERP master data equal to an export file (CSV or JSON Lines): sends only what changed, waits for Concur, writes a report")
    .addOption(new Option("--type <type>", "object type (invoiceVendors, purchaseOrders, receipts: Concur Invoice, no --erp)").choices([...SYNC_TYPES, ...INVOICE_SYNC_TYPES]).makeOptionMandatory())
    .requiredOption("--input <file>", "the export: .csv with a header row, or .jsonl (one GraphQL input object per line)")
    .option("--company <id>", "Concur company UUID (--embedded: the demo company)")
    .option("--erp <id>", "ERP integration UUID (--embedded: the demo ERP)")
    .option("--url <url>", "the gateway's /graphql URL")
    .option("--embedded", "start the embedded demo stack (emulator + gateway) in this process, for a local try")
    .option("--token <bearer>", "gateway API key or Concur token (env CONCUR_GRAPH_TOKEN; prefer the env: arguments show in ps)")
    .option("--columns <mapping>", "CSV header -> field: Header=field,… or a file of such lines (or a JSON object)")
    .option("--delete", "also delete records Concur holds that the export lacks")
    .option("--replace", "replace everything (replaceAll: Concur deletes all, then loads the export)")
    .option("--dry-run", "print the plan (counts and the first differences) and write nothing")
    .option("--report <dir>", "where report.json and rejected.csv go (default ./sync-report-<type>-<time>)")
    .addOption(new Option("--chunk-size <n>", "records per mutation (default 1000)").hideHelp())
    .addOption(new Option("--in-flight-bytes <n>", "bytes of mutations in flight at once (default 12 MiB)").hideHelp())
    .action(async (options: SyncCliOptions) => {
      context.setCode(await sync(options, context));
    });
}

async function sync(options: SyncCliOptions, context: SyncCommandContext): Promise<number> {
  if (options.delete && options.replace) throw badInput("--delete and --replace exclude each other (--replace already removes what the export lacks)");
  if (Boolean(options.url) === Boolean(options.embedded)) throw badInput("give the gateway with --url <…/graphql>, or --embedded for the local demo stack (one of them)");
  if (options.type === "taxData" && options.delete) throw badInput("taxData has no per-record delete: use --replace to set the full tax data");
  const chunkRecords = options.chunkSize === undefined ? undefined : Number(options.chunkSize);
  if (chunkRecords !== undefined && !(Number.isInteger(chunkRecords) && chunkRecords >= 1 && chunkRecords <= 5000)) throw badInput("--chunk-size: an integer from 1 to 5000");
  const inFlightBytes = options.inFlightBytes === undefined ? undefined : Number(options.inFlightBytes);
  if (inFlightBytes !== undefined && !(Number.isInteger(inFlightBytes) && inFlightBytes >= 1)) throw badInput("--in-flight-bytes: a positive integer");
  const invoice = (INVOICE_SYNC_TYPES as readonly string[]).includes(options.type);
  const columns = invoice ? invoiceColumnMapping(options.columns) : await parseColumnMapping(options.columns, options.type as SyncType);

  // The export must be readable before anything starts (an --embedded stack takes seconds to boot).
  try {
    await access(options.input, constants.R_OK);
  } catch (error) {
    throw badInput(`--input ${options.input}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }

  let url = options.url;
  let token = options.token ?? context.token;
  let companyId = options.company;
  let erpId = options.erp;
  let stopStack: (() => Promise<void>) | undefined;
  if (options.embedded) {
    // Loaded only here: a sync against a deployment does not load the emulator.
    const [{ startEmbeddedStack }, { loadConfig }] = await Promise.all([import("../../embedded.js"), import("../../config.js")]);
    const stack = await startEmbeddedStack({ config: loadConfig({ PORT: "0", LOG_LEVEL: "silent", CONCUR_AUTH_MODE: "passthrough" }), emulator: { port: 0, seed: "demo" } });
    stopStack = () => stack.stop();
    url = stack.gateway.url;
    token ??= stack.demo.token;
    companyId ??= stack.demo.companyId;
    erpId ??= stack.demo.erpId;
    context.err(`[sync] embedded stack: gateway ${url}, demo company ${companyId}, ERP ${erpId}\n`);
  }
  try {
    if (!token) throw badInput("no token: pass --token or set CONCUR_GRAPH_TOKEN (a gateway API key with role write, or a Concur company token in passthrough mode)");
    if (!companyId || (!erpId && !invoice)) throw badInput("--company and --erp are required (the Concur company UUID and the ERP integration UUID)");

    const stop = new AbortController();
    const onSigint = () => {
      if (stop.signal.aborted) {
        context.err("[sync] second Ctrl+C: exiting without waiting\n");
        process.exit(EXIT_INTERRUPTED);
      }
      context.err("[sync] Ctrl+C: no new chunk is sent; waiting for the requests already sent (Ctrl+C again to quit now)\n");
      stop.abort();
    };
    process.on("SIGINT", onSigint);
    if (invoice && options.replace) throw badInput(`--replace is not offered for ${options.type} (Concur has no replace-all)`);
    if (options.type === "purchaseOrders" && options.delete) throw badInput("--delete is not offered for purchaseOrders: Concur has no PO delete; send status CLOSED");
    const client = options.type === "receipts" ? createReceiptSyncClient({ url: url!, token, companyId }) : options.type === "purchaseOrders" ? createPurchaseOrderSyncClient({ url: url!, token, companyId }) : invoice ? createInvoiceVendorClient({ url: url!, token, companyId }) : createGatewayClient({ url: url!, token, companyId, erpId: erpId! });
    const progress = createProgress({ tty: context.tty ?? Boolean(process.stderr.isTTY), write: context.err, stream: process.stderr });
    try {
      const report = options.type === "receipts"
        ? await runReceiptSync({ input: options.input, companyId, delete: options.delete, dryRun: options.dryRun }, { client: client as ReturnType<typeof createReceiptSyncClient>, progress, stop: stop.signal })
        : options.type === "purchaseOrders"
        ? await runPurchaseOrderSync({ input: options.input, companyId, dryRun: options.dryRun }, { client: client as ReturnType<typeof createPurchaseOrderSyncClient>, progress, stop: stop.signal })
        : invoice
        ? await runInvoiceVendorSync({ input: options.input, companyId, columns, delete: options.delete, dryRun: options.dryRun, chunkRecords }, { client: client as ReturnType<typeof createInvoiceVendorClient>, progress, stop: stop.signal })
        : await runSync({ type: options.type as SyncType, input: options.input, companyId, erpId: erpId!, columns, delete: options.delete, replace: options.replace, dryRun: options.dryRun, chunkRecords, inFlightBytes }, { client: client as ReturnType<typeof createGatewayClient>, progress, stop: stop.signal });
      progress.stop();
      context.out(summary(report));
      if (report.dryRun) {
        for (const change of report.sample) {
          const fields = change.fields ? ` ${Object.entries(change.fields).map(([f, [a, b]]) => `${f}: ${JSON.stringify(a) ?? "(absent)"} -> ${JSON.stringify(b) ?? "(absent)"}`).join(", ")}` : "";
          context.out(`  ${change.kind} ${change.key}${change.line ? ` (line ${change.line})` : ""}${fields}\n`);
        }
      }
      const dir = options.report ?? `sync-report-${options.type}-${report.startedAt.replace(/[:.]/g, "-")}`;
      const paths = await writeReport(dir, report);
      context.out(`  report: ${paths.json}, rejected records: ${paths.csv}\n`);
      if (report.counts.rejected > 0) context.err(`[sync] ${report.counts.rejected} record(s) rejected: see ${paths.csv}\n`);
      if (report.interrupted || stop.signal.aborted) return EXIT_INTERRUPTED;
      return report.counts.rejected > 0 ? 1 : 0;
    } finally {
      progress.stop();
      process.off("SIGINT", onSigint);
      await client.close();
    }
  } finally {
    await stopStack?.();
  }
}
