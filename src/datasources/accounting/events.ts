/**
 * Typed parsing of ESS events of the Accounting Integration topic (spec section 2.1).
 * Pure: no I/O, no logging. Throws {@link EssEventError} (-> HTTP 400) when the body is not an event of our topic.
 */
import { linkHref, STATUS_LINK_KEYS } from "../client/links.js";
import { canonicalCompanyId } from "../../company-id.js";

export const ACCOUNTING_TOPIC = "public.concur.spend.accountingintegration";

export type FinalRequestStatus = "SUCCESS" | "PARTIAL" | "ERROR";
export type RequestStatusValue = "PROCESSING" | FinalRequestStatus;
export const REQUEST_STATUS_VALUES: readonly RequestStatusValue[] = ["PROCESSING", "SUCCESS", "PARTIAL", "ERROR"];
export const isFinalStatus = (status: RequestStatusValue): status is FinalRequestStatus => status !== "PROCESSING";

/** Object types a reset can name. `TAX` is not in Concur's enum but the emulator uses it (spec Q21). */
export type ResetObjectType = "ACCOUNT" | "VENDOR" | "LIST" | "TAX";
const RESET_OBJECT_TYPES = new Set<string>(["ACCOUNT", "VENDOR", "LIST", "TAX"]);

export interface EssField {
  alternateFieldId: string;
  level: number;
}
export interface EssFieldMapping {
  formTypeCode: string;
  fields: EssField[];
  connectedLists: { fields: EssField[] }[];
}
/** A ListMapping as sent in `listMapping.created` (kept as received beyond the two ids). */
export interface EssListMapping {
  erpListId: string;
  concurListId: string;
  fieldMappings: EssFieldMapping[];
}
export interface EssDeletedListMapping {
  erpListId: string;
  concurListId: string;
}

/** Fields every event carries. */
export interface EssEnvelope {
  /** Event id (UUID); the de-duplication key. */
  id: string;
  /** Raw `eventType` as received. */
  eventType: string;
  topic: typeof ACCOUNTING_TOPIC;
  correlationId?: string;
  timeStamp?: string;
  companyId: string;
  erpId: string;
  partnerId?: string;
}

export interface RequestStatusUpdate {
  requestId: string;
  status: RequestStatusValue;
  /** `_links.errors.href` (or `links`, object or array form), as received; relative hrefs are not resolved here. */
  errorsHref?: string;
  selfHref?: string;
}

export type EssEvent =
  | (EssEnvelope & { kind: "requestStatus"; eventType: "data.statusUpdated"; request: RequestStatusUpdate })
  | (EssEnvelope & { kind: "mappingUpdated"; eventType: "mapping.updated" })
  | (EssEnvelope & { kind: "listMappingCreated"; eventType: "listMapping.created"; listMappings: EssListMapping[] })
  | (EssEnvelope & { kind: "listMappingDeleted"; eventType: "listMapping.deleted"; deletedListMappings: EssDeletedListMapping[] })
  | (EssEnvelope & { kind: "resetRequested"; eventType: "data.resetRequested"; objectTypes: ResetObjectType[] })
  /** An event type this gateway does not know: acknowledged (2xx, so ESS does not retry) and ignored. */
  | (EssEnvelope & { kind: "unknown" });

export type EssEventKind = EssEvent["kind"];

/** The body is not an Accounting Integration event; the message names the offending field. */
export class EssEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EssEventError";
  }
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);

