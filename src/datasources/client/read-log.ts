/**
 * What one GraphQL operation read from the page cache and which company checks it passed, so that its serialized
 * answer can be served again while every one of those reads would still return the very same cached value (see
 * src/http/result-sharing.ts). A read whose value the cache did not keep (TTL 0, a request still PROCESSING, an
 * untrusted token) makes the operation unrepeatable: its answer is never reused.
 */
export class ReadLog {
  readonly reads: CacheRead[] = [];
  readonly checks: CompanyCheck[] = [];
  unrepeatable = false;
  /**
   * A read was loaded from Concur by this operation (or joined such a load) rather than served from the cache. Its
   * answer is then not kept for reuse: with a token per request (many companies, every caller its own token) nothing
   * is ever asked twice, and keeping every answer only made garbage. The next identical operation reads those pages
   * from the cache and its answer is kept.
   */
  loaded = false;
  private checked?: Set<string>;

  /** A value served from (or just stored in) the page cache; `undefined` records a peek that found nothing. */
  read(callerKey: string, scope: string, href: string, value: unknown): void {
    if (this.unrepeatable) return;
    // Bounded: a long-lived context (a subscription) or a huge walk stops recording and is simply not reused.
    if (this.reads.length >= MAX_RECORDED_READS) {
      this.unrepeatable = true;
      return;
    }
    this.reads.push({ callerKey, scope, href, value: typeof value === "object" && value !== null ? new WeakRef(value) : (value as Primitive) });
  }

  /** The operation was allowed to act for `companyId` with `role` as the caller whose cache key is `callerKey`. */
  check(companyId: string | undefined, role: string | undefined, callerKey: string): void {
    const id = `${companyId}\u0000${role}\u0000${callerKey}`;
    this.checked ??= new Set();
    if (this.checked.has(id) || this.unrepeatable) return;
    this.checked.add(id);
    this.checks.push({ companyId, role, callerKey });
  }
}

/** Reads one reusable answer may depend on; an operation past it is answered normally every time. */
export const MAX_RECORDED_READS = 256;

export interface CacheRead {
  callerKey: string;
  scope: string;
  href: string;
  /** Held weakly: a reused answer must not keep an evicted page alive. */
  value: WeakRef<object> | Primitive;
}

type Primitive = string | number | boolean | null | undefined | bigint | symbol;

export interface CompanyCheck {
  companyId: string | undefined;
  role: string | undefined;
  callerKey: string;
}

/** Whether `current` (what the cache holds now) is the very value this read saw; a collected page never matches. */
export function isStillCurrent(read: CacheRead, current: unknown): boolean {
  if (read.value instanceof WeakRef) {
    const seen = read.value.deref();
    return seen !== undefined && seen === current;
  }
  return read.value === current;
}
