import type { Readable } from "node:stream";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import { errorFromResponse } from "../client/errors.js";
import type { ConcurCall, ConcurClient, ConcurResponse } from "../client/pipeline.js";
import { editionFromMarketingName, type Edition } from "./edition.js";
import { idAfter, rebaseLegacyUrl } from "./hosts.js";
import { EXTRACT_API, FILES_SCOPES, filesPaths, PAYMENT_BATCH_API, PROFILE_ME_PATH, type PaymentBatchListStatus } from "./paths.js";
import type { WireBatchStatus, WireBatchSummary, WireCompanyProfile, WireDefinition, WireJob } from "./wire.js";
import { parseXmlRoot, startJobBody } from "./xml.js";

/** A job's state; `Complete` and `Completed` are one state; anything undocumented is UNKNOWN (reported, not fatal). */
export type ExtractJobState = "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "UNKNOWN";

export interface ExtractDefinitionRecord {
  /** Encrypted DefinitionID (from the `id` URL; may contain `$`). */
  id: string;
  name: string;
}

export interface ExtractJobRecord {
  id: string;
  definitionId: string;
  state: ExtractJobState;
  /** The status text as Concur sent it. */
  upstreamStatus: string;
  /** ISO 8601 UTC (Concur omits the `Z`; added here). */
  startTime: string | null;
  stopTime: string | null;
  /** A `file-link` was present (the job's file can be downloaded). */
  hasFile: boolean;
}

export interface PaymentBatchRecord {
  /** Encrypted id from `Batch-URL` (the one URLs take). */
  id: string;
  /** `<BatchID>`: the unencrypted GUID (for display and matching, never for URLs). */
  guid: string | null;
  name: string;
  /** `BatchTotal` as sent (exact decimal text). */
  total: string | null;
  currency: string | null;
  count: number | null;
  type: string | null;
  paymentMethod: string | null;
}

/** Closing a batch: closed (with what Concur said), or the documented "no reports in this batch" 500. */
export type BatchCloseOutcome =
  | { kind: "closed"; batchStatus: string | null; requestStatus: string | null; jobQueueKey: string | null; fileKey: string | null }
  | { kind: "empty"; message: string };

export interface CompanyProfileRecord {
  uuid: string | null;
  name: string | null;
  marketingName: string | null;
  offeringCode: string | null;
  edition: Edition;
}

/** An upstream file body, streamed (never buffered by the gateway). */
export interface FileStream {
  body: Readable;
  /** Upstream content type (may be absent or generic). */
  contentType: string | null;
  contentLength: number | null;
  /** From Content-Disposition, when sent. */
  filename: string | null;
}

/**
 * Which Authorization scheme the XML APIs get (spec Q1): `bearer` (the modern company JWT), `oauth` (as documented:
 * `OAuth <token>`), or `bearer-then-oauth` (Bearer; on a 401 once more with OAuth). Default `bearer-then-oauth`.
 */
export type XmlAuthScheme = "bearer" | "oauth" | "bearer-then-oauth";

export interface FilesApiOptions {
  client: ConcurClient;
  /** Default "bearer-then-oauth". */
  authScheme?: XmlAuthScheme;
}

/** Extracts v1.0, Payment Batches v1.1/v1.2 and the Profile v1 company, on the one pipeline. */
export interface FilesApi {
  listDefinitions(caller: Caller, companyId: string): Promise<ExtractDefinitionRecord[]>;
  getDefinition(caller: Caller, companyId: string, definitionId: string): Promise<ExtractDefinitionRecord>;
  /** The definition's last 100 jobs, newest first. */
  listJobs(caller: Caller, companyId: string, definitionId: string): Promise<ExtractJobRecord[]>;
  startJob(caller: Caller, companyId: string, definitionId: string): Promise<ExtractJobRecord>;
  /** E6, the status page. */
  getJobStatus(caller: Caller, companyId: string, definitionId: string, jobId: string): Promise<ExtractJobRecord>;
  openJobFile(caller: Caller, companyId: string, definitionId: string, jobId: string): Promise<FileStream>;
  listBatches(caller: Caller, companyId: string, status?: PaymentBatchListStatus): Promise<PaymentBatchRecord[]>;
  /** P2: asynchronous close (v1.2). */
  closeBatchAsync(caller: Caller, companyId: string, batchId: string): Promise<BatchCloseOutcome>;
  /** P3: synchronous close (v1.1): closes or regenerates, answers the `File-Url`. */
  closeBatchSync(caller: Caller, companyId: string, batchId: string): Promise<BatchCloseOutcome>;
  openBatchFile(caller: Caller, companyId: string, fileKey: string): Promise<FileStream>;
  /** Profile v1 `GET /profile/v1/me` with the company token. */
  getCompanyProfile(caller: Caller, companyId?: string): Promise<CompanyProfileRecord>;
}

const XML_HEADERS = { accept: "application/xml" };
const EMPTY_BATCH = /does not contain any reports/i;

