// The face of the Concur client layer: the only module outside src/datasources imports. Everything that knows Concur's
// REST shapes (URLs, headers, tokens, paging, limits, retries, caching, status codes) lives behind it.
export { callerFromAuthorization, callerKeyOf, type Caller } from "./client/caller.js";
export { isStillCurrent, ReadLog, type CacheRead, type CompanyCheck } from "./client/read-log.js";
export { createConcurClient, READ_POLICY, SEND_ONCE_POLICY, IDEMPOTENT_WRITE_POLICY, type ConcurClient, type ConcurClientOptions, type ConcurCall, type RetryPolicy, type UpstreamExchange } from "./client/pipeline.js";
export { passthroughTokens, type TokenSource } from "./client/tokens.js";
export { createPageCache, type PageCache } from "./client/page-cache.js";
export { createPacer, type Pacer, type PacingSlot } from "./client/pacing.js";
export type { WriteBatch, WriteBatchObserver } from "./client/batch-observer.js";
export { createTokenTrust, type TokenTrust } from "./client/token-trust.js";
export { createTokenCompanyCheck, pathNamesCompany, type TokenCompanyCheck } from "./client/token-company.js";
export { followNextLinks } from "./client/paging.js";
export * from "./accounting/index.js";
export * from "./fis/index.js";
export * from "./auth/index.js";
export * from "./lists/index.js";
export * from "./extracts/index.js";
export * from "./invoice/index.js";
export * from "./ess/index.js";
export * from "./images/index.js";
