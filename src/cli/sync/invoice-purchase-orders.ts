// `concur-graph sync --type purchaseOrders`: JSON Lines of ConcurPurchaseOrderInput (one PO with its lines per line)
// made equal to Concur Invoice through the gateway. The PO API has no list call, so "read Concur" reads each PO of the
// export by number; only the fields the export carries are compared; new and changed POs are saved (one Concur call
// each, paced per company by the gateway). POs are never deleted (Concur closes them by status: send status CLOSED).
import { dateOnly, validatePurchaseOrder } from "../../datasources/index.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { checkJsonLinesInput, compareWithHeld, createGatewayPoster, readJsonLines, writeRefusal } from "./invoice-common.js";
import type { Progress } from "./progress.js";
import type { SyncCounts, SyncReport } from "./report.js";
import type { InputRecord } from "./types.js";

const DATE_FIELDS = new Set(["orderDate", "neededByDate", "requestedDeliveryDate", "createDate"]);
const UPPER_FIELDS = new Set(["currencyCode", "countryCode"]);

/** Trimmed, empty and null dropped, dates as YYYY-MM-DD, codes upper case; arrays and objects recursively. */
export function normalisePurchaseOrder(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => normalisePurchaseOrder(v));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const n = normalisePurchaseOrder(v, k);
      if (n !== undefined && !(Array.isArray(n) && n.length === 0 && k === "customFields")) out[k] = n;
    }
    return out;
  }
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string") return value;
  const s = value.trim();
  if (s === "") return undefined;
  if (DATE_FIELDS.has(key)) return dateOnly(s) ?? s;
  return UPPER_FIELDS.has(key) ? s.toUpperCase() : s;
}

/** `held` seen through `wanted`'s shape: only the keys (and array positions) the export gives. */
function project(held: unknown, wanted: unknown): unknown {
  if (Array.isArray(wanted)) return Array.isArray(held) ? wanted.map((w, i) => project(held[i], w)) : held;
  if (wanted && typeof wanted === "object") {
    if (!held || typeof held !== "object") return held;
    return Object.fromEntries(Object.keys(wanted).map((k) => [k, project((held as Record<string, unknown>)[k], (wanted as Record<string, unknown>)[k])]));
  }
  return held;
}

const ADDRESS = "externalId name address1 address2 address3 city stateProvince postalCode countryCode";
const CUSTOM = "customFields { number value }";
const NODE = `number name description currencyCode orderDate neededByDate requestedDeliveryDate policyExternalId vendorCode vendorAddressCode vendorAccountNumber vendorTaxId provincialTaxId ledgerCode status isTest isChangeOrder purchaseRequestNumber requestedBy paymentTerms discountTerms discountPercentage shipping tax amountWithoutVat shippingDescription shippingMethodKey shippingTermsKey billTo { ${ADDRESS} } shipTo { ${ADDRESS} } ${CUSTOM}
  lines { lineNumber externalId description quantity unitPrice expenseType accountCode tax amountWithoutVat unitOfMeasureCode receiptType receiptRequired supplierPartId requestedBy requestedDeliveryDate createDate ${CUSTOM} allocations { amount percentage grossAmount ${CUSTOM} } }`;

export function createPurchaseOrderSyncClient(options: { url: string; token: string; companyId: string }) {
  const gateway = createGatewayPoster(options);
  return {
    async read(number: string): Promise<Record<string, unknown> | null> {
      const answer = await gateway.post(`query SyncPo($c: ID!, $n: String!) { invoicePurchaseOrder(companyId: $c, number: $n) { ${NODE} } }`, { c: options.companyId, n: number });
      if (answer.errors?.length) throw new CodedError(ErrorCode.UPSTREAM_ERROR, `reading purchase order ${number}: ${answer.errors[0].extensions?.code ?? ""}: ${answer.errors[0].message}`);
      return answer.data?.invoicePurchaseOrder ?? null;
    },
    /** Saves one PO; a refusal comes back as its error (code, message, field), never thrown. */
    async save(order: InputRecord): Promise<{ created?: boolean; error?: { code: string; message: string } }> {
      const answer = await gateway.post(`mutation SyncPoSave($c: ID!, $o: ConcurPurchaseOrderInput!) { saveInvoicePurchaseOrder(companyId: $c, order: $o) { created } }`, { c: options.companyId, o: order });
      const error = writeRefusal(answer);
      return error ? { error } : { created: answer.data?.saveInvoicePurchaseOrder?.created };
    },
    close: gateway.close,
  };
}
export type PurchaseOrderSyncClient = ReturnType<typeof createPurchaseOrderSyncClient>;

