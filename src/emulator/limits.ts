/**
 * Documented Concur limits, in one place so a change is a one-line edit.
 * Source: spec 1.2 ("total request payload ≤ 4 MB; any single ERP record ≤ 200 KB; PATCH callable once per second";
 * GET pages cut at 1 MB) and 1.1 (register once per minute).
 */
export const LIMITS = {
  /** [INFERRED Q6] "4 MB" read as 4 MiB of raw request body; larger bodies are answered 400. */
  maxPayloadBytes: 4 * 1024 * 1024,
  /** [INFERRED Q6] "200 KB" read as 200 KiB of serialized record JSON; larger records become ProcessingErrors. */
  maxRecordBytes: 200 * 1024,
  /** Default GET page byte budget (whole serialized response), configurable per emulator. */
  pageBytes: 1_000_000,
  /** One accepted data write per (company, ERP, object type) per this window. */
  dataWriteIntervalMs: 1_000,
  /** One registration per company per this window. */
  registerIntervalMs: 60_000,
  /** Access tokens from the token endpoint live one hour (spec 3: expires_in "3600"). */
  accessTokenTtlSec: 3_600,
  /** Refresh tokens live about six months (spec 3). */
  refreshTokenTtlSec: 180 * 24 * 3_600,
  /** ESS keeps an undelivered event 72 h (spec 2.3). */
  webhookRetentionMs: 72 * 3_600 * 1_000,
  /** ESS waits at most 60 s for an acknowledgement (spec 2.3). */
  webhookAckTimeoutMs: 60_000,
  /** [INFERRED Q18] backoff cap = 300 × base (5 min when the base is 1 s). */
  webhookBackoffCapFactor: 300,
  /** [INFERRED Q13] employee vendors expire 150 days after they were last sent. */
  employeeVendorTtlMs: 150 * 24 * 3_600 * 1_000,
} as const;
