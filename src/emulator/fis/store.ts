import { randomUUID } from "node:crypto";
import type { DocStatus, DocType, LosslessJson } from "./types.js";

/** One FIDocument and what the emulator remembers about it (spec §2.1, §5). */
export interface FisDocument {
  /** FIDocument `id`: 32 lower-case hex, new on every (re-)approval [BLOG]. */
  id: string;
  docType: DocType;
  /** Company UUID (= the token's company, `companyUuid`). */
  companyUuid: string;
  /** Legacy company id (`companyId`, e.g. "821599"). */
  legacyCompanyId: string;
  entityId: string;
  erpSystemId: string | null;
  /** The financial document (lossless numbers). */
  document: LosslessJson;
  status: DocStatus;
  /** Recalled by the processor (only READY or failed documents can be): ack -> 102, confirm -> 112. */
  recalled: boolean;
  /** The admin armed a recall that happens when the next acknowledgement arrives (the race of spec §2.2). */
  recallOnNextAcknowledge: boolean;
  /** `systemId` of the acknowledgement (null when sent as null / absent). */
  systemId: string | null;
  /** The posting confirmation item as received (admin inspection). */
  postingConfirmation?: LosslessJson;
  /** Payment confirmation items as received, in order. */
  paymentConfirmations: LosslessJson[];
  /** Last accepted `processingStatusCode` (CP, PP, RE, OB). */
  paymentStatus?: string;
  /** Id of the document that replaced this one on re-approval. */
  replacedBy?: string;
  /** Insertion sequence: the READY queue's order. */
  seq: number;
}

export const newDocId = (): string => randomUUID().replace(/-/g, "");

/** Every FIS document of one emulator instance, in READY-queue (insertion) order per company. */
export class FisStore {
  private readonly docs = new Map<string, FisDocument>();
  /** `paymentRef`s already confirmed, per company (duplicate -> 298 NOOP). */
  private readonly paymentRefs = new Map<string, Map<string, string>>();
  private seq = 0;

  add(doc: Omit<FisDocument, "seq" | "recalled" | "recallOnNextAcknowledge" | "systemId" | "paymentConfirmations" | "status"> & { status?: DocStatus }): FisDocument {
    const full: FisDocument = { status: "READY", recalled: false, recallOnNextAcknowledge: false, systemId: null, paymentConfirmations: [], ...doc, seq: this.seq++ };
    this.docs.set(full.id, full);
    return full;
  }

  get(id: string): FisDocument | undefined {
    return this.docs.get(id.toLowerCase());
  }

  /** A company's documents in queue order. */
  ofCompany(companyUuid: string): FisDocument[] {
    const key = companyUuid.toLowerCase();
    return [...this.docs.values()].filter((d) => d.companyUuid === key);
  }

  /** The confirmation (as "companyCode/financialDocumentId/fiscalYear/paymentRef") that used `paymentRef` first, if any. */
  paymentRefUse(companyUuid: string, paymentRef: string): string | undefined {
    return this.paymentRefs.get(companyUuid)?.get(paymentRef);
  }

  usePaymentRef(companyUuid: string, paymentRef: string, label: string): void {
    let refs = this.paymentRefs.get(companyUuid);
    if (!refs) this.paymentRefs.set(companyUuid, (refs = new Map()));
    refs.set(paymentRef, label);
  }

  clear(): void {
    this.docs.clear();
    this.paymentRefs.clear();
    this.seq = 0;
  }
}
