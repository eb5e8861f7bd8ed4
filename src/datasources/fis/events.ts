/**
 * Typed parsing of the FIS ESS topic `public.concur.financialintegration` (spec §2.5, [FIS-EVT]): `*.readyForIntegration`
 * events announcing a new READY document. Pure. Tolerant of what the documented examples show: event ids that are not
 * UUIDs, correlation ids of any form, `timeStamp` with `+0000` or `Z`, document ids of 20 or 32+ characters, an
 * `href` on an internal host (never followed: the document is read by id on the company's own geolocation).
 */
import { EssEventError } from "../accounting/events.js";
import { FIS_DOC_TYPES, type FisDocType } from "./paths.js";

export const FIS_TOPIC = "public.concur.financialintegration";

interface FisEnvelope {
  /** Event id as received (the de-duplication key; not necessarily a UUID). */
  id: string;
  eventType: string;
  topic: typeof FIS_TOPIC;
  /** Company UUID (`facts.companyId`). */
  companyId: string;
  correlationId?: string;
  /** `timeStamp` as received. */
  timeStamp?: string;
  /** `timeStamp` as ISO-8601 UTC, when it could be read. */
  occurredAt?: string;
  entityId?: string;
}

export type FisEvent =
  | (FisEnvelope & { kind: "fisDocumentReady"; docType: FisDocType; documentId: string })
  /** An event type of the topic this gateway does not know: acknowledged and ignored. */
  | (FisEnvelope & { kind: "unknown" });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function str(obj: Obj, key: string, path: string, max = 256): string {
  const value = obj[key];
  if (typeof value !== "string" || value.trim() === "" || value.length > max) throw new EssEventError(`${path}${key} must be a non-empty string of at most ${max} characters`);
  return value;
}
const optStr = (obj: Obj, key: string): string | undefined => (typeof obj[key] === "string" && obj[key] !== "" ? (obj[key] as string) : undefined);

/** `2023-09-26T21:17:44.570+0000` or `…524Z` (or any Date-readable form) as ISO; undefined when unreadable. */
export function readTimeStamp(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const colonOffset = raw.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const ms = Date.parse(colonOffset);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `expense.readyForIntegration` -> expense; `requestObligation.readyForIntegration` -> requestobligation. */
function readyDocType(eventType: string): FisDocType | undefined {
  const m = /^([A-Za-z]+)\.readyForIntegration$/.exec(eventType);
  const docType = m?.[1].toLowerCase() as FisDocType | undefined;
  return docType && FIS_DOC_TYPES.includes(docType) ? docType : undefined;
}

/** Validates one event of the FIS topic; throws {@link EssEventError} (-> HTTP 400) when it is not one. */
export function parseFisEvent(json: unknown): FisEvent {
  if (!isObj(json)) throw new EssEventError("the body must be one event JSON object");
  const topic = str(json, "topic", "");
  if (topic !== FIS_TOPIC) throw new EssEventError(`topic must be ${FIS_TOPIC}, got ${JSON.stringify(topic)}`);
  const facts = json.facts;
  if (!isObj(facts)) throw new EssEventError("facts must be an object");
  const envelope: FisEnvelope = { id: str(json, "id", ""), eventType: str(json, "eventType", ""), topic: FIS_TOPIC, companyId: str(facts, "companyId", "facts.").toLowerCase() };
  const correlationId = optStr(json, "correlationId");
  const timeStamp = optStr(json, "timeStamp");
  const entityId = optStr(facts, "entityId") ?? optStr(json, "subtopic");
  if (correlationId !== undefined) envelope.correlationId = correlationId;
  if (timeStamp !== undefined) {
    envelope.timeStamp = timeStamp;
    const occurredAt = readTimeStamp(timeStamp);
    if (occurredAt !== undefined) envelope.occurredAt = occurredAt;
  }
  if (entityId !== undefined) envelope.entityId = entityId;
  const docType = readyDocType(envelope.eventType);
  if (!docType) return { ...envelope, kind: "unknown" };
  return { ...envelope, kind: "fisDocumentReady", docType, documentId: str(facts, "documentId", "facts.", 64) };
}
