/**
 * Limits of the shared infrastructure (HTTP edge, ESS webhook delivery), in one place so a change is a one-line edit.
 * Sources: docs/emulator/accounting-v4.md (payload cap, ESS delivery rules).
 */
export const CORE_LIMITS = {
  /**
   * [INFERRED accounting Q6] the HTTP body cap of every emulated API: Accounting v4's "4 MB" read as 4 MiB of raw
   * request body; larger bodies are answered 400.
   */
  maxPayloadBytes: 4 * 1024 * 1024,
  /** ESS keeps an undelivered event 72 h. */
  webhookRetentionMs: 72 * 3_600 * 1_000,
  /** ESS waits at most 60 s for an acknowledgement. */
  webhookAckTimeoutMs: 60_000,
  /** [INFERRED accounting Q18] backoff cap = 300 × base (5 min when the base is 1 s). */
  webhookBackoffCapFactor: 300,
} as const;
