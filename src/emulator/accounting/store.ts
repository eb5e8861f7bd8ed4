import { ACCOUNTING_LIMITS } from "./limits.js";
import type { JsonObject } from "../core/types.js";
import type { ErpPackage, MappingsResponse, ObjectType, ProcessingError, RequestState, StoredRecord } from "./types.js";

/**
 * The cached ERP data of one object type. Map order is insertion order, which GET returns;
 * `version` changes on every mutation so serialized pages can be cached between writes.
 */
export class RecordSet {
  private readonly records = new Map<string, StoredRecord>();
  /** When each key was last sent (vendors only use it, for the 150-day employee TTL). */
  private readonly sentAt = new Map<string, number>();
  private serialized: string[] | null = null;
  private serializedBytes: number[] | null = null;
  /** Earliest time a TTL scan can find something to expire; avoids scanning on every GET. */
  private nextExpiryScanAt = Number.POSITIVE_INFINITY;
  /** Serialized GET pages of the current version, keyed by "offset:pageBytes". */
  readonly pageCache = new Map<string, Buffer>();
  version = 0;
  /** Next index for generated (admin-seeded) records, so generated ids never collide. */
  seedSeq = 0;

  get size(): number {
    return this.records.size;
  }

  get(key: string): StoredRecord | undefined {
    return this.records.get(key);
  }

  upsert(key: string, record: StoredRecord, nowMs: number): void {
    this.records.set(key, record);
    this.sentAt.set(key, nowMs);
    this.nextExpiryScanAt = Math.min(this.nextExpiryScanAt, nowMs + ACCOUNTING_LIMITS.employeeVendorTtlMs);
    this.touch();
  }

  delete(key: string): boolean {
    this.sentAt.delete(key);
    const had = this.records.delete(key);
    if (had) this.touch();
    return had;
  }

  clear(): void {
    this.records.clear();
    this.sentAt.clear();
    this.touch();
  }

  values(): IterableIterator<StoredRecord> {
    return this.records.values();
  }

  entries(): IterableIterator<[string, StoredRecord]> {
    return this.records.entries();
  }

  lastSentAt(key: string): number | undefined {
    return this.sentAt.get(key);
  }

  /**
   * [INFERRED Q13] drops EMPLOYEE vendors not re-sent within 150 days (spec 1.2: employee vendors have a 150-day TTL).
   * Cheap when nothing can have expired yet.
   */
  expireEmployeeVendors(nowMs: number): void {
    if (nowMs < this.nextExpiryScanAt) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [key, record] of [...this.records.entries()]) {
      if (!("type" in record) || record.type !== "EMPLOYEE") continue;
      const expiresAt = (this.sentAt.get(key) ?? nowMs) + ACCOUNTING_LIMITS.employeeVendorTtlMs;
      if (expiresAt <= nowMs) this.delete(key);
      else next = Math.min(next, expiresAt);
    }
    this.nextExpiryScanAt = next;
  }

  /** JSON text of every record, computed once per version. */
  serializedRecords(): string[] {
    if (!this.serialized) this.serialized = [...this.records.values()].map((r) => JSON.stringify(r));
    return this.serialized;
  }

  /** UTF-8 byte length of each serialized record, computed once per version. */
  serializedLengths(): number[] {
    if (!this.serializedBytes) this.serializedBytes = this.serializedRecords().map((s) => Buffer.byteLength(s));
    return this.serializedBytes;
  }

  private touch(): void {
    this.version += 1;
    this.serialized = null;
    this.serializedBytes = null;
    this.pageCache.clear();
  }
}

export interface RequestRecord {
  requestId: string;
  companyId: string;
  erpId: string;
  objectType: ObjectType;
  status: RequestState;
  errors: ProcessingError[];
  /** Serialized error pages (errors never change once the request is final). */
  errorPageCache: Map<string, Buffer>;
  acceptedAt: number;
  correlationId: string;
  partnerId: string;
}

export interface Erp {
  pkg: ErpPackage;
  companyId: string;
  /** OAuth client id of the registering caller: `facts.partnerId` of events [INFERRED Q15]. */
  partnerId: string;
  data: Record<ObjectType, RecordSet>;
  requests: Map<string, RequestRecord>;
  mappings: MappingsResponse;
  /** Last accepted write per object type, for the 1/s rate limit [INFERRED Q5]. */
  lastWriteAt: Partial<Record<ObjectType, number>>;
}

export interface Company {
  id: string;
  erps: Map<string, Erp>;
  /** Last successful registration, for the 1/min limit [INFERRED Q5]. */
  lastRegisterAt?: number;
}

/** All mutable Concur state of one emulator instance. */
export class Store {
  readonly companies = new Map<string, Company>();

  ensureCompany(id: string): Company {
    let c = this.companies.get(id);
    if (!c) {
      c = { id, erps: new Map() };
      this.companies.set(id, c);
    }
    return c;
  }

  clear(): void {
    this.companies.clear();
  }

  findErp(companyId: string, erpId: string): Erp | undefined {
    return this.companies.get(companyId)?.erps.get(erpId);
  }
}

export function newErp(companyId: string, pkg: ErpPackage, partnerId: string, mappings: MappingsResponse): Erp {
  return {
    pkg,
    companyId,
    partnerId,
    data: { ACCOUNT: new RecordSet(), VENDOR: new RecordSet(), LIST: new RecordSet(), TAX: new RecordSet() },
    requests: new Map(),
    mappings,
    lastWriteAt: {},
  };
}

/** A pending data write: the parsed body waiting in its (company, ERP, type) queue. */
export interface PendingWrite {
  request: RequestRecord;
  deleteAll: boolean;
  data: JsonObject[];
  /** PUT taxData replaces everything and ignores isDeleted (spec 1.2d). */
  replaceAll: boolean;
}
