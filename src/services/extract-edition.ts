// Which edition a company runs and the posting channel it implies: Accounting mappings first, the deprecated Profile
// v1 company resource as fallback (behind configuration), cached per caller and company and checked again on expiry.
import { editionFromCompanyEdition, type Caller, type ConcurReader, type Edition, type FilesApi } from "../datasources/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";

export type EditionSource = "ACCOUNTING_MAPPINGS" | "COMPANY_PROFILE" | "NONE";
export type PostingChannel = "FINANCIAL_INTEGRATION_SERVICE" | "EXTRACT" | "PAYMENT_BATCH" | "UNKNOWN";

/** What the gateway knows about a company's edition. */
export interface EditionView {
  companyId: string;
  edition: Edition;
  source: EditionSource;
  /** Profile v1 values, when the Profile was read. */
  marketingName: string | null;
  offeringCode: string | null;
  companyUuid: string | null;
  fisEnabled: boolean;
  channel: PostingChannel;
  /** Epoch ms of the check. */
  checkedAt: number;
  /** Epoch ms after which it is checked again. */
  recheckAt: number;
  /** Why a source did not tell (e.g. "Profile v1: UPSTREAM_UNAVAILABLE"). */
  notes: string[];
}

export interface EditionServiceOptions {
  reader: ConcurReader;
  files: FilesApi;
  /** Ask Profile v1 when the mappings do not tell. */
  profileV1: boolean;
  /** Lifetime of a known edition, ms (config `EDITION_RECHECK_HOURS`). */
  recheckMs: number;
  /** Lifetime of an UNKNOWN answer, ms (so a passing failure does not stick for a week). Default 5 min. */
  unknownRecheckMs?: number;
  fisEnabled(companyId: string): boolean;
  /** Passthrough mode: the caller's token must belong to the company before a kept answer is shown (ConcurClient.verifyTokenCompany). */
  verifyTokenCompany?: (caller: Caller, companyId: string) => Promise<void>;
  logger: Logger;
  now?: () => number;
}

export interface EditionService {
  get(caller: Caller, companyId: string, options?: { refresh?: boolean }): Promise<EditionView>;
}

/** Spec §4: FIS when enabled, else Extracts for Professional, Payment Batches for Standard. */
export function postingChannelOf(edition: Edition, fisEnabled: boolean): PostingChannel {
  if (fisEnabled) return "FINANCIAL_INTEGRATION_SERVICE";
  if (edition === "PROFESSIONAL") return "EXTRACT";
  if (edition === "STANDARD") return "PAYMENT_BATCH";
  return "UNKNOWN";
}

/** Errors no other source can get past: the caller's credentials themselves. */
const fatal = (error: unknown) => error instanceof CodedError && (error.code === ErrorCode.UNAUTHENTICATED || error.code === ErrorCode.NEEDS_RECONNECT);
const codeOf = (error: unknown) => (error instanceof CodedError ? error.code : "INTERNAL_SERVER_ERROR");

export function createEditionService(options: EditionServiceOptions): EditionService {
  const { reader, files, logger } = options;
  const now = options.now ?? Date.now;
  const unknownMs = options.unknownRecheckMs ?? 5 * 60_000;
  const cache = new Map<string, EditionView>();
  const pending = new Map<string, Promise<EditionView>>();

  async function fromMappings(caller: Caller, companyId: string, notes: string[]): Promise<Edition> {
    try {
      for (const erp of await reader.listErps(caller, companyId)) {
        if (!erp.erpId) continue;
        const edition = editionFromCompanyEdition((await reader.getMappings(caller, companyId, erp.erpId)).companyEdition);
        if (edition !== "UNKNOWN") return edition;
      }
      notes.push("Accounting mappings: no registered ERP states companyEdition");
    } catch (error) {
      if (fatal(error)) throw error;
      notes.push(`Accounting mappings: ${codeOf(error)}`);
    }
    return "UNKNOWN";
  }

  async function detect(caller: Caller, companyId: string): Promise<EditionView> {
    const notes: string[] = [];
    let edition = await fromMappings(caller, companyId, notes);
    let source: EditionSource = edition === "UNKNOWN" ? "NONE" : "ACCOUNTING_MAPPINGS";
    let profile: { marketingName: string | null; offeringCode: string | null; uuid: string | null } = { marketingName: null, offeringCode: null, uuid: null };
    if (edition === "UNKNOWN") {
      if (!options.profileV1) notes.push("Profile v1: turned off (CONCUR_PROFILE_V1=false)");
      else {
        try {
          const read = await files.getCompanyProfile(caller, companyId);
          profile = { marketingName: read.marketingName, offeringCode: read.offeringCode, uuid: read.uuid };
          if (read.edition !== "UNKNOWN") {
            edition = read.edition;
            source = "COMPANY_PROFILE";
          } else notes.push(`Profile v1: marketingName ${read.marketingName === null ? "absent" : JSON.stringify(read.marketingName)} names no edition`);
        } catch (error) {
          if (fatal(error)) throw error;
          logger.warn({ companyId, code: codeOf(error) }, "Profile v1 company call failed; edition unknown");
          notes.push(`Profile v1: ${codeOf(error)}`);
        }
      }
    }
    const fisEnabled = options.fisEnabled(companyId);
    const checkedAt = now();
    return {
      companyId,
      edition,
      source,
      marketingName: profile.marketingName,
      offeringCode: profile.offeringCode,
      companyUuid: profile.uuid,
      fisEnabled,
      channel: postingChannelOf(edition, fisEnabled),
      checkedAt,
      recheckAt: checkedAt + (edition === "UNKNOWN" ? Math.min(unknownMs, options.recheckMs) : options.recheckMs),
      notes,
    };
  }

  return {
    async get(caller, companyId, { refresh = false } = {}) {
      await options.verifyTokenCompany?.(caller, companyId);
      // Per caller: in passthrough mode one token's answer is never shown to another token.
      const key = `${caller.key}|${companyId.toLowerCase()}`;
      const cached = cache.get(key);
      if (cached && !refresh && cached.recheckAt > now()) return cached;
      let running = pending.get(key);
      if (!running) {
        running = detect(caller, companyId).finally(() => pending.delete(key));
        pending.set(key, running);
      }
      const view = await running;
      cache.set(key, view);
      return view;
    },
  };
}
