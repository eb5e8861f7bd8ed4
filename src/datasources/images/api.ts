import type { Readable } from "node:stream";
import { XMLParser } from "fast-xml-parser";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import { errorFromResponse } from "../client/errors.js";
import type { ConcurCall, ConcurClient, ConcurResponse } from "../client/pipeline.js";
import type { XmlAuthScheme } from "../extracts/index.js";
import { checkedImageUrl } from "./hosts.js";
import { IMAGE_SCOPE, imageRequests, SPEND_DOCUMENTS_SCOPE, spendDocumentsRepresentation, type ImageForm, type ImageRequest, type ImageSubject } from "./paths.js";

/**
 * Where the bytes of an image are: a short-lived self-signed URL Image v1 gave (GET without a token; never stored, never
 * handed out), or a Spend Documents representation path (GET with the company token, on the company's base URL).
 */
export type ImageSource = { kind: "url"; url: URL } | { kind: "api"; path: string };

/** Where an image is: its id, where its bytes are and the form that served. */
export interface LocatedImage {
  form: ImageForm;
  /** `<Id>` of the Image v1 answer, or Spend Documents' `metadata.imageId` ("" when Concur sent none). */
  imageId: string;
  source: ImageSource;
}

/** The answer to a GET of an image's bytes. */
export type ImageFetch =
  | { kind: "ok"; body: Readable; contentType: string | null; contentLength: number | null }
  /** 401/403/404/410 from the image host: the URL has expired (15 minutes; the swagger says 30) or was refused. */
  | { kind: "refused"; status: number };

export interface ImagesApi {
  /**
   * Asks for the image, trying the subject's id forms in order (paths.ts): Image v1's, then Spend Documents'; NOT_FOUND
   * only when none serves (404 or 400 "reportId is missing" from Image v1; 400, 401, 403 or 404 from Spend Documents,
   * a fallback a token may not be open to). Other statuses are coded errors at once.
   */
  locate(caller: Caller, companyId: string, subject: ImageSubject, preferred?: ImageForm): Promise<LocatedImage>;
  /**
   * GETs an image's bytes, streamed. A URL (no Authorization: it is self-signed) may be `refused`; a Spend Documents
   * path answers the bytes or a coded error. 5xx and network errors are coded errors.
   */
  fetch(caller: Caller, companyId: string, source: ImageSource): Promise<ImageFetch>;
}

export interface ImagesApiOptions {
  client: ConcurClient;
  /** Default "bearer-then-oauth" (Image v1 documents `OAuth <token>`, spec Q3). */
  authScheme?: XmlAuthScheme;
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true });
/** Statuses that mean "this form does not serve this image" (spec §2.1 statuses, [HTTP] notes). */
const NOT_SERVED = new Set([400, 404]);
/** The same for the Spend Documents fallback, which a company token may lack the scope or edition for (spec §1, §4). */
const NOT_SERVED_SPEND_DOCUMENTS = new Set([400, 401, 403, 404]);
const REFUSED = new Set([401, 403, 404, 410]);
const ACCEPT_IMAGE = "application/pdf, image/png, image/jpeg, image/*;q=0.9, */*;q=0.5";

