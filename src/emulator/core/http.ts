import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { badRequest, ErrorCode } from "./errors.js";
import { CORE_LIMITS } from "./limits.js";
import type { Site } from "./sites.js";

/** What a route handler returns; the server serializes it and adds the common headers. */
export interface Reply {
  status: number;
  /** JSON value, pre-serialized JSON bytes, or text (for the PEM endpoint). Omitted for 204. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Per-request view handed to route handlers. */
export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  correlationId: string;
  /** The data center (or GLZ host) the request arrived at. */
  site: Site;
  /** Raw body; 400 when larger than the 4 MB payload limit. */
  body(): Promise<Buffer>;
  /** Body parsed as JSON; 400 for anything else. */
  json(): Promise<unknown>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

/**
 * Reads the body but keeps only the first maxBytes + 1 bytes; the rest is drained so the client sees a clean 400
 * instead of a reset connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve({ body: Buffer.concat(chunks), tooLarge }));
    req.on("error", reject);
  });
}

/** Builds the lazy body accessors of a RequestContext; the body is read at most once. */
export function bodyAccessors(req: IncomingMessage): Pick<RequestContext, "body" | "json"> & { consumed: () => boolean } {
  let pending: Promise<{ body: Buffer; tooLarge: boolean }> | undefined;
  const body = async (): Promise<Buffer> => {
    pending ??= readBody(req, CORE_LIMITS.maxPayloadBytes);
    const { body: buf, tooLarge } = await pending;
    if (tooLarge) {
      throw badRequest(`Request payload exceeds the limit of ${CORE_LIMITS.maxPayloadBytes} bytes`, [
        { source: "body", errorCode: "body.invalid", errorMessage: `payload must not exceed ${CORE_LIMITS.maxPayloadBytes} bytes` },
      ], ErrorCode.PayloadTooLarge);
    }
    return buf;
  };
  const parseJson = async (): Promise<unknown> => {
    const buf = await body();
    if (buf.length === 0) {
      throw badRequest("Request body is required", [{ source: "body", errorCode: "body.required", errorMessage: "a JSON body is required" }]);
    }
    try {
      return JSON.parse(buf.toString("utf8")) as unknown;
    } catch {
      throw badRequest("Request body is not valid JSON", [{ source: "body", errorCode: "body.invalid", errorMessage: "body must be valid JSON" }]);
    }
  };
  return { body, json: parseJson, consumed: () => pending !== undefined };
}
