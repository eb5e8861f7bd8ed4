import { LRUCache } from "lru-cache";
import { canonicalCompanyId } from "../company-id.js";
import { isFinalStatus, type RequestStatusValue } from "../datasources/index.js";

/** One Accounting Integration write request this replica saw, with its most advanced status. */
export interface RecentRequest {
  companyId: string;
  erpId: string;
  requestId: string;
  status: RequestStatusValue;
  /** When this replica first saw it (ms since epoch). */
  firstSeenAt: number;
  /** When its status last moved forward here (ms). */
  updatedAt: number;
}

export interface RecentRequestsOptions {
  /** Requests kept per company, newest first. Default 200. */
  perCompany?: number;
  /** How long one is kept after it was first seen, ms. Default 24 h. */
  ttlMs?: number;
  /** Companies remembered (least recently active dropped first). Default 10,000. */
  maxCompanies?: number;
  now?: () => number;
}

/**
 * A bounded, in-memory history of the write requests this replica learned of (the uploads its mutations sent, the
 * statuses its polls and ESS events brought): what the operator console lists. Nothing is persisted: a restart starts
 * empty, and another replica's requests appear here only once this replica hears of them. The status of record stays
 * the tracker's (`request` / `requestStatusChanged`); this only says which requests were recent.
 */
export class RecentRequests {
  readonly #perCompany: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #byCompany: LRUCache<string, Map<string, RecentRequest>>;

  constructor(options: RecentRequestsOptions = {}) {
    this.#perCompany = options.perCompany ?? 200;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
    this.#byCompany = new LRUCache({ max: options.maxCompanies ?? 10_000 });
  }

  /** Notes a status seen for a request; a final status is never replaced by PROCESSING. */
  note(update: { companyId: string; erpId: string; requestId: string; status: RequestStatusValue }): void {
    const companyId = canonicalCompanyId(update.companyId);
    const now = this.#now();
    let requests = this.#byCompany.get(companyId);
    if (!requests) this.#byCompany.set(companyId, (requests = new Map()));
    const key = `${update.erpId}:${update.requestId}`;
    const known = requests.get(key);
    if (known) {
      if (isFinalStatus(known.status) || known.status === update.status) return;
      known.status = update.status;
      known.updatedAt = now;
      return;
    }
    requests.set(key, { companyId, erpId: update.erpId, requestId: update.requestId, status: update.status, firstSeenAt: now, updatedAt: now });
    // Maps keep insertion order: the oldest first seen goes first.
    while (requests.size > this.#perCompany) requests.delete(requests.keys().next().value!);
  }

  /** The company's requests still within the time bound, newest first seen first. */
  list(companyId: string, limit: number): RecentRequest[] {
    const requests = this.#byCompany.get(canonicalCompanyId(companyId));
    if (!requests) return [];
    const oldest = this.#now() - this.#ttlMs;
    for (const [key, request] of requests) {
      if (request.firstSeenAt >= oldest) break;
      requests.delete(key);
    }
    return [...requests.values()].reverse().slice(0, limit);
  }
}
