// Receipt and invoice images for posting (Image v1, docs/financial-integration.md "Posting with images"): what an image
// is (its id, content type, size, the id form that served) and its bytes, streamed. Concur's image URL lives 15
// minutes: it is asked for when needed, never stored and never handed out; a partner gets the gateway's signed
// download URL instead (services/extract-files.ts), which asks Concur again each time it is used.
import { pipeline, Transform, type Readable } from "node:stream";
import { LRUCache } from "lru-cache";
import { createImagesApi, imageUrlForms, type Caller, type ConcurClient, type FileStream, type ImageForm, type ImagesApi, type ImageSource, type ImageSubject, type LocatedImage, type XmlAuthScheme } from "../datasources/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";

/** What a partner learns about an image before downloading it. */
export interface ImageDescription {
  subject: ImageSubject;
  /** The id form that served (tried first by the download). */
  form: ImageForm;
  /** Concur's image id (`<Id>`); null when Concur sent none. */
  imageId: string | null;
  /** From the image host's answer (application/pdf, image/png, image/jpeg). */
  contentType: string | null;
  /** Bytes, when the image host sends Content-Length. */
  size: number | null;
}

export interface ImageService {
  /** The image's description; NOT_FOUND (naming the paths tried) when no id form serves one. */
  find(caller: Caller, companyId: string, subject: ImageSubject): Promise<ImageDescription>;
  /** The same, null instead of NOT_FOUND (the image fields of financial documents). */
  describe(caller: Caller, companyId: string, subject: ImageSubject): Promise<ImageDescription | null>;
  /** The image's bytes, streamed from a URL asked for now (and once more if the image host says it expired). */
  open(caller: Caller, companyId: string, subject: ImageSubject, preferred?: ImageForm): Promise<FileStream>;
}

export interface ImageServiceOptions {
  client: ConcurClient;
  authScheme?: XmlAuthScheme;
  logger: Logger;
  /** Image calls at once per company (spec Q10: rate limits unknown). Default 4. */
  perCompanyConcurrency?: number;
  /** How long a description is reused for the same caller, company and subject, ms. Default 60 000. */
  describeTtlMs?: number;
  /** Largest image a download streams, bytes (config `files.imageMaxBytes`). Default 50 MiB. */
  maxBytes?: number;
}

/** Default of {@link ImageServiceOptions.maxBytes}: 50 MiB (spec Q7; Image v1 uploads are at most 10 MB). */
export const DEFAULT_IMAGE_MAX_BYTES = 50 * 1024 * 1024;

export function createImageService(options: ImageServiceOptions): ImageService {
  const api: ImagesApi = createImagesApi({ client: options.client, authScheme: options.authScheme });
  const { client, logger } = options;
  const limits = new Map<string, Limit>();
  const limitOf = (companyId: string) => {
    let limit = limits.get(companyId);
    if (!limit) limits.set(companyId, (limit = createLimit(options.perCompanyConcurrency ?? 4, () => limits.delete(companyId))));
    return limit;
  };
  // Descriptions (never URLs) per caller key: a claim listing the same report twice, or a page read again, asks once.
  const described = new LRUCache<string, Promise<ImageDescription>>({ max: 5_000, ttl: options.describeTtlMs ?? 60_000 });

  const maxBytes = options.maxBytes ?? DEFAULT_IMAGE_MAX_BYTES;

  /**
   * Located and fetched. An image URL is tried in its forms' order (paths.ts imageUrlForms: as given, then an invoice's
   * cut at the `?`); when the image host refuses every form (expired), Image v1 is asked once more (spec §5 step 5).
   */
  async function fetchFresh(caller: Caller, companyId: string, subject: ImageSubject, preferred?: ImageForm): Promise<{ located: LocatedImage; body: Readable; contentType: string | null; contentLength: number | null }> {
    let located = await api.locate(caller, companyId, subject, preferred);
    let status = 0;
    for (let round = 0; round < 2; round++) {
      if (round > 0) {
        logger.debug({ companyId, form: located.form, status }, "image URL refused; asking Image v1 again");
        located = await api.locate(caller, companyId, subject, located.form);
      }
      for (const source of sourcesOf(located)) {
        const answer = await api.fetch(caller, companyId, source);
        if (answer.kind === "ok") return { located, body: answer.body, contentType: answer.contentType, contentLength: answer.contentLength };
        status = answer.status;
      }
    }
    throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur's image host refused a just-issued image URL twice (HTTP ${status}); ask again later`, { upstreamStatus: status });
  }

  const service: ImageService = {
    async describe(caller, companyId, subject) {
      try {
        return await service.find(caller, companyId, subject);
      } catch (error) {
        if (error instanceof CodedError && error.code === ErrorCode.NOT_FOUND) return null;
        throw error;
      }
    },

    async find(caller, companyId, subject) {
      const key = `${caller.key}|${companyId}|${JSON.stringify(subject)}`;
      const known = described.get(key);
      if (known) {
        // Passthrough: a remembered answer reaches a token only if it belongs to this company (token-company.ts).
        await client.verifyTokenCompany?.(caller, companyId);
        return known;
      }
      const pending = limitOf(companyId)(async () => {
        const { located, body, contentType, contentLength } = await fetchFresh(caller, companyId, subject);
        // Only the headers were wanted: the bytes are fetched when the partner downloads.
        body.once("error", () => {}); // undici reports its own abort as an error: expected here
        body.destroy();
        return { subject, form: located.form, imageId: located.imageId || null, contentType: normalisedType(contentType), size: contentLength };
      });
      described.set(key, pending);
      // Only images found are remembered: one attached meanwhile is found on the next ask.
      pending.catch(() => described.delete(key));
      return pending;
    },

    async open(caller, companyId, subject, preferred) {
      const { located, body, contentType, contentLength } = await limitOf(companyId)(() => fetchFresh(caller, companyId, subject, preferred));
      if (contentLength !== null && contentLength > maxBytes) {
        body.once("error", () => {});
        body.destroy();
        throw tooLarge(`is ${contentLength} bytes`, maxBytes);
      }
      return { body: capped(body, maxBytes), contentType: normalisedType(contentType), contentLength, filename: `${located.imageId || "image"}.${extensionOf(contentType)}` };
    },
  };
  return service;
}

