// Accounting Integration v4 (spec: docs/emulator/accounting-v4.md): readers, batched writes, registration,
// ESS event parsing and the wire <-> schema mappers.
export * from "./mappers.js";
export * from "./events.js";
export { accountingPaths, ACCOUNTING_API, ACCOUNTING_SCOPES, type ErpDataType } from "./paths.js";
export { createConcurReader, type ConcurReader, type Connection, type ConnectionArgs, type ErpRecordByType, type ErpListRef, type RequestRef } from "./reader.js";
export { createRequestLoaders, type RequestLoaders } from "./loaders.js";
export { createWriteBatcher, type WriteBatcher, type WriteBatcherOptions } from "./writes/batcher.js";
export { createRegistrar, createRegistrationClient, type Registrar } from "./writes/registration.js";
export { problemsToError, validateAccount, validateAll, validateErpPackage, validateId, validateListName, validateTaxData, validateVendor, type Problem } from "./writes/validate.js";
export type { WireRecord, WriteOp, WriteResult, WriteType, WriteTarget } from "./writes/types.js";
export type { ListMapping as WireListMapping } from "./wire/index.js";
