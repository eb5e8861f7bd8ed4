/**
 * Documented Accounting Integration v4 limits, in one place so a change is a one-line edit.
 * Source: accounting spec 1.2 ("total request payload ≤ 4 MB; any single ERP record ≤ 200 KB; PATCH callable once per
 * second"; GET pages cut at 1 MB) and 1.1 (register once per minute). The 4 MB body cap is the HTTP edge's
 * (core/limits.ts).
 */
export const ACCOUNTING_LIMITS = {
  /** [INFERRED Q6] "200 KB" read as 200 KiB of serialized record JSON; larger records become ProcessingErrors. */
  maxRecordBytes: 200 * 1024,
  /** Default GET page byte budget (whole serialized response), configurable per emulator. */
  pageBytes: 1_000_000,
  /** One accepted data write per (company, ERP, object type) per this window. */
  dataWriteIntervalMs: 1_000,
  /** One registration per company per this window. */
  registerIntervalMs: 60_000,
  /** [INFERRED Q13] employee vendors expire 150 days after they were last sent. */
  employeeVendorTtlMs: 150 * 24 * 3_600 * 1_000,
} as const;
