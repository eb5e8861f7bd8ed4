// Download URLs for extract and payment-batch files: short-lived, HMAC-signed, bound to the company and the caller
// that asked; the route checks the caller's rights again when the URL is fetched (src/http/files.ts).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ImageForm, ImageSubject } from "../datasources/index.js";

/** What a download URL points at (never a raw upstream URL: the route rebuilds the path from these ids). */
export type FileRef =
  | { kind: "extract"; companyId: string; definitionId: string; jobId: string }
  | { kind: "batch"; companyId: string; fileKey: string }
  /** A receipt or invoice image (services/images.ts): what it is of, and the id form that served last (tried first). */
  | { kind: "image"; companyId: string; subject: ImageSubject; form?: ImageForm };

export interface SignedDownload {
  /** Absolute URL on the gateway (its public origin). */
  url: string;
  /** The same, as a path on the gateway. */
  path: string;
  /** Epoch ms. */
  expiresAt: number;
}

export type VerifiedDownload = { ok: true; ref: FileRef; callerKey: string } | { ok: false; reason: "invalid" | "expired" };

export interface FileLinks {
  sign(ref: FileRef, callerKey: string): SignedDownload;
  verify(token: string): VerifiedDownload;
  /** The composition root tells where the gateway listens (unless PUBLIC_URL is configured). */
  useOrigin(origin: () => string | undefined): void;
}

export const FILES_PATH = "/files";

export interface FileLinksOptions {
  /** HMAC key; default 32 random bytes (per instance). */
  secret?: string;
  ttlSeconds: number;
  publicUrl?: string;
  now?: () => number;
}

interface Claims {
  v: 1;
  k: "e" | "b" | "i";
  c: string;
  /** Image subject and form (k "i"). */
  s?: ImageSubject;
  m?: ImageForm;
  d?: string;
  j?: string;
  f?: string;
  /** Caller key (sha256 prefix of the caller's token, or of the connection epoch in managed mode). */
  a: string;
  /** Expiry, epoch seconds. */
  x: number;
}

export function createFileLinks(options: FileLinksOptions): FileLinks {
  const key = options.secret !== undefined ? Buffer.from(options.secret, "utf8") : randomBytes(32);
  const now = options.now ?? Date.now;
  let origin: () => string | undefined = () => undefined;
  const mac = (payload: string) => createHmac("sha256", key).update(payload).digest();

  return {
    sign(ref, callerKey) {
      const expiresAt = now() + options.ttlSeconds * 1000;
      const x = Math.ceil(expiresAt / 1000);
      const claims: Claims = ref.kind === "extract"
        ? { v: 1, k: "e", c: ref.companyId, d: ref.definitionId, j: ref.jobId, a: callerKey, x }
        : ref.kind === "batch"
          ? { v: 1, k: "b", c: ref.companyId, f: ref.fileKey, a: callerKey, x }
          : { v: 1, k: "i", c: ref.companyId, s: ref.subject, ...(ref.form ? { m: ref.form } : {}), a: callerKey, x };
      const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
      const path = `${FILES_PATH}/${payload}.${mac(payload).toString("base64url")}`;
      const base = options.publicUrl ?? origin() ?? "";
      return { url: `${base}${path}`, path, expiresAt: claims.x * 1000 };
    },
    verify(token) {
      const [payload, signature, extra] = token.split(".");
      if (!payload || !signature || extra !== undefined || token.length > 4096) return { ok: false, reason: "invalid" };
      const expected = mac(payload);
      const given = Buffer.from(signature, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
      let claims: Claims;
      try {
        claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Claims;
      } catch {
        return { ok: false, reason: "invalid" };
      }
      if (claims.v !== 1 || typeof claims.c !== "string" || typeof claims.a !== "string" || typeof claims.x !== "number") return { ok: false, reason: "invalid" };
      if (claims.x * 1000 <= now()) return { ok: false, reason: "expired" };
      if (claims.k === "e" && typeof claims.d === "string" && typeof claims.j === "string") {
        return { ok: true, callerKey: claims.a, ref: { kind: "extract", companyId: claims.c, definitionId: claims.d, jobId: claims.j } };
      }
      if (claims.k === "b" && typeof claims.f === "string") return { ok: true, callerKey: claims.a, ref: { kind: "batch", companyId: claims.c, fileKey: claims.f } };
      // Signed by this gateway, so the subject is one it wrote; its ids are checked again when the paths are built.
      if (claims.k === "i" && claims.s !== null && typeof claims.s === "object" && typeof claims.s.of === "string") {
        return { ok: true, callerKey: claims.a, ref: { kind: "image", companyId: claims.c, subject: claims.s, ...(typeof claims.m === "string" ? { form: claims.m } : {}) } };
      }
      return { ok: false, reason: "invalid" };
    },
    useOrigin(provider) {
      origin = provider;
    },
  };
}
