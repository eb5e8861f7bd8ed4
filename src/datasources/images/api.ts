import type { Readable } from "node:stream";
import { XMLParser } from "fast-xml-parser";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "../client/caller.js";
import { errorFromResponse } from "../client/errors.js";
import type { ConcurCall, ConcurClient, ConcurResponse } from "../client/pipeline.js";
import type { XmlAuthScheme } from "../extracts/index.js";
import { checkedImageUrl } from "./hosts.js";
import { IMAGE_SCOPE, imageRequests, type ImageForm, type ImageSubject } from "./paths.js";

/** Where Image v1 says an image is: its id, the short-lived URL (never stored, never handed out) and the form that served. */
export interface LocatedImage {
  form: ImageForm;
  /** `<Id>` of the answer ("" when Concur sent none). */
  imageId: string;
  url: URL;
}

/** The image host's answer to a GET of the URL. */
export type ImageFetch =
  | { kind: "ok"; body: Readable; contentType: string | null; contentLength: number | null }
  /** 401/403/404/410 from the image host: the URL has expired (15 minutes; the swagger says 30) or was refused. */
  | { kind: "refused"; status: number };

export interface ImagesApi {
  /**
   * Asks Image v1 for the image's URL, trying the subject's id forms in order (paths.ts); NOT_FOUND only when none
   * serves (404 or 400 "reportId is missing" to every form). Other statuses are coded errors at once.
   */
  locate(caller: Caller, companyId: string, subject: ImageSubject, preferred?: ImageForm): Promise<LocatedImage>;
  /** GETs an image URL (no Authorization: the URL is self-signed), streamed; 5xx and network errors are coded errors. */
  fetch(caller: Caller, companyId: string, url: URL): Promise<ImageFetch>;
}

export interface ImagesApiOptions {
  client: ConcurClient;
  /** Default "bearer-then-oauth" (Image v1 documents `OAuth <token>`, spec Q3). */
  authScheme?: XmlAuthScheme;
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true });
/** Statuses that mean "this form does not serve this image" (spec §2.1 statuses, [HTTP] notes). */
const NOT_SERVED = new Set([400, 404]);
const REFUSED = new Set([401, 403, 404, 410]);

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
      for (const request of imageRequests(subject, preferred)) {
        const res = await send({ method: "GET", path: request.path, caller, companyId, headers: { accept: "application/xml" }, responseType: "text", scopeHint: IMAGE_SCOPE });
        tried.push(`${request.path.replace(/^\/api\/image\/v1\.0\//, "")} (${res.status})`);
        if (NOT_SERVED.has(res.status)) continue;
        if (res.status < 200 || res.status >= 300) {
          throw errorFromResponse({ method: "GET", status: res.status, body: undefined, headers: res.headers, correlationId: res.correlationId, scopeHint: IMAGE_SCOPE });
        }
        const image = parseImage(res.body, res.correlationId);
        // An <Image> without a URL (the upload answer's shape) cannot be downloaded: the next form may serve.
        if (!image.url) continue;
        return { form: request.form, imageId: image.id, url: checkedImageUrl(image.url, client.baseUrlFor(companyId)) };
      }
      throw new CodedError(ErrorCode.NOT_FOUND, `Concur has no image for this ${subject.of === "entry" ? "expense entry" : subject.of} (Image v1 tried: ${tried.join(", ")})`);
    },

    async fetch(caller, companyId, url) {
      const res = await client.request<Readable>({
        method: "GET",
        path: url.href,
        baseUrl: url.origin,
        authorization: null,
        caller,
        companyId,
        headers: { accept: "application/pdf, image/png, image/jpeg, image/*;q=0.9, */*;q=0.5" },
        responseType: "stream",
        throwOnError: false,
      });
      if (res.status >= 200 && res.status < 300) {
        const length = Number(res.headers["content-length"]);
        return { kind: "ok", body: res.body, contentType: res.headers["content-type"] ?? null, contentLength: res.headers["content-length"] !== undefined && Number.isFinite(length) ? length : null };
      }
      if (REFUSED.has(res.status)) return { kind: "refused", status: res.status };
      throw errorFromResponse({ method: "GET", status: res.status, body: undefined, headers: res.headers, correlationId: res.correlationId });
    },
  };
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
