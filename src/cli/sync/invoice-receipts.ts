// `concur-graph sync --type receipts`: JSON Lines of ConcurGoodsReceiptInput (one goods receipt per line) made equal to
// Concur Invoice through the gateway. "Read Concur" reads the receipts of each PO the export names (one call per PO);
// new receipts are created, changed ones replaced, and with --delete the receipts of those POs the export lacks are
// deleted (a receipt matched to an invoice is refused by Concur and reported as such). One Concur call per receipt.
import { validateGoodsReceipt } from "../../datasources/index.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { checkJsonLinesInput, compareWithHeld, createGatewayPoster, onlyFieldsOf, readJsonLines, writeRefusal, type GatewayAnswer } from "./invoice-common.js";
import { normalisePurchaseOrder } from "./invoice-purchase-orders.js";
import type { Progress } from "./progress.js";
import type { SyncCounts, SyncReport } from "./report.js";
import type { InputRecord, SourceRecord } from "./types.js";

const FIELDS = "purchaseOrderNumber lineItemExternalId goodsReceiptNumber receivedQuantity receivedDate unitOfMeasureCode deliverySlipNumber customFields { number value }";
const keyOf = (r: InputRecord) => [r.purchaseOrderNumber, r.lineItemExternalId, r.goodsReceiptNumber].map((v) => String(v ?? "").toUpperCase()).join("/");
const displayKey = (r: InputRecord) => [r.purchaseOrderNumber, r.lineItemExternalId, r.goodsReceiptNumber].join("/");

export function createReceiptSyncClient(options: { url: string; token: string; companyId: string }) {
  const gateway = createGatewayPoster(options);
  const post = (query: string, variables: Record<string, unknown>) => gateway.post(query, { c: options.companyId, ...variables });
  const outcome = (answer: GatewayAnswer) => {
    const error = writeRefusal(answer, ["reason", "upstreamErrorCode", "code"]);
    return error ? { error } : {};
  };
  return {
    /** The receipts Concur holds for a PO (none when the PO does not exist). */
    async read(purchaseOrderNumber: string): Promise<Record<string, unknown>[]> {
      const answer = await post(`query SyncReceipts($c: ID!, $n: String!) { invoicePurchaseOrder(companyId: $c, number: $n) { receipts { ${FIELDS} } } }`, { n: purchaseOrderNumber });
      if (answer.errors?.length) throw new CodedError(ErrorCode.UPSTREAM_ERROR, `reading receipts of ${purchaseOrderNumber}: ${answer.errors[0].message}`);
      return answer.data?.invoicePurchaseOrder?.receipts ?? [];
    },
    async save(receipt: InputRecord, mode: "create" | "replace") {
      const field = mode === "create" ? "createInvoiceGoodsReceipt" : "replaceInvoiceGoodsReceipt";
      return outcome(await post(`mutation SyncReceipt($c: ID!, $r: ConcurGoodsReceiptInput!) { ${field}(companyId: $c, receipt: $r) { records } }`, { r: receipt }));
    },
    async remove(receipt: InputRecord) {
      return outcome(await post(`mutation SyncReceiptDelete($c: ID!, $p: String!, $l: String!, $g: String!) { deleteInvoiceGoodsReceipt(companyId: $c, purchaseOrderNumber: $p, lineItemExternalId: $l, goodsReceiptNumber: $g) { records } }`, { p: receipt.purchaseOrderNumber, l: receipt.lineItemExternalId, g: receipt.goodsReceiptNumber }));
    },
    close: gateway.close,
  };
}
export type ReceiptSyncClient = ReturnType<typeof createReceiptSyncClient>;

export async function runReceiptSync(options: { input: string; companyId: string; delete?: boolean; dryRun?: boolean }, deps: { client: ReceiptSyncClient; progress: Progress; stop?: AbortSignal }): Promise<SyncReport> {
  const { client, progress } = deps;
  const startedAt = new Date().toISOString();
  await checkJsonLinesInput(options.input, "--type receipts reads JSON Lines (.jsonl): one ConcurGoodsReceiptInput per line");
  progress.start("read input", 0);
  const { records, rejected, lines: line } = await readJsonLines(options.input, {
    normalise: (value) => normalisePurchaseOrder(value) as InputRecord,
    problems: (record) => validateGoodsReceipt({ customFields: [], ...record } as never).map((p) => p.message),
    displayKey,
    uniqueKey: keyOf,
    duplicateMessage: () => "appears again (first line kept)",
  });
  progress.finish("read input", `${line} line(s), ${records.length} valid, ${rejected.length} refused`);

  const orders = [...new Set(records.map((r) => String(r.record.purchaseOrderNumber)))];
  progress.start("read Concur", orders.length);
  const held = new Map<string, InputRecord>();
  let done = 0;
  for (const order of orders) {
    for (const receipt of await client.read(order)) {
      const normal = normalisePurchaseOrder(receipt) as InputRecord;
      held.set(keyOf(normal), normal);
    }
    progress.update("read Concur", ++done);
  }
  progress.finish("read Concur", `${held.size} receipt(s) on ${orders.length} purchase order(s)`);

  progress.start("compare", records.length);
  const { creates, updates, unchanged, sample } = compareWithHeld(records, (source) => {
    const current = held.get(keyOf(source.record));
    return current && onlyFieldsOf(current, source.record);
  });
  const wanted = new Set(records.map((r) => keyOf(r.record)));
  const absent = [...held.entries()].filter(([key]) => !wanted.has(key)).map(([, record]) => record);
  progress.finish("compare", `${creates.length} new, ${updates.length} changed, ${unchanged} unchanged, ${absent.length} absent from the input`);

  const counts: SyncCounts = { input: records.length, held: held.size, created: 0, updated: 0, deleted: 0, unchanged, rejected: 0, sent: 0, notSent: 0, absentKept: options.delete ? 0 : absent.length };
  const report: SyncReport = { type: "receipts", input: options.input, companyId: options.companyId, erpId: "", mode: options.delete ? "upsert+delete" : "upsert", dryRun: Boolean(options.dryRun), interrupted: false, startedAt, finishedAt: startedAt, counts, requests: [], sample, rejected };
  if (options.dryRun) {
    Object.assign(counts, { created: creates.length, updated: updates.length, deleted: options.delete ? absent.length : 0, rejected: rejected.length });
    report.finishedAt = new Date().toISOString();
    return report;
  }
  const jobs: Array<{ kind: "create" | "replace" | "delete"; source: SourceRecord }> = [
    ...creates.map((source) => ({ kind: "create" as const, source })),
    ...updates.map((source) => ({ kind: "replace" as const, source })),
    ...(options.delete ? absent.map((record) => ({ kind: "delete" as const, source: { key: displayKey(record), record, line: 0 } })) : []),
  ];
  progress.start("send", jobs.length);
  for (const job of jobs) {
    if (deps.stop?.aborted) break;
    const result = job.kind === "delete" ? await client.remove(job.source.record) : await client.save(job.source.record, job.kind);
    counts.sent++;
    if (result.error) rejected.push({ key: job.source.key, line: job.source.line || undefined, code: result.error.code, message: result.error.message, stage: "concur" });
    else counts[job.kind === "create" ? "created" : job.kind === "replace" ? "updated" : "deleted"]++;
    progress.update("send", counts.sent);
  }
  counts.notSent = jobs.length - counts.sent;
  report.interrupted = counts.notSent > 0;
  progress.finish("send", `${counts.sent} receipt call(s)`);
  counts.rejected = rejected.length;
  report.finishedAt = new Date().toISOString();
  return report;
}