export function createFilesApi(options: FilesApiOptions): FilesApi {
  const { client } = options;
  const authScheme = options.authScheme ?? "bearer-then-oauth";

  /** One XML API call with the configured scheme (a 401 to Bearer retried once with OAuth); non-2xx → coded error. */
  async function send<T>(call: ConcurCall, what: string): Promise<ConcurResponse<T>> {
    const first: ConcurCall = { ...call, throwOnError: false, authScheme: authScheme === "oauth" ? "OAuth" : undefined };
    let res = await client.request<T>(first);
    if (res.status === 401 && authScheme === "bearer-then-oauth") res = await client.request<T>({ ...first, authScheme: "OAuth" });
    const accepted = res.status >= 200 && res.status < 300;
    if (accepted || call.returnStatuses?.includes(res.status)) return res;
    if (res.status === 404) {
      throw new CodedError(ErrorCode.NOT_FOUND, `Concur found no ${what} at this address${res.correlationId ? ` (concur-correlationid ${res.correlationId})` : ""}`, {
        upstreamStatus: 404,
        ...(res.correlationId ? { correlationId: res.correlationId } : {}),
      });
    }
    throw errorFromResponse({ method: call.method, status: res.status, body: res.body, headers: res.headers, correlationId: res.correlationId, scopeHint: call.scopeHint });
  }

  async function getXml<T>(caller: Caller, companyId: string, path: string, root: string, scope: string, what: string): Promise<T> {
    const res = await send<string>({ method: "GET", path, caller, companyId, headers: XML_HEADERS, responseType: "text", scopeHint: scope }, what);
    return parseXmlRoot<T>(res.body, root, res.correlationId);
  }

  const baseOf = (companyId: string) => client.baseUrlFor(companyId);

  function toDefinition(companyId: string, wire: WireDefinition): ExtractDefinitionRecord {
    if (!wire.id) throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered with an extract definition without an id");
    const id = idAfter(rebaseLegacyUrl(baseOf(companyId), wire.id), `${EXTRACT_API}/`);
    return { id, name: wire.name ?? "" };
  }

  function toJob(companyId: string, definitionId: string, wire: WireJob): ExtractJobRecord {
    if (!wire.id) throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered with an extract job without an id");
    const jobUrl = rebaseLegacyUrl(baseOf(companyId), wire.id);
    const id = idAfter(jobUrl, `${EXTRACT_API}/${definitionId}/job/`);
    // A file-link is only followed once it is on the company's host (it is refused otherwise).
    const hasFile = typeof wire["file-link"] === "string" && wire["file-link"].length > 0 && Boolean(rebaseLegacyUrl(baseOf(companyId), wire["file-link"]));
    const upstreamStatus = wire.status ?? "";
    return { id, definitionId, state: jobState(upstreamStatus), upstreamStatus, startTime: isoTime(wire["start-time"]), stopTime: isoTime(wire["stop-time"]), hasFile };
  }

  async function openFile(caller: Caller, companyId: string, path: string, scope: string, what: string): Promise<FileStream> {
    const res = await send<Readable>({ method: "GET", path, caller, companyId, headers: { accept: "text/csv, application/zip, application/octet-stream" }, responseType: "stream", scopeHint: scope }, what);
    const length = Number(res.headers["content-length"]);
    return {
      body: res.body,
      contentType: res.headers["content-type"] ?? null,
      contentLength: Number.isFinite(length) && res.headers["content-length"] !== undefined ? length : null,
      filename: filenameOf(res.headers["content-disposition"]),
    };
  }

  async function close(caller: Caller, companyId: string, path: string): Promise<BatchCloseOutcome> {
    const res = await send<string>(
      { method: "POST", path, caller, companyId, headers: XML_HEADERS, rawBody: { contentType: "application/xml", data: "" }, responseType: "text", scopeHint: FILES_SCOPES.paymentBatch, returnStatuses: [500] },
      "payment batch",
    );
    if (res.status === 500) {
      // Spec Q6: the documented "no reports" 500 is its own outcome; any other 500 is Concur being unavailable.
      if (typeof res.body === "string" && EMPTY_BATCH.test(res.body)) return { kind: "empty", message: messageOf(res.body) };
      throw errorFromResponse({ method: "POST", status: 500, body: undefined, headers: res.headers, correlationId: res.correlationId });
    }
    const status = parseXmlRoot<WireBatchStatus>(res.body, "BatchStatus", res.correlationId);
    let fileKey: string | null = null;
    if (status["File-Url"]) fileKey = idAfter(rebaseLegacyUrl(baseOf(companyId), status["File-Url"]), `${PAYMENT_BATCH_API}/v1.1/batch/`, "/file");
    return { kind: "closed", batchStatus: status.BatchStatus ?? null, requestStatus: status.Status ?? null, jobQueueKey: status.JobQueueKey ?? null, fileKey };
  }

  return {
    async listDefinitions(caller, companyId) {
      const root = await getXml<{ definition?: WireDefinition[] }>(caller, companyId, filesPaths.definitions(), "definitions", FILES_SCOPES.extract, "extract definitions");
      return (root.definition ?? []).map((d) => toDefinition(companyId, d));
    },
    async getDefinition(caller, companyId, definitionId) {
      const wire = await getXml<WireDefinition>(caller, companyId, filesPaths.definition(definitionId), "definition", FILES_SCOPES.extract, "extract definition");
      return toDefinition(companyId, wire);
    },
    async listJobs(caller, companyId, definitionId) {
      const root = await getXml<{ job?: WireJob[] }>(caller, companyId, filesPaths.jobs(definitionId), "jobs", FILES_SCOPES.extract, "extract definition");
      const jobs = (root.job ?? []).map((j) => toJob(companyId, definitionId, j));
      return jobs.sort((a, b) => (b.startTime ?? "").localeCompare(a.startTime ?? ""));
    },
    async startJob(caller, companyId, definitionId) {
      // The body names the definition by its URL, as Concur prints it (the legacy host); the path is ours.
      const definitionUrl = `https://www.concursolutions.com${filesPaths.definition(definitionId)}`;
      const res = await send<string>(
        { method: "POST", path: filesPaths.jobs(definitionId), caller, companyId, headers: XML_HEADERS, rawBody: { contentType: "application/xml", data: startJobBody(definitionUrl) }, responseType: "text", scopeHint: FILES_SCOPES.extract },
        "extract definition",
      );
      return toJob(companyId, definitionId, parseXmlRoot<WireJob>(res.body, "job", res.correlationId));
    },
    async getJobStatus(caller, companyId, definitionId, jobId) {
      return toJob(companyId, definitionId, await getXml<WireJob>(caller, companyId, filesPaths.jobStatus(definitionId, jobId), "job", FILES_SCOPES.extract, "extract job"));
    },
    openJobFile: (caller, companyId, definitionId, jobId) => openFile(caller, companyId, filesPaths.jobFile(definitionId, jobId), FILES_SCOPES.extract, "extract job file"),
    async listBatches(caller, companyId, status) {
      const root = await getXml<{ BatchSummary?: WireBatchSummary[] }>(caller, companyId, filesPaths.batchList(status), "BatchList", FILES_SCOPES.paymentBatch, "payment batch list");
      return (root.BatchSummary ?? []).map((b) => {
        if (!b["Batch-URL"]) throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered with a payment batch without a Batch-URL");
        // The URL id is the encrypted one of Batch-URL, never <BatchID> (DCC-legacy close page).
        const id = idAfter(rebaseLegacyUrl(baseOf(companyId), b["Batch-URL"]), `${PAYMENT_BATCH_API}/v1.1/batch/`);
        const count = b.Count !== undefined && /^\d+$/.test(b.Count) ? Number(b.Count) : null;
        return { id, guid: b.BatchID ?? null, name: b.BatchName ?? "", total: b.BatchTotal ?? null, currency: b.Currency ?? null, count, type: b.Type ?? null, paymentMethod: b.PaymentMethod ?? null };
      });
    },
    closeBatchAsync: (caller, companyId, batchId) => close(caller, companyId, filesPaths.closeAsync(batchId)),
    closeBatchSync: (caller, companyId, batchId) => close(caller, companyId, filesPaths.closeSync(batchId)),
    openBatchFile: (caller, companyId, fileKey) => openFile(caller, companyId, filesPaths.batchFile(fileKey), FILES_SCOPES.paymentBatch, "payment batch file"),
    async getCompanyProfile(caller, companyId) {
      const res = await client.request<WireCompanyProfile>({ method: "GET", path: PROFILE_ME_PATH, caller, companyId, scopeHint: FILES_SCOPES.companyRead });
      const body = res.body ?? {};
      const expense = body["com:concur:Expense:0.1"] ?? null;
      const marketingName = typeof expense?.marketingName === "string" ? expense.marketingName : null;
      return {
        uuid: typeof body.id === "string" ? body.id : null,
        name: typeof body.name === "string" ? body.name : null,
        marketingName,
        offeringCode: typeof expense?.offeringCode === "string" ? expense.offeringCode : null,
        edition: editionFromMarketingName(marketingName),
      };
    },
  };
}

/** Spec Q4 with `Complete` ≡ `Completed`; unknown values are UNKNOWN (the follower keeps polling them). */
export function jobState(status: string): ExtractJobState {
  switch (status.trim().toLowerCase()) {
    case "queued":
      return "QUEUED";
    case "running":
      return "RUNNING";
    case "complete":
    case "completed":
      return "COMPLETED";
    case "failed":
      return "FAILED";
    default:
      return "UNKNOWN";
  }
}

/** `2011-08-25T14:25:22.58` (UTC, no zone) → `2011-08-25T14:25:22.580Z`; null when absent or unreadable. */
export function isoTime(value: string | undefined): string | null {
  if (!value) return null;
  const withZone = /(?:Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function filenameOf(disposition: string | undefined): string | null {
  if (!disposition) return null;
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (!match) return null;
  const name = match[1].replace(/[\\/\r\n]/g, "_");
  return name.length > 0 && name.length <= 200 ? name : null;
}

/** The documented message text out of an XML error body (or a generic one). */
function messageOf(body: string): string {
  const match = /<Message>([^<]*)<\/Message>/i.exec(body);
  return (match?.[1] ?? "The batch does not contain any reports.").trim().slice(0, 500);
}
