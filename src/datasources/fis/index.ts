// Financial Integration Service v4 (spec: docs/emulator/financial-integration-v4.md): the READY queue read exactly
// (lossless amounts, shrink-safe walks), coalesced acknowledgements and confirmations with per-document outcomes,
// and the ESS readyForIntegration events.
export { FIS_API, FIS_SCOPE, FIS_DOC_TYPES, FIS_CONFIRMABLE_DOC_TYPES, fisPaths, systemIdFor, type FisDocType } from "./paths.js";
export { plainDecimal, isPlainDecimal, decimalShape, normalizeNumbers } from "./decimal.js";
export { numberedFields, toFinancialDocument, type DocumentSection, type FinancialDocumentRecord, type NumberedField } from "./documents.js";
export { createFisReader, type FisPage, type FisReader, type FisReaderOptions } from "./reader.js";
export {
  classifyOutcome,
  isAlreadyDone,
  createFisWriter,
  type FisOperation,
  type FisOutcome,
  type FisOutcomeStatus,
  type FisWriteItem,
  type FisWriter,
  type FisWriterOptions,
  type FisWriteTarget,
} from "./writes.js";
export { FIS_TOPIC, parseFisEvent, readTimeStamp, type FisEvent } from "./events.js";
export type { FisDocStatus, WireClearingDetail, WirePaymentConfirmation, WirePostingConfirmation, WirePostingDoc, WireSystemMessage } from "./wire.js";
