import { randomUUID } from "node:crypto";
import type { TokenGrant } from "../core/auth.js";
import { HttpError } from "../core/errors.js";
import { homeOf, servesApiCalls } from "../core/geolocation.js";
import { header } from "../core/guards.js";
import type { Reply, RequestContext } from "../core/http.js";
import type { Handler } from "../core/router.js";
import { afterApplyFaultFor } from "./after-apply.js";
import type { InvoiceContext } from "./context.js";
import type { CompanyInvoice } from "./store.js";

/** A v3 failure answered in one of the legacy bodies (vendor spec §1 [HTTP], Q10; PO spec §1 "HTTP statuses"). */
export class LegacyError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** `message`: `{Message}` (the vendor swagger's 400); `error`: `{Error: {Message, Server-Time, Id}}`; `empty`: no body (PO `Void` 400). */
    readonly form: "message" | "error" | "empty" = "error",
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export type InvoiceHandler = (req: RequestContext, company: CompanyInvoice, grant: TokenGrant) => Promise<Reply>;

const SCHEME = /^(Bearer|OAuth)\s+(\S+)\s*$/i;

/**
 * The v3 checks: 401 without `Authorization: Bearer <token>` or `OAuth <token>` (the legacy scheme v3 pages still
 * show), or at another data center than the company's; 403 for a token that fails validation or expired, without
 * `scope`, or when the company has not granted the app (admin route); then the handler, and for the create/update
 * writes (`afterApplyFault`) the after-apply fault. Every failure, the shared edge's included, in a legacy body. The
 * company is the token's.
 */
export function invoiceRoute(ctx: InvoiceContext, scope: string, handler: InvoiceHandler, options: { write?: boolean; afterApplyFault?: boolean } = {}): Handler {
  return async (req) => {
    try {
      const raw = header(req, "authorization");
      if (!raw) throw new LegacyError(401, "No Authorization header: send 'Authorization: Bearer <access token>'");
      const match = SCHEME.exec(raw);
      if (!match) throw new LegacyError(401, "Authorization header must be 'Bearer <token>' or 'OAuth <token>'");
      let grant: TokenGrant;
      try {
        grant = ctx.tokens.authenticate(`Bearer ${match[2]}`);
      } catch {
        // [HTTP]: 401 is "no Authorization header"; a token that fails validation or expired is 403.
        throw new LegacyError(403, "The access token failed validation or has expired");
      }
      if (!servesApiCalls(ctx, grant.companyId, req.site)) {
        throw new LegacyError(401, `Token is not valid in data center ${req.site.name}; the company lives at ${homeOf(ctx, grant.companyId)?.url}`);
      }
      if (!grant.scopes.includes(scope)) throw new LegacyError(403, `The application has not been granted ${scope} for this company`);
      ctx.companies.ensure(grant.companyId);
      const company = ctx.invoice.company(grant.companyId);
      // [HTTP]: "or the company has not granted the app" (a renewed token is refused the same way).
      if (!company.granted) throw new LegacyError(403, "The company has not granted this application access to Concur Invoice");
      if (options.write) rateLimit(ctx, company);
      const reply = await handler(req, company, grant);
      // The create/update writes can lose or hold their answer once applied (invoiceWritesAfterApply).
      const fault = options.afterApplyFault ? afterApplyFaultFor(ctx, reply) : undefined;
      if (fault === "500") throw new LegacyError(500, "Internal server error (injected fault, after the request was applied)");
      // Sent even when the client has gone meanwhile (a killed gateway): the write stays applied either way.
      if (fault !== undefined) await new Promise<void>((resolve) => ctx.timers.set(resolve, fault) ?? resolve());
      return reply;
    } catch (err) {
      if (err instanceof LegacyError) return legacyReply(ctx, err);
      if (err instanceof HttpError) return legacyReply(ctx, new LegacyError(err.status, err.message, err.status === 400 ? "message" : "error", err.headers));
      return legacyReply(ctx, new LegacyError(500, "Internal server error"));
    }
  };
}

/** 429 once the company sent `invoiceWritesPerSecond` write calls in the last second ("slow the rate of requests"). */
function rateLimit(ctx: InvoiceContext, company: CompanyInvoice): void {
  const limit = ctx.invoiceSettings.invoiceWritesPerSecond;
  if (limit <= 0) return;
  const now = ctx.now();
  company.writes = company.writes.filter((t) => now - t < 1000);
  if (company.writes.length >= limit) {
    throw new LegacyError(429, "The server is overloaded: slow the rate of requests", "error", { "retry-after": "1" });
  }
  company.writes.push(now);
}

export function legacyReply(ctx: InvoiceContext, err: LegacyError): Reply {
  if (err.form === "empty") return { status: err.status, headers: err.headers };
  if (err.form === "message") return { status: err.status, body: { Message: err.message }, headers: err.headers };
  return { status: err.status, body: { Error: { Message: err.message, "Server-Time": new Date(ctx.now()).toISOString(), Id: randomUUID().toUpperCase() } }, headers: err.headers };
}

/** The host records and NextPage name: the legacy host (as the swagger shows) or this data center. */
export function linkBase(ctx: InvoiceContext, req: RequestContext): string {
  return ctx.invoiceSettings.invoiceLegacyLinks ? "https://www.concursolutions.com" : req.site.url;
}

/** The JSON body, or null when there is none or it is not JSON. */
export async function jsonOrNull(req: RequestContext): Promise<unknown> {
  const buf = await req.body();
  if (buf.length === 0) return null;
  try {
    return JSON.parse(buf.toString("utf8")) as unknown;
  } catch {
    return null;
  }
}
