// GET /files/<signed reference>: streams an extract or payment-batch file, or a receipt / invoice image, from Concur. The reference is signed and
// short-lived (services/extract-files.ts); the caller is authorized exactly like a GraphQL caller, again, at fetch
// time. A bad, expired or foreign reference is refused (403) before any upstream call.
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Express, Request, Response } from "express";
import type { FileStream } from "../datasources/index.js";
import { createContext } from "../context.js";
import { CodedError, ErrorCode, errorBody, logUnexpected } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services/index.js";
import { FILES_PATH } from "../services/extract-files.js";
import { imageContentTypeOf } from "../services/images.js";

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NEEDS_RECONNECT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UPSTREAM_TIMEOUT]: 504,
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 503,
  [ErrorCode.UPSTREAM_ERROR]: 502,
  // The file Concur has is over the gateway's cap (IMAGE_DOWNLOAD_MAX_BYTES): the upstream's answer is unusable.
  [ErrorCode.PAYLOAD_TOO_LARGE]: 502,
};

/** Registers the download route and tells the link signer where the gateway listens. */
export function mountFileDownloads(app: Express, services: Services, origin: () => string | undefined, logger: Logger): void {
  services.posting.links.useOrigin(origin);
  app.get(`${FILES_PATH}/:ref`, (req, res) => {
    download(services, req, res, logger).catch((err: unknown) => {
      const errorId = logUnexpected(logger, err, {}, "file download failed");
      if (!res.headersSent) refuse(res, ErrorCode.INTERNAL_SERVER_ERROR, `Internal server error (error id ${errorId})`, 500);
      else res.destroy();
    });
  });
}

function refuse(res: Response, code: ErrorCode, message: string, status = STATUS_OF[code] ?? 500): void {
  res.status(status).set({ "content-type": "application/json", "cache-control": "no-store" }).end(errorBody(code, message));
}

async function download(services: Services, req: Request, res: Response, logger: Logger): Promise<void> {
  const verified = services.posting.links.verify(String(req.params.ref));
  if (!verified.ok) {
    const message = verified.reason === "expired" ? "This download URL has expired: ask GraphQL for the file again." : "This is not a valid download URL.";
    return refuse(res, ErrorCode.FORBIDDEN, message, 403);
  }
  const { ref, callerKey } = verified;
  let file: FileStream;
  try {
    const ctx = await createContext(services, {
      authorization: req.headers.authorization,
      apiKey: typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : undefined,
      correlationId: req.headers["concur-correlationid"],
    });
    const caller = ctx.requireCaller(ref.companyId, "read");
    // Bound to who asked: another token (passthrough) or another connection epoch (managed) cannot use it.
    if (caller.key !== callerKey) return refuse(res, ErrorCode.FORBIDDEN, "This download URL was issued to another caller.", 403);
    const { files } = services.posting;
    if (ref.kind === "image") file = await services.images.open(caller, ref.companyId, ref.subject, ref.form);
    else file = ref.kind === "extract" ? await files.openJobFile(caller, ref.companyId, ref.definitionId, ref.jobId) : await files.openBatchFile(caller, ref.companyId, ref.fileKey);
  } catch (error) {
    if (error instanceof CodedError) return refuse(res, error.code, error.message);
    throw error;
  }
  let first: Buffer;
  let rest: AsyncIterable<Buffer>;
  try {
    ({ first, rest } = await peek(file.body));
  } catch (error) {
    if (error instanceof CodedError) return refuse(res, error.code, error.message);
    throw error;
  }
  // node's setHeader, not express's set: the file's charset is unknown (spec Q8), so none is claimed.
  res.statusCode = 200;
  res.setHeader("content-type", ref.kind === "image" ? imageContentTypeOf(file.contentType, first) : contentTypeOf(file.contentType, first));
  res.setHeader("content-disposition", `attachment; filename="${safeFilename(file.filename) ?? (ref.kind === "image" ? "image.bin" : isZip(first) ? "file.zip" : "file.csv")}"`);
  res.setHeader("cache-control", "no-store");
  res.setHeader("x-content-type-options", "nosniff");
  if (file.contentLength !== null) res.setHeader("content-length", String(file.contentLength));
  if (first.length > 0) res.write(first);
  try {
    await pipeline(rest, res);
  } catch (error) {
    // Too large once counted (no or a wrong Content-Length): the status is sent, so the connection is cut mid-body and
    // the client sees an incomplete download, never a complete-looking one.
    if (!(error instanceof CodedError)) throw error;
    logger.warn({ companyId: ref.companyId, kind: ref.kind, code: error.code }, `file download cut: ${error.message}`);
    res.destroy();
    return;
  }
  logger.debug({ companyId: ref.companyId, kind: ref.kind }, "file downloaded");
}

/** The first chunk (for the `PK` magic) and an iterator over the remainder. */
async function peek(body: Readable): Promise<{ first: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head = await iterator.next();
  const first = head.done ? Buffer.alloc(0) : Buffer.from(head.value);
  const rest = { [Symbol.asyncIterator]: () => iterator };
  return { first, rest };
}

const isZip = (first: Buffer) => first.length >= 4 && first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04;

/** ZIP when Concur says so or the bytes start with `PK\x03\x04` (spec Q8); CSV when it says CSV; else bytes. */
export function contentTypeOf(upstream: string | null, first: Buffer): string {
  const type = (upstream ?? "").toLowerCase();
  if (type.includes("zip") || isZip(first)) return "application/zip";
  if (type.includes("csv")) return "text/csv";
  if (type.startsWith("text/plain")) return "text/plain";
  return "application/octet-stream";
}

/** An upstream file name fit for a quoted header value: no quotes, backslashes, control or non-ASCII characters. */
function safeFilename(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  const clean = name.replace(/[^\x20-\x7e]|["\\]/g, "_").slice(0, 200);
  return clean.trim() === "" ? undefined : clean;
}
