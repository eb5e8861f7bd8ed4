// Vendor writes: the GraphQL input in the canonical record form -> every check before any call -> the coalescing
// writer -> this write's own record outcome.
import {
  invoiceProblemsToError as problemsToError,
  validateInvoiceBank as validateBank,
  validateInvoiceVendor as validateVendor,
  type Caller,
  type InvoiceVendorBankRecord,
  type InvoiceVendorRecord,
  type InvoiceVendorWriter,
  type VendorWriteOutcome,
} from "../datasources/index.js";
import { badInput } from "../errors.js";

export interface VendorWriteDeps {
  caller: Caller;
  writer: InvoiceVendorWriter;
}

/** A write's result as the schema shows it. */
export interface VendorWriteResult extends VendorWriteOutcome {
  companyId: string;
  vendorCode: string;
  addressCode: string;
  succeeded: boolean;
  /** The write removed the record (nothing to read back). */
  deleted: boolean;
}

/** Trimmed text, absent when empty or null. */
const clean = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === "" ? undefined : s;
};

/** The input as a canonical record: strings trimmed, empty -> absent, country and currency codes upper case. */
export function vendorRecordOf(input: Record<string, unknown>): InvoiceVendorRecord {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === "clear" || key === "customFields" || value === null || value === undefined) continue;
    out[key] = typeof value === "string" ? clean(value) : value;
  }
  for (const key of ["countryCode", "currencyCode"]) if (typeof out[key] === "string") out[key] = (out[key] as string).toUpperCase();
  const custom = input.customFields as Array<{ number: number; value: string }> | null | undefined;
  if (custom) out.customFields = custom.map((c) => ({ number: c.number, value: String(c.value ?? "").trim() }));
  out.vendorCode = clean(input.vendorCode) ?? "";
  out.addressCode = clean(input.addressCode) ?? "";
  return out as unknown as InvoiceVendorRecord;
}

export async function writeVendor(deps: VendorWriteDeps, companyId: string, kind: "create" | "update", input: Record<string, unknown>): Promise<VendorWriteResult> {
  const vendor = vendorRecordOf(input);
  const error = problemsToError(validateVendor(vendor, "vendor"));
  if (error) throw error;
  const clear = (input.clear as string[] | null | undefined) ?? [];
  const outcome = await deps.writer.write(deps.caller, companyId, { kind, vendor, clear });
  return { ...outcome, succeeded: outcome.ok, companyId, vendorCode: vendor.vendorCode, addressCode: vendor.addressCode, deleted: false };
}

const requireCodes = (vendorCode: string, addressCode: string) => {
  const problems = [];
  if (!clean(vendorCode)) problems.push({ field: "vendorCode", message: "vendorCode: required" });
  if (!clean(addressCode)) problems.push({ field: "addressCode", message: "addressCode: required (a delete names one address record)" });
  const error = problemsToError(problems);
  if (error) throw error;
};

export async function deleteVendor(deps: VendorWriteDeps, companyId: string, vendorCode: string, addressCode: string): Promise<VendorWriteResult> {
  requireCodes(vendorCode, addressCode);
  const outcome = await deps.writer.write(deps.caller, companyId, { kind: "delete", vendorCode: vendorCode.trim(), addressCode: addressCode.trim() });
  return { ...outcome, succeeded: outcome.ok, companyId, vendorCode, addressCode, deleted: outcome.ok };
}

export async function setVendorBank(deps: VendorWriteDeps, companyId: string, input: Record<string, unknown>): Promise<VendorWriteResult> {
  const bank: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value !== null && value !== undefined) bank[key] = typeof value === "string" ? clean(value) : value;
  for (const key of ["countryCode", "currencyCode"]) if (typeof bank[key] === "string") bank[key] = (bank[key] as string).toUpperCase();
  const record = bank as unknown as InvoiceVendorBankRecord;
  const error = problemsToError(validateBank(record, "bank"));
  if (error) throw error;
  const outcome = await deps.writer.write(deps.caller, companyId, { kind: "bank", bank: record });
  return { ...outcome, succeeded: outcome.ok, companyId, vendorCode: record.vendorCode, addressCode: record.addressCode ?? "", deleted: false };
}

export async function changeVendorGroups(deps: VendorWriteDeps, companyId: string, vendorCode: string, addressCode: string, change: { add: string[] } | { remove: string }): Promise<VendorWriteResult> {
  requireCodes(vendorCode, addressCode);
  let outcome: VendorWriteOutcome;
  if ("add" in change) {
    const groups = change.add.map((g) => g.trim()).filter((g) => g !== "");
    if (groups.length === 0) throw badInput("groups: give at least one group name", { field: "groups" });
    outcome = await deps.writer.write(deps.caller, companyId, { kind: "addGroups", vendorCode: vendorCode.trim(), addressCode: addressCode.trim(), groups });
  } else {
    if (!change.remove.trim()) throw badInput("group: a group name is required", { field: "group" });
    outcome = await deps.writer.write(deps.caller, companyId, { kind: "removeGroup", vendorCode: vendorCode.trim(), addressCode: addressCode.trim(), group: change.remove.trim() });
  }
  return { ...outcome, succeeded: outcome.ok, companyId, vendorCode, addressCode, deleted: false };
}

/**
 * Many vendor writes at once (the sync's chunks): each record checked on its own (a refused one is answered as
 * INVALID with its field, the others still go), then all queued together so the writer packs them into the fewest calls.
 */
export async function writeVendors(deps: VendorWriteDeps, companyId: string, kind: "create" | "update", inputs: Array<Record<string, unknown>>): Promise<VendorWriteResult[]> {
  return Promise.all(
    inputs.map(async (input, i) => {
      const vendor = vendorRecordOf(input);
      const problems = validateVendor(vendor, `vendors[${i}]`);
      if (problems.length > 0) return invalid(companyId, vendor.vendorCode, vendor.addressCode, problems);
      const outcome = await deps.writer.write(deps.caller, companyId, { kind, vendor, clear: (input.clear as string[] | null | undefined) ?? [] });
      return { ...outcome, succeeded: outcome.ok, companyId, vendorCode: vendor.vendorCode, addressCode: vendor.addressCode, deleted: false };
    }),
  );
}

/** Many deletes (one Concur call each: there is no bulk delete), queued together. */
export async function deleteVendors(deps: VendorWriteDeps, companyId: string, records: Array<{ vendorCode: string; addressCode: string }>): Promise<VendorWriteResult[]> {
  return Promise.all(
    records.map(async ({ vendorCode, addressCode }, i) => {
      if (!clean(vendorCode) || !clean(addressCode)) return invalid(companyId, vendorCode ?? "", addressCode ?? "", [{ field: `records[${i}]`, message: `records[${i}]: vendorCode and addressCode are required` }]);
      const outcome = await deps.writer.write(deps.caller, companyId, { kind: "delete", vendorCode: vendorCode.trim(), addressCode: addressCode.trim() });
      return { ...outcome, succeeded: outcome.ok, companyId, vendorCode, addressCode, deleted: outcome.ok };
    }),
  );
}

function invalid(companyId: string, vendorCode: string, addressCode: string, problems: Array<{ field: string; message: string }>): VendorWriteResult {
  return {
    companyId, vendorCode, addressCode, ok: false, succeeded: false, deleted: false, batchSize: 0,
    statuses: problems.map((p) => ({ type: "INVALID", code: "BAD_USER_INPUT", message: p.message, field: p.field.replace(/^vendors\[\d+\]\./, "") })),
  };
}