function str(obj: Obj, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== "string" || value.trim() === "") throw new EssEventError(`${path}${key} must be a non-empty string`);
  return value;
}
function optStr(obj: Obj, key: string): string | undefined {
  const value = obj[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function parseRequestStatus(data: unknown): RequestStatusUpdate {
  if (!isObj(data)) throw new EssEventError("facts.data must be a RequestStatus object for data.statusUpdated");
  const requestId = str(data, "requestId", "facts.data.");
  const status = data.status;
  if (typeof status !== "string" || !REQUEST_STATUS_VALUES.includes(status as RequestStatusValue)) {
    throw new EssEventError(`facts.data.status must be one of ${REQUEST_STATUS_VALUES.join(", ")}, got ${JSON.stringify(status)}`);
  }
  const update: RequestStatusUpdate = { requestId, status: status as RequestStatusValue };
  const errorsHref = linkHref(data, "errors", STATUS_LINK_KEYS);
  const selfHref = linkHref(data, "self", STATUS_LINK_KEYS);
  if (errorsHref !== undefined) update.errorsHref = errorsHref;
  if (selfHref !== undefined) update.selfHref = selfHref;
  return update;
}

function parseFields(value: unknown, path: string): EssField[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new EssEventError(`${path} must be an array`);
  return value.map((field, i) => {
    if (!isObj(field)) throw new EssEventError(`${path}[${i}] must be an object`);
    return { alternateFieldId: str(field, "alternateFieldId", `${path}[${i}].`), level: typeof field.level === "number" ? field.level : Number(field.level ?? 0) };
  });
}

function parseListMappings(data: unknown): EssListMapping[] {
  if (!Array.isArray(data)) throw new EssEventError("facts.data must be an array of ListMapping for listMapping.created");
  return data.map((item, i) => {
    const path = `facts.data[${i}]`;
    if (!isObj(item)) throw new EssEventError(`${path} must be an object`);
    const raw = item.fieldMappings ?? [];
    if (!Array.isArray(raw)) throw new EssEventError(`${path}.fieldMappings must be an array`);
    const fieldMappings = raw.map((fm, j): EssFieldMapping => {
      const fmPath = `${path}.fieldMappings[${j}]`;
      if (!isObj(fm)) throw new EssEventError(`${fmPath} must be an object`);
      const connected = fm.connectedLists ?? [];
      if (!Array.isArray(connected)) throw new EssEventError(`${fmPath}.connectedLists must be an array`);
      return {
        formTypeCode: str(fm, "formTypeCode", `${fmPath}.`),
        fields: parseFields(fm.fields, `${fmPath}.fields`),
        connectedLists: connected.map((cl, k) => ({ fields: parseFields(isObj(cl) ? cl.fields : undefined, `${fmPath}.connectedLists[${k}].fields`) })),
      };
    });
    return { erpListId: str(item, "erpListId", `${path}.`), concurListId: str(item, "concurListId", `${path}.`), fieldMappings };
  });
}

function parseDeletedListMappings(data: unknown): EssDeletedListMapping[] {
  if (!Array.isArray(data)) throw new EssEventError("facts.data must be an array of {erpListId, concurListId} for listMapping.deleted");
  return data.map((item, i) => {
    if (!isObj(item)) throw new EssEventError(`facts.data[${i}] must be an object`);
    return { erpListId: str(item, "erpListId", `facts.data[${i}].`), concurListId: str(item, "concurListId", `facts.data[${i}].`) };
  });
}

/** Both documented forms (spec Q14): a JSON string `{"accountingObjects":[...]}` or an array; also the decoded object. */
function parseResetObjectTypes(data: unknown): ResetObjectType[] {
  let value = data;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new EssEventError("facts.data of data.resetRequested is a string but not JSON");
    }
  }
  if (isObj(value)) value = value.accountingObjects;
  if (!Array.isArray(value)) throw new EssEventError("facts.data of data.resetRequested must list object types (array or {accountingObjects: [...]})");
  const types: ResetObjectType[] = [];
  for (const item of value) {
    const upper = typeof item === "string" ? item.toUpperCase() : "";
    // Unknown names are skipped rather than rejected: a 4xx would make ESS drop the whole event.
    if (RESET_OBJECT_TYPES.has(upper) && !types.includes(upper as ResetObjectType)) types.push(upper as ResetObjectType);
  }
  return types;
}

/** Validates the envelope and the per-type facts. `json` is the already-parsed body. */
export function parseEssEvent(json: unknown): EssEvent {
  if (!isObj(json)) throw new EssEventError("the body must be one event JSON object");
  const id = str(json, "id", "");
  const eventType = str(json, "eventType", "");
  const topic = str(json, "topic", "");
  if (topic !== ACCOUNTING_TOPIC) throw new EssEventError(`topic must be ${ACCOUNTING_TOPIC}, got ${JSON.stringify(topic)}`);
  const facts = json.facts;
  if (!isObj(facts)) throw new EssEventError("facts must be an object");
  const envelope: EssEnvelope = {
    id,
    eventType,
    topic: ACCOUNTING_TOPIC,
    // Concur may send the company UUID in upper case; subscribers and the store know the canonical form.
    companyId: canonicalCompanyId(str(facts, "companyId", "facts.")),
    erpId: str(facts, "erpId", "facts."),
  };
  const correlationId = optStr(json, "correlationId");
  const timeStamp = optStr(json, "timeStamp");
  const partnerId = optStr(facts, "partnerId");
  if (correlationId !== undefined) envelope.correlationId = correlationId;
  if (timeStamp !== undefined) envelope.timeStamp = timeStamp;
  if (partnerId !== undefined) envelope.partnerId = partnerId;

  switch (eventType) {
    case "data.statusUpdated":
      return { ...envelope, kind: "requestStatus", eventType, request: parseRequestStatus(facts.data) };
    case "mapping.updated":
      return { ...envelope, kind: "mappingUpdated", eventType };
    case "listMapping.created":
      return { ...envelope, kind: "listMappingCreated", eventType, listMappings: parseListMappings(facts.data) };
    case "listMapping.deleted":
      return { ...envelope, kind: "listMappingDeleted", eventType, deletedListMappings: parseDeletedListMappings(facts.data) };
    case "data.resetRequested":
      return { ...envelope, kind: "resetRequested", eventType, objectTypes: parseResetObjectTypes(facts.data) };
    default:
      return { ...envelope, kind: "unknown" };
  }
}
