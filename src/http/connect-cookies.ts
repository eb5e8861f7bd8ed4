// Short-lived state the Connect page keeps in the browser, encrypted and authenticated (AES-256-GCM) with keys derived
// from CONNECTION_ENCRYPTION_KEYS, so every replica can read what another set, and nothing in them (the pending
// request token, the PKCE verifier) is readable or forgeable by the browser.
import { hkdfSync } from "node:crypto";
import type { Request, Response } from "express";
import { createKeyRing, parseEncryptionKeys, type KeyRing } from "../connections/store/index.js";

export interface SealedCookies {
  /** Sets cookie `name` to the sealed JSON of `value`, readable for `maxAgeMs`. */
  set(res: Response, name: string, purpose: string, value: unknown, maxAgeMs: number): void;
  /** The value of cookie `name` when present, sealed by us for this purpose and not expired. */
  get<T>(req: Request, name: string, purpose: string): T | undefined;
  clear(res: Response, name: string): void;
}

export interface SealedCookieOptions {
  /** CONNECTION_ENCRYPTION_KEYS; each key is only the input of a derived cookie key. */
  encryptionKeys: string;
  /** Cookie path (the landing path: the callback and result pages are under it). */
  path: string;
  /** Send only over HTTPS (when the public URL is https). */
  secure: boolean;
  now?: () => number;
}

/** Reads a Cookie header without a dependency: `a=b; c=d`, values URL-decoded. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    try {
      if (!cookies.has(name)) cookies.set(name, decodeURIComponent(part.slice(at + 1).trim()));
    } catch {
      // Not ours (malformed escape): ignore.
    }
  }
  return cookies;
}

export function createSealedCookies(options: SealedCookieOptions): SealedCookies {
  const now = options.now ?? Date.now;
  // A separate key per purpose of the key material: a cookie can never be opened as a stored refresh token or back.
  const ring: KeyRing = createKeyRing(
    parseEncryptionKeys(options.encryptionKeys).map(({ id, key }) => ({ id, key: Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "concur-graph connect page cookies", 32)) })),
  );
  const attributes = (maxAge?: number) => ({ httpOnly: true, secure: options.secure, sameSite: "lax" as const, path: options.path, ...(maxAge === undefined ? {} : { maxAge }) });
  return {
    set(res, name, purpose, value, maxAgeMs) {
      const sealed = ring.seal(JSON.stringify({ v: value, exp: now() + maxAgeMs }), `connect-cookie:${purpose}`);
      res.cookie(name, sealed, attributes(maxAgeMs));
    },
    get<T>(req: Request, name: string, purpose: string): T | undefined {
      const raw = parseCookies(req.headers.cookie).get(name);
      if (!raw) return undefined;
      try {
        const opened = JSON.parse(ring.open(raw, `connect-cookie:${purpose}`)) as { v: T; exp: number };
        return opened.exp > now() ? opened.v : undefined;
      } catch {
        return undefined;
      }
    },
    clear(res, name) {
      res.clearCookie(name, attributes());
    },
  };
}
