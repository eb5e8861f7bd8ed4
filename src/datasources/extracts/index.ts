// Posting by file (spec: docs/emulator/extracts-and-payment-batches.md): Extracts v1.0 (Professional Edition),
// Payment Batches v1.1/v1.2 (Standard Edition) and the Profile v1 company resource (edition detection).
export { createFilesApi, isoTime, jobState, type BatchCloseOutcome, type CompanyProfileRecord, type ExtractDefinitionRecord, type ExtractJobRecord, type ExtractJobState, type FileStream, type FilesApi, type FilesApiOptions, type PaymentBatchRecord, type XmlAuthScheme } from "./api.js";
export { editionFromCompanyEdition, editionFromMarketingName, type Edition } from "./edition.js";
export { idAfter, LEGACY_HOSTS, rebaseLegacyUrl } from "./hosts.js";
export { EXTRACT_API, FILES_SCOPES, filesPaths, PAYMENT_BATCH_API, PROFILE_ME_PATH, type PaymentBatchListStatus } from "./paths.js";
export { parseXmlRoot } from "./xml.js";
