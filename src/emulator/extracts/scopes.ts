/**
 * OAuth scopes of the file-based posting APIs (SAP-docs app-center-learn-more): `EXTRCT` "Extract expense data" →
 * Extracts v1; `PAYBAT` "Close and export payment batches" → Payment Batches v1.1; `company.read` → Profile v1 company.
 */
export const SCOPE_EXTRACT = "EXTRCT";
export const SCOPE_PAYMENT_BATCH = "PAYBAT";
export const SCOPE_COMPANY_READ = "company.read";
export const EXTRACTS_SCOPES: readonly string[] = [SCOPE_EXTRACT, SCOPE_PAYMENT_BATCH, SCOPE_COMPANY_READ];