const sourcesOf = (located: LocatedImage): ImageSource[] => (located.source.kind === "url" ? imageUrlForms(located.form, located.source.url).map((url) => ({ kind: "url", url })) : [located.source]);

/** PAYLOAD_TOO_LARGE naming the size (or how far it got), the cap and the variable that sets it. */
function tooLarge(what: string, maxBytes: number): CodedError {
  return new CodedError(ErrorCode.PAYLOAD_TOO_LARGE, `The image ${what}, over the gateway's download cap of ${maxBytes} bytes (IMAGE_DOWNLOAD_MAX_BYTES)`, { limit: maxBytes });
}

/**
 * The body, counted while it streams: past `maxBytes` (an image host that sent no Content-Length, or a wrong one) it
 * ends with PAYLOAD_TOO_LARGE and the upstream connection is dropped, so a download is never unbounded.
 */
function capped(body: Readable, maxBytes: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(tooLarge(`passed ${maxBytes} bytes while streaming`, maxBytes));
      else done(null, chunk);
    },
  });
  // pipeline destroys the upstream body when the counter fails (and the counter when the body fails).
  pipeline(body, counter, () => {});
  return counter;
}

type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `max` tasks at once, the rest in arrival order; `idle` when nothing runs or waits (its entry is dropped). */
function createLimit(max: number, idle: () => void): Limit {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A waiter is handed the slot of the task that ends (running is not decremented), so nobody overtakes it.
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else if (--running === 0) idle();
    }
  };
}

/** The media type without parameters, lower case. */
function normalisedType(raw: string | null): string | null {
  if (!raw) return null;
  const type = raw.split(";")[0].trim().toLowerCase();
  return type === "image/jpg" ? "image/jpeg" : type || null;
}

function extensionOf(type: string | null): string {
  const normal = normalisedType(type);
  return normal === "application/pdf" ? "pdf" : normal === "image/png" ? "png" : normal === "image/jpeg" ? "jpg" : "bin";
}

/**
 * The Content-Type the download answers: the image host's when it is an image or a PDF; otherwise from the first bytes
 * (`%PDF`, the PNG signature, JPEG's FF D8 FF); else application/octet-stream (never a type that a browser runs).
 */
export function imageContentTypeOf(upstream: string | null, first: Buffer): string {
  const type = normalisedType(upstream);
  if (type === "application/pdf" || type === "image/png" || type === "image/jpeg" || type === "image/gif" || type === "image/tiff") return type;
  if (first.subarray(0, 4).toString("latin1") === "%PDF") return "application/pdf";
  if (first.length >= 8 && first.readUInt32BE(0) === 0x89504e47) return "image/png";
  if (first.length >= 3 && first[0] === 0xff && first[1] === 0xd8 && first[2] === 0xff) return "image/jpeg";
  return "application/octet-stream";
}
