/**
 * FIDocuments (spec §2.1) and their `document` payload (spec §3) mapped to the shapes the schema describes: numbers
 * exact (decimal strings), `{n}Code/{n}Value` custom and org-unit fields folded into lists of `{index, code, value}`,
 * one typed part per doc type. Pure: no I/O.
 */
import { CodedError, ErrorCode } from "../../errors.js";
import { normalizeNumbers } from "./decimal.js";
import { FIS_DOC_TYPES, type FisDocType } from "./paths.js";
import type { FisDocStatus, WireFiDocument } from "./wire.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** One numbered custom or org-unit field (`reportCustom3Code` / `reportCustom3Value` -> index 3). */
export interface NumberedField {
  index: number;
  code: string | null;
  value: string | null;
}

/** A section of the document: its wire fields (numbers normalized) plus the folded numbered fields. */
export type DocumentSection = Obj & { customFields: NumberedField[]; orgUnits: NumberedField[] };

/** A FIDocument as the gateway hands it out (plain JSON: safe to cache, to publish through Redis, to serialise). */
export interface FinancialDocumentRecord {
  id: string;
  docType: FisDocType;
  status: FisDocStatus;
  legacyCompanyId: string | null;
  entityId: string | null;
  companyUuid: string | null;
  erpSystemId: string | null;
  /** The whole financial document, numbers normalized (amounts as decimal strings). */
  document: Obj | null;
  expense: DocumentSection | null;
  invoice: DocumentSection | null;
  cashAdvance: DocumentSection | null;
  payroll: DocumentSection | null;
  obligation: DocumentSection | null;
}

const STATUSES = new Set<string>(["READY", "ACKNOWLEDGED", "POSTING_CONFIRMED_SUCCESS", "POSTING_CONFIRMED_FAILURE"]);

/** Folds `<prefix><n>Code` / `<prefix><n>Value` keys into a list ordered by n; both-null pairs are left out. */
export function numberedFields(section: Obj, prefix: string): NumberedField[] {
  const pattern = new RegExp(`^${prefix}(\\d+)(Code|Value)$`);
  const byIndex = new Map<number, NumberedField>();
  for (const [key, value] of Object.entries(section)) {
    const m = pattern.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    let field = byIndex.get(index);
    if (!field) byIndex.set(index, (field = { index, code: null, value: null }));
    const text = value === null || value === undefined ? null : String(value);
    if (m[2] === "Code") field.code = text;
    else field.value = text;
  }
  return [...byIndex.values()].filter((f) => f.code !== null || f.value !== null).sort((a, b) => a.index - b.index);
}

const int = (v: unknown): number | null => {
  if (typeof v === "number") return Number.isInteger(v) ? v : null;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v);
  return null;
};
const flag = (v: unknown): boolean | null => {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return /^(true|y|yes|1)$/i.test(v.trim());
  return null;
};
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : isObj(v) ? [v] : []);

interface SectionSpec {
  custom?: string;
  orgUnit?: string;
  ints?: string[];
  flags?: string[];
  children?: Record<string, SectionSpec & { one?: boolean }>;
}

/** Maps one section by its spec: numbered fields folded, ints and booleans coerced, child sections mapped. */
function section(raw: unknown, spec: SectionSpec): DocumentSection | null {
  if (!isObj(raw)) return null;
  const out: DocumentSection = { ...raw, customFields: spec.custom ? numberedFields(raw, spec.custom) : [], orgUnits: spec.orgUnit ? numberedFields(raw, spec.orgUnit) : [] };
  for (const key of spec.ints ?? []) out[key] = int(raw[key]);
  for (const key of spec.flags ?? []) out[key] = flag(raw[key]);
  for (const [key, child] of Object.entries(spec.children ?? {})) {
    out[key] = child.one ? section(Array.isArray(raw[key]) ? (raw[key] as unknown[])[0] : raw[key], child) : list(raw[key]).map((item) => section(item, child)!);
  }
  return out;
}

