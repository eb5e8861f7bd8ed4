/** Limits of List v4 / List Item v4 / Bulk (spec §1, §3.3); sources in docs/emulator/lists-v4.md. */
export const LISTS_LIMITS = {
  /** [ITEM] [LIST] page size is fixed at 100. */
  listPageSize: 100,
  /** [BULK] 1..250 parts per bulk request. */
  maxBulkParts: 250,
  /**
   * [INFERRED Q1] the docs give no rate-limit values: bulk calls per company per rolling second before a 429
   * (`retry-after: 0`, as the documented example). 0 = unlimited. Settable as `listBulkPerSecond`.
   */
  listBulkPerSecond: 5,
  /** [INFERRED] longest shortCode / value accepted (the docs give none). */
  maxCodeLength: 500,
  /** Bulk calls kept per list in the admin bulk log (test evidence of what was sent). */
  bulkLogCalls: 200,
} as const;
