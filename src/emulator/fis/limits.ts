/**
 * Limits of the Financial Integration Service emulation (docs/emulator/financial-integration-v4.md). Only the
 * default page size is documented; the rest are [INFERRED] defaults (spec Q4, Q11), kept in one place.
 */
export const FIS_LIMITS = {
  /** `limit` when absent (FIS "Default 25"). */
  fisDefaultPageSize: 25,
  /** Largest `limit`; larger values are capped [INFERRED Q4]. */
  fisMaxPageSize: 100,
  /** Largest number of ids / confirmations in one POST; more -> 400 [INFERRED Q11]. */
  fisMaxItemsPerPost: 100,
  /** FIDocument `id` / `docId` length (FIS "≤32"). */
  fisDocIdMaxChars: 32,
  /** `systemId` length (FIS "≤50"). */
  fisSystemIdMaxChars: 50,
} as const;
