import { randomUUID } from "node:crypto";
import type Keyv from "keyv";
import { parse as parseLossless } from "lossless-json";
import { badInput, CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import type { ConcurClient } from "../client/pipeline.js";
import type { Connection, ConnectionArgs, Edge } from "../accounting/reader.js";
import { toFinancialDocument, type FinancialDocumentRecord } from "./documents.js";
import { FIS_SCOPE, fisPaths, systemIdFor, type FisDocType } from "./paths.js";
import type { WireFiDocument, WireTransactionsPage } from "./wire.js";

/** Options of {@link createFisReader}. */
export interface FisReaderOptions {
  client: ConcurClient;
  /** Where walks keep their snapshot (shared by replicas on Redis). */
  store: Keyv;
  /** Largest `first`. Default 100. */
  maxPageSize?: number;
  /** `first` when absent. Default 25 (FIS's own default `limit`). */
  defaultPageSize?: number;
  /** How long a walk's cursors stay valid, ms. Default 30 minutes. */
  walkTtlMs?: number;
  /** Most documents one walk covers (the rest come in the next walk). Default 10 000. */
  maxWalkDocuments?: number;
  /** `limit` of the upstream pages a walk reads. Default 100 (spec Q4: the largest limit known to work). */
  upstreamPageSize?: number;
}

/** One upstream page, mapped. */
export interface FisPage {
  documents: FinancialDocumentRecord[];
  /** 0-based page number, total elements and pages as FIS reported them. */
  number: number;
  totalElements: number;
  totalPages: number;
}

export interface FisReader {
  /** One upstream page of the READY queue (0-based). */
  page(caller: Caller, companyId: string, docType: FisDocType, page: number, limit: number): Promise<FisPage>;
  /**
   * A Relay connection over the READY queue. The first call (no `after`) takes a snapshot of the queue and every
   * cursor walks that snapshot, so a queue that shrinks meanwhile (acknowledged documents) cannot shift documents
   * past the walk: each document READY when the walk began is returned exactly once.
   */
  connection(caller: Caller, companyId: string, docType: FisDocType, args: ConnectionArgs): Promise<Connection<FinancialDocumentRecord>>;
  /** One document by FIDocument id (or business id, spec Q1) in any status; null when FIS has none. */
  document(caller: Caller, companyId: string, docType: FisDocType, docId: string): Promise<FinancialDocumentRecord | null>;
  /** Every READY document (up to `max`), read with the walk's shrink-safe order of pages. */
  readyDocuments(caller: Caller, companyId: string, docType: FisDocType, max?: number): Promise<FinancialDocumentRecord[]>;
}

interface WalkSnapshot {
  scope: string;
  documents: FinancialDocumentRecord[];
}

const parseText = (text: string) => parseLossless(text);
const CURSOR = /^fis1\.([0-9a-f]{32})\.(\d{1,7})$/;

/** Page metadata as numbers; FIS sends int32s, the lossless parser hands them over as LosslessNumbers. */
function int(value: unknown, fallback: number): number {
  const n = Number(value === null || value === undefined ? Number.NaN : String(value));
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

export function createFisReader(options: FisReaderOptions): FisReader {
  const { client, store } = options;
  const maxPageSize = options.maxPageSize ?? 100;
  const defaultPageSize = Math.min(options.defaultPageSize ?? 25, maxPageSize);
  const walkTtlMs = options.walkTtlMs ?? 30 * 60_000;
  const maxWalk = options.maxWalkDocuments ?? 10_000;
  const upstreamLimit = options.upstreamPageSize ?? 100;

  async function get(caller: Caller, companyId: string, docType: FisDocType, query: Record<string, string>): Promise<WireTransactionsPage> {
    const q = new URLSearchParams({ ...query, systemId: systemIdFor(companyId) });
    const res = await client.request<WireTransactionsPage>({
      method: "GET",
      path: `${fisPaths.transactions(docType)}?${q}`,
      caller,
      companyId,
      // The document as an object, and the parser still accepts a JSON string (spec Q2).
      headers: { documentformatas: "json" },
      parse: "lossless",
      scopeHint: FIS_SCOPE,
    });
    if (res.body === null || typeof res.body !== "object") throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered GET transactions without a JSON object", { correlationId: res.correlationId });
    return res.body;
  }

  function mapPage(body: WireTransactionsPage, companyId: string, requested: number): FisPage {
    // Both envelopes (spec Q3): {links, content, page} and the examples' {fIDocuments, numberReturned}.
    const wire: WireFiDocument[] = Array.isArray(body.content) ? body.content : Array.isArray(body.fIDocuments) ? body.fIDocuments : [];
    const documents = wire.map((d) => toFinancialDocument(d, companyId, parseText));
    const totalElements = int(body.page?.totalElements, documents.length);
    return {
      documents,
      number: int(body.page?.number, requested),
      totalElements,
      totalPages: int(body.page?.totalPages, documents.length > 0 ? requested + 1 : 0),
    };
  }

  const page: FisReader["page"] = async (caller, companyId, docType, number, limit) =>
    mapPage(await get(caller, companyId, docType, { page: String(number), limit: String(limit) }), companyId, number);

  /**
   * The READY queue, each document once. Offset pages over a queue that shrinks in front of the reader shift
   * documents into pages already read, so the pages are read from the last one back to page 0: a removal only moves
   * documents towards pages still to be read (read twice at worst, de-duplicated by id), never past the reader.
   */
  async function readyDocuments(caller: Caller, companyId: string, docType: FisDocType, max = maxWalk): Promise<FinancialDocumentRecord[]> {
    const first = await page(caller, companyId, docType, 0, upstreamLimit);
    const pages: FinancialDocumentRecord[][] = [first.documents];
    const lastPage = Math.min(first.totalPages, Math.ceil(max / upstreamLimit)) - 1;
    if (lastPage >= 1) {
      const later: FinancialDocumentRecord[][] = [];
      for (let p = lastPage; p >= 1; p--) later[p] = (await page(caller, companyId, docType, p, upstreamLimit)).documents;
      // Page 0 once more, last: documents that moved into it while the later pages were read.
      pages.push((await page(caller, companyId, docType, 0, upstreamLimit)).documents, ...later.slice(1));
    }
    const seen = new Set<string>();
    const out: FinancialDocumentRecord[] = [];
    for (const docs of pages) {
      for (const doc of docs) {
        if (seen.has(doc.id) || doc.status !== "READY") continue;
        seen.add(doc.id);
        out.push(doc);
        if (out.length >= max) return out;
      }
    }
    return out;
  }

  function pageSize(first: number | null | undefined): number {
    if (first === undefined || first === null) return defaultPageSize;
    if (!Number.isInteger(first) || first < 1 || first > maxPageSize) throw badInput(`first must be between 1 and ${maxPageSize}, got ${first}`, { field: "first", limit: maxPageSize });
    return first;
  }

  async function connection(caller: Caller, companyId: string, docType: FisDocType, args: ConnectionArgs): Promise<Connection<FinancialDocumentRecord>> {
    const first = pageSize(args.first);
    const scope = `${companyId.toLowerCase()}|${docType}|${caller.key}`;
    let walkId: string;
    let start: number;
    let snapshot: WalkSnapshot | undefined;
    if (args.after) {
      const m = CURSOR.exec(args.after);
      if (!m) throw badInput("after is not a cursor of financialDocuments: pass an endCursor this connection returned", { field: "after" });
      [walkId, start] = [m[1], Number(m[2])];
      snapshot = await store.get<WalkSnapshot>(`fis:walk:${walkId}`);
      if (!snapshot) throw badInput("after: this walk expired (cursors live 30 minutes); start again without `after`", { field: "after" });
      if (snapshot.scope !== scope) throw badInput("after belongs to another company, doc type or caller", { field: "after" });
    } else {
      walkId = randomUUID().replace(/-/g, "");
      start = 0;
      snapshot = { scope, documents: await readyDocuments(caller, companyId, docType) };
      if (snapshot.documents.length > first) await store.set(`fis:walk:${walkId}`, snapshot, walkTtlMs);
    }
    const slice = snapshot.documents.slice(start, start + first);
    const edges: Edge<FinancialDocumentRecord>[] = slice.map((node, i) => ({ cursor: `fis1.${walkId}.${start + i + 1}`, node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: start + slice.length < snapshot.documents.length,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  async function document(caller: Caller, companyId: string, docType: FisDocType, docId: string): Promise<FinancialDocumentRecord | null> {
    if (typeof docId !== "string" || docId.trim() === "" || docId.length > 64) throw badInput("docId must be a document id of 1-64 characters", { field: "docId" });
    const { documents } = mapPage(await get(caller, companyId, docType, { docId, ignoreDocumentStatus: "yes", page: "0", limit: "25" }), companyId, 0);
    // A business id (report id) can match several FIDocuments (each approval gets a new id): the newest is last.
    return documents.find((d) => d.id === docId) ?? documents.at(-1) ?? null;
  }

  return { page, connection, document, readyDocuments };
}
