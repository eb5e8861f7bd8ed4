import DataLoader from "dataloader";
import type { Caller } from "../client/caller.js";
import type { ConcurReader, ErpDataType, ErpRecordByType } from "./reader.js";
import type { ErpPackage, RequestStatus } from "./wire/index.js";

/**
 * Per-operation DataLoaders for federation `_entities`: N representations of one type become the fewest
 * upstream calls. Records have no get-by-id upstream, so ids of one (company, ERP, type) are resolved together
 * by walking that list's (cached) pages once, only as far as the last wanted id.
 */
export interface RequestLoaders {
  erp: DataLoader<{ companyId: string; erpId: string }, ErpPackage, string>;
  request: DataLoader<{ companyId: string; erpId: string; requestId: string }, RequestStatus, string>;
  record<K extends ErpDataType>(type: K, companyId: string, erpId: string): DataLoader<string, ErpRecordByType[K] | null>;
}

export function createRequestLoaders(reader: ConcurReader, caller: Caller): RequestLoaders {
  const recordLoaders = new Map<string, DataLoader<string, unknown>>();
  return {
    erp: new DataLoader(
      (refs) => Promise.all(refs.map((ref) => reader.getErp(caller, ref.companyId, ref.erpId).catch((error: Error) => error))),
      { cacheKeyFn: (ref) => `${ref.companyId}|${ref.erpId}` },
    ),
    request: new DataLoader(
      (refs) => Promise.all(refs.map((ref) => reader.getRequest(caller, ref.companyId, ref.erpId, ref.requestId).catch((error: Error) => error))),
      { cacheKeyFn: (ref) => `${ref.companyId}|${ref.erpId}|${ref.requestId}` },
    ),
    record<K extends ErpDataType>(type: K, companyId: string, erpId: string) {
      const key = `${type}|${companyId}|${erpId}`;
      let loader = recordLoaders.get(key);
      if (!loader) {
        loader = new DataLoader<string, unknown>((ids) => reader.findRecords(caller, { companyId, erpId, type }, ids));
        recordLoaders.set(key, loader);
      }
      return loader as DataLoader<string, ErpRecordByType[K] | null>;
    },
  };
}