export function createImagesApi(options: ImagesApiOptions): ImagesApi {
  const { client } = options;
  const authScheme = options.authScheme ?? "bearer-then-oauth";

  async function send(call: ConcurCall): Promise<ConcurResponse<string>> {
    const first: ConcurCall = { ...call, throwOnError: false, authScheme: authScheme === "oauth" ? "OAuth" : undefined };
    let res = await client.request<string>(first);
    if (res.status === 401 && authScheme === "bearer-then-oauth") res = await client.request<string>({ ...first, authScheme: "OAuth" });
    return res;
  }

  return {
    async locate(caller, companyId, subject, preferred) {
      const tried: string[] = [];
      for (const request of imageRequests(subject, companyId, preferred)) {
        const located = request.api === "image-v1" ? await askImageV1(caller, companyId, request, tried) : await askSpendDocuments(caller, companyId, request, tried);
        if (located) return located;
      }
      throw new CodedError(ErrorCode.NOT_FOUND, `Concur has no image for this ${subject.of === "entry" ? "expense entry" : subject.of} (tried: ${tried.join(", ")})`);
    },

    async fetch(caller, companyId, source) {
      const res = await client.request<Readable>({
        method: "GET",
        ...(source.kind === "url" ? { path: source.url.href, baseUrl: source.url.origin, authorization: null } : { path: source.path, scopeHint: SPEND_DOCUMENTS_SCOPE }),
        caller,
        companyId,
        headers: { accept: ACCEPT_IMAGE },
        responseType: "stream",
        throwOnError: false,
      });
      if (res.status >= 200 && res.status < 300) {
        const length = Number(res.headers["content-length"]);
        return { kind: "ok", body: res.body, contentType: res.headers["content-type"] ?? null, contentLength: res.headers["content-length"] !== undefined && Number.isFinite(length) ? length : null };
      }
      if (source.kind === "url" && REFUSED.has(res.status)) return { kind: "refused", status: res.status };
      if (res.status === 404) throw new CodedError(ErrorCode.NOT_FOUND, "Spend Documents no longer has this receipt's representation", { upstreamStatus: 404 });
      throw errorFromResponse({ method: "GET", status: res.status, body: undefined, headers: res.headers, correlationId: res.correlationId, scopeHint: source.kind === "api" ? SPEND_DOCUMENTS_SCOPE : undefined });
    },
  };

  /** Image v1: `<Image>` with a URL, or undefined when this form does not serve (noted in `tried`). */
  async function askImageV1(caller: Caller, companyId: string, request: ImageRequest, tried: string[]): Promise<LocatedImage | undefined> {
    const res = await send({ method: "GET", path: request.path, caller, companyId, headers: { accept: "application/xml" }, responseType: "text", scopeHint: IMAGE_SCOPE });
    tried.push(`${request.path.replace(/^\/api\/image\/v1\.0\//, "")} (${res.status})`);
    if (NOT_SERVED.has(res.status)) return undefined;
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse({ method: "GET", status: res.status, body: undefined, headers: res.headers, correlationId: res.correlationId, scopeHint: IMAGE_SCOPE });
    }
    const image = parseImage(res.body, res.correlationId);
    // An <Image> without a URL (the upload answer's shape) cannot be downloaded: the next form may serve.
    if (!image.url) return undefined;
    return { form: request.form, imageId: image.id, source: { kind: "url", url: checkedImageUrl(image.url, client.baseUrlFor(companyId)) } };
  }

  /** Spend Documents S2: the receipt of an image id, then the path of the representation to download (paths.ts). */
  async function askSpendDocuments(caller: Caller, companyId: string, request: ImageRequest, tried: string[]): Promise<LocatedImage | undefined> {
    const res = await client.request<unknown>({ method: "GET", path: request.path, caller, companyId, headers: { accept: "application/json" }, scopeHint: SPEND_DOCUMENTS_SCOPE, throwOnError: false });
    tried.push(`spend-documents ${request.path.replace(/^.*\?/, "")} (${res.status})`);
    if (NOT_SERVED_SPEND_DOCUMENTS.has(res.status)) return undefined;
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse({ method: "GET", status: res.status, body: res.body, headers: res.headers, correlationId: res.correlationId, scopeHint: SPEND_DOCUMENTS_SCOPE });
    }
    const receipt = parseSpendDocumentsReceipt(res.body, res.correlationId);
    const asked = new URLSearchParams(request.path.slice(request.path.indexOf("?") + 1));
    const imageId = asked.get("imageId") ?? "";
    const { path } = spendDocumentsRepresentation({ receiptId: receipt.receiptId, imageId, companyId: asked.get("companyId") ?? companyId, listed: receipt.representations });
    return { form: request.form, imageId: receipt.imageId || imageId, source: { kind: "api", path } };
  }
}

/** A Spend Documents receipt (S2): `metadata.id`, `metadata.imageId` and the representations `documents[]` lists. */
export function parseSpendDocumentsReceipt(body: unknown, correlationId?: string): { receiptId: string | null; imageId: string; representations: string[] } {
  const receipt = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as { metadata?: unknown; documents?: unknown }) : undefined;
  if (!receipt) throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Spend Documents answered with a body that is not a receipt", correlationId ? { correlationId } : {});
  const metadata = (receipt.metadata !== null && typeof receipt.metadata === "object" ? receipt.metadata : {}) as { id?: unknown; imageId?: unknown };
  const documents = Array.isArray(receipt.documents) ? receipt.documents : [];
  const representations = documents.flatMap((d) => (d !== null && typeof d === "object" && typeof (d as { representation?: unknown }).representation === "string" ? [(d as { representation: string }).representation] : []));
  return { receiptId: typeof metadata.id === "string" ? metadata.id : null, imageId: typeof metadata.imageId === "string" ? metadata.imageId : "", representations };
}

/** `<Image><Id/><Url/></Image>` (namespace dropped, `&amp;` decoded); UPSTREAM_ERROR for anything else. */
export function parseImage(text: unknown, correlationId?: string): { id: string; url: string } {
  let root: unknown;
  if (typeof text === "string" && text.trim().startsWith("<")) {
    try {
      root = (parser.parse(text, true) as Record<string, unknown>).Image;
    } catch {
      root = undefined;
    }
  }
  if (root === undefined) throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered with a body that is not the expected <Image> XML", correlationId ? { correlationId } : {});
  const image = (root === "" ? {} : root) as { Id?: unknown; Url?: unknown };
  return { id: typeof image.Id === "string" ? image.Id : "", url: typeof image.Url === "string" ? image.Url : "" };
}
