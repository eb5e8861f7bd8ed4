// Passthrough mode forwards the caller's own Concur token. Accounting Integration v4 names the company in its paths,
// so Concur itself refuses a token of another company; every other API the gateway calls (FIS, List v4, Extracts,
// Payment Batches, Profile, Invoice) is scoped by the token alone, and would answer company B's data to a request
// labelled `companyId: A`. So before such a call the gateway learns, once per token and trust window, which company
// the token belongs to (Profile v1 `/me` answers the company for a company token) and refuses a mismatch with
// FORBIDDEN before any data is fetched.
import { LRUCache } from "lru-cache";
import { sameCompany } from "../../company-id.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Caller } from "./caller.js";

/** Whether Concur checks the company itself: its path names the company (Accounting Integration v4). */
export function pathNamesCompany(path: string): boolean {
  let pathname = path;
  if (/^https?:\/\//i.test(path)) {
    try {
      pathname = new URL(path).pathname;
    } catch {
      return false;
    }
  }
  return /^\/accountingintegration\//i.test(pathname);
}

export interface TokenCompanyCheck {
  /** Resolves when the caller's token belongs to `companyId`; FORBIDDEN (before any data call) when it does not. */
  verify(caller: Caller, companyId: string): Promise<void>;
  /** Tokens (and token-company pairs) remembered now, and lookups in flight (tests, metrics); each bounded by `maxTokens`. */
  readonly sizes: { readonly tokens: number; readonly confirmed: number; readonly asking: number };
}

export interface TokenCompanyCheckOptions {
  /** The company a token belongs to, asked of Concur (one call: Profile v1 /me). */
  lookup(caller: Caller): Promise<string>;
  /**
   * Where the lookup cannot tell (Profile v1 is deprecated: it may fail, or answer 404 for everyone): whether Concur
   * lets this token act for `companyId` on an API that names the company in its path (Accounting Integration), true
   * or false; transient failures throw.
   */
  confirm?(caller: Caller, companyId: string): Promise<boolean>;
  /** How long an answer is kept per token, ms (config `tokenTrustSeconds`); 0 keeps none (concurrent asks still share one call). */
  ttlMs: number;
  /** Tokens remembered at most (a flood of random tokens cannot grow memory past this). Default 10,000. */
  maxTokens?: number;
}

export function createTokenCompanyCheck(options: TokenCompanyCheckOptions): TokenCompanyCheck {
  const known = options.ttlMs > 0 ? new LRUCache<string, string>({ max: options.maxTokens ?? 10_000, ttl: options.ttlMs }) : undefined;
  const asking = new Map<string, Promise<string>>();

  const companyOf = (caller: Caller): Promise<string> => {
    const cached = known?.get(caller.key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = asking.get(caller.key);
    if (!pending) {
      pending = options
        .lookup(caller)
        .then((company) => {
          known?.set(caller.key, company);
          return company;
        })
        .finally(() => asking.delete(caller.key));
      asking.set(caller.key, pending);
    }
    return pending;
  };

  const confirmed = options.ttlMs > 0 ? new LRUCache<string, true>({ max: options.maxTokens ?? 10_000, ttl: options.ttlMs }) : undefined;
  const passing = [ErrorCode.UPSTREAM_UNAVAILABLE, ErrorCode.UPSTREAM_TIMEOUT, ErrorCode.RATE_LIMITED] as string[];
  const refuse = (companyId: string) => new CodedError(ErrorCode.FORBIDDEN, `This Concur token belongs to another company than companyId ${companyId}: send that company's token.`);

  return {
    get sizes() {
      return { tokens: known?.size ?? 0, confirmed: confirmed?.size ?? 0, asking: asking.size };
    },
    async verify(caller, companyId) {
      let company: string | undefined;
      let unknown: unknown;
      try {
        company = await companyOf(caller);
      } catch (error) {
        unknown = error;
      }
      if (company !== undefined && company !== "") {
        if (!sameCompany(company, companyId)) throw refuse(companyId);
        return;
      }
      // Profile could not tell: ask the API that checks the company itself, once per token and company.
      const key = `${caller.key}|${companyId.toLowerCase()}`;
      if (confirmed?.get(key)) return;
      if (options.confirm) {
        if (!(await options.confirm(caller, companyId))) throw refuse(companyId);
        confirmed?.set(key, true);
        return;
      }
      // Concur could not be asked right now: the caller may retry. Any other answer leaves the company unknown: say
      // so, and never answer unchecked.
      if (unknown instanceof CodedError && passing.includes(unknown.code)) throw unknown;
      const code = unknown instanceof CodedError ? unknown.code : "no company id";
      throw new CodedError(ErrorCode.FORBIDDEN, `The gateway could not learn which company this Concur token belongs to (Profile v1 /me: ${code}; a company token with the company.read scope is needed), so it answers nothing for companyId ${companyId}.`);
    },
  };
}