const EMPLOYEE: SectionSpec = { custom: "employeeCustom", orgUnit: "employeeOrgUnit" };
const REPORT: SectionSpec = { custom: "reportCustom", orgUnit: "reportOrgUnit", ints: ["reportKey", "revisionNumber"] };
const MILEAGE: SectionSpec = {
  ints: ["passengerCount"],
  flags: ["hasMobileCanteenOrHeavyLoadAttached", "hasCaravanAttached", "hasDogIncluded", "hasForestOrConstructionSiteRoadInRoute", "hasForestRoadInRoute", "isMarkedAsHigherRate", "hasMachinery", "hasTrailerAttached"],
};
const EXPENSE_ALLOCATION: SectionSpec = { custom: "allocationCustom", children: { journal: {}, tax: {} } };
const EXPENSE_ENTRY: SectionSpec = {
  custom: "entryCustom",
  orgUnit: "entryOrgUnit",
  ints: ["legacyEntryId"],
  children: { mileage: { ...MILEAGE, one: true }, allocation: EXPENSE_ALLOCATION, payrollData: {} },
};
const EXPENSE: SectionSpec = { children: { employee: { ...EMPLOYEE, one: true }, report: { ...REPORT, one: true }, expenseEntry: EXPENSE_ENTRY, cashAdvanceApplication: {} } };
const INVOICE: SectionSpec = {
  children: {
    requestHeader: { custom: "requestCustom", orgUnit: "requestOrgUnit", ints: ["reqKey", "revisionNumber", "discountTermsDays", "netPaymentTermDays"], one: true },
    ownerEmployee: { ...EMPLOYEE, one: true },
    vendor: { one: true },
    lineItem: {
      custom: "lineItemCustom",
      ints: ["lineItemSequenceOrder"],
      // The invoice allocation's `journal` is one object, not an array (spec §3.2).
      children: { allocation: { custom: "allocationCustom", ints: ["allocationKey"], children: { journal: { one: true, children: { tax: {} } } } } },
    },
  },
};
const CASH_ADVANCE: SectionSpec = { children: { employeeData: { ...EMPLOYEE, one: true }, cashAdvanceData: { one: true }, journalData: {} } };
const PAYROLL: SectionSpec = { children: { ...EXPENSE.children, travelAllowances: {} } };
const OBLIGATION: SectionSpec = { children: { instruction: { one: true }, employee: { ...EMPLOYEE, one: true }, requestHeader: { one: true }, report: { ...REPORT, one: true } } };

/** `document` as an object, whether it arrived as one or as a JSON string (DocumentFormatAs text, spec Q2). */
function documentObject(raw: unknown, parseText: (text: string) => unknown): Obj | null {
  let value = raw;
  if (typeof value === "string") {
    try {
      value = parseText(value);
    } catch {
      throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur sent a financial document that is neither an object nor JSON text");
    }
  }
  if (value === null || value === undefined) return null;
  if (!isObj(value)) throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur sent a financial document that is not a JSON object");
  return normalizeNumbers(value) as Obj;
}

/**
 * One wire FIDocument as a record. `parseText` is the lossless parser (a `document` sent as text is JSON again).
 * `companyId`: the company the caller acts for; a document of another company means the token and the company
 * disagree (FIS takes the company from the token): FORBIDDEN.
 */
export function toFinancialDocument(wire: WireFiDocument, companyId: string, parseText: (text: string) => unknown): FinancialDocumentRecord {
  if (!isObj(wire) || typeof wire.id !== "string" || wire.id === "") throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur sent a financial document without an id");
  const docType = String(wire.docType ?? "").toLowerCase() as FisDocType;
  if (!FIS_DOC_TYPES.includes(docType)) throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur sent a financial document of unknown docType ${JSON.stringify(wire.docType)}`);
  const status = String(wire.docStatus ?? "");
  if (!STATUSES.has(status)) throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur sent a financial document with unknown docStatus ${JSON.stringify(wire.docStatus)}`);
  const companyUuid = typeof wire.companyUuid === "string" && wire.companyUuid !== "" ? wire.companyUuid : null;
  if (companyUuid !== null && companyUuid.toLowerCase() !== companyId.toLowerCase()) {
    throw new CodedError(
      ErrorCode.FORBIDDEN,
      `The Concur token belongs to company ${companyUuid}, not ${companyId}: FIS takes the company from the token, so send a token of company ${companyId} (or ask for ${companyUuid}).`,
    );
  }
  const document = documentObject(wire.document, parseText);
  const part = (kind: FisDocType[], spec: SectionSpec) => (kind.includes(docType) ? section(document, spec) : null);
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: wire.id,
    docType,
    status: status as FisDocStatus,
    legacyCompanyId: text(wire.companyId),
    entityId: text(wire.entityId),
    companyUuid,
    erpSystemId: text(wire.erpSystemId),
    document,
    expense: part(["expense"], EXPENSE),
    invoice: part(["invoice"], INVOICE),
    cashAdvance: part(["cashadvance"], CASH_ADVANCE),
    payroll: part(["payroll"], PAYROLL),
    obligation: part(["requestobligation", "reportobligation"], OBLIGATION),
  };
}