export async function runPurchaseOrderSync(options: { input: string; companyId: string; dryRun?: boolean; readConcurrency?: number }, deps: { client: PurchaseOrderSyncClient; progress: Progress; stop?: AbortSignal }): Promise<SyncReport> {
  const { client, progress } = deps;
  const startedAt = new Date().toISOString();
  await checkJsonLinesInput(options.input, "--type purchaseOrders reads JSON Lines (.jsonl): one ConcurPurchaseOrderInput (a PO with its lines) per line");
  progress.start("read input", 0);
  const { records, rejected, lines: line } = await readJsonLines(options.input, {
    normalise: (value) => normalisePurchaseOrder(value) as InputRecord,
    problems: (record) => {
      const order = { customFields: [], ...record, lines: ((record.lines as InputRecord[]) ?? []).map((l) => ({ customFields: [], allocations: [], receiptType: "NONE", ...l })) };
      return validatePurchaseOrder(order as never).map((p) => p.message);
    },
    displayKey: (record) => String(record.number ?? ""),
    uniqueKey: (record) => String(record.number ?? "").toUpperCase(),
    duplicateMessage: (key) => `${key} appears again (first line kept)`,
  });
  progress.finish("read input", `${line} line(s), ${records.length} valid, ${rejected.length} refused`);

  // No list call exists: each PO of the export is read by number, a few at a time.
  progress.start("read Concur", records.length);
  const held = new Map<string, unknown>();
  let read = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.readConcurrency ?? 8, records.length) }, async () => {
      while (next < records.length) {
        const source = records[next++];
        const found = await client.read(source.key);
        if (found) held.set(source.key, normalisePurchaseOrder(found));
        progress.update("read Concur", ++read);
      }
    }),
  );
  progress.finish("read Concur", `${held.size} of ${records.length} held`);

  progress.start("compare", records.length);
  const { creates, updates, unchanged, sample } = compareWithHeld(records, (source) => {
    const current = held.get(source.key);
    return current === undefined ? undefined : (project(current, source.record) as InputRecord);
  });
  progress.finish("compare", `${creates.length} new, ${updates.length} changed, ${unchanged} unchanged`);

  const counts: SyncCounts = { input: records.length, held: held.size, created: 0, updated: 0, deleted: 0, unchanged, rejected: 0, sent: 0, notSent: 0, absentKept: 0 };
  const report: SyncReport = { type: "purchaseOrders", input: options.input, companyId: options.companyId, erpId: "", mode: "upsert", dryRun: Boolean(options.dryRun), interrupted: false, startedAt, finishedAt: startedAt, counts, requests: [], sample, rejected };
  if (options.dryRun) {
    Object.assign(counts, { created: creates.length, updated: updates.length, rejected: rejected.length });
    report.finishedAt = new Date().toISOString();
    return report;
  }
  const todo = [...creates, ...updates].sort((a, b) => a.line - b.line);
  progress.start("send", todo.length);
  // One PO per Concur call and the gateway paces them per company: sending them one by one loses nothing.
  for (const source of todo) {
    if (deps.stop?.aborted) break;
    const outcome = await client.save(source.record);
    counts.sent++;
    if (outcome.error) rejected.push({ key: source.key, line: source.line, code: outcome.error.code, message: outcome.error.message, stage: "concur" });
    else if (outcome.created) counts.created++;
    else counts.updated++;
    progress.update("send", counts.sent);
  }
  counts.notSent = todo.length - counts.sent;
  report.interrupted = counts.notSent > 0;
  progress.finish("send", `${counts.sent} purchase order(s)`);
  counts.rejected = rejected.length;
  report.finishedAt = new Date().toISOString();
  return report;
}
