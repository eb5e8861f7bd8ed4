/**
 * Upstream write limits of SAP Concur Accounting Integration v4, in one place (spec 1.1, 1.2).
 * Change a limit here and the planner, batcher and registration queue follow.
 */

/**
 * Largest PATCH/POST/PUT body, in bytes of serialized JSON.
 * [INFERRED] The docs say "4 MB"; read as 4 MiB (same reading as the emulator, spec Q6).
 */
export const MAX_PATCH_BYTES = 4 * 1024 * 1024;

/** Largest single ERP record, in bytes of its serialized JSON ("200 KB" read as 200 KiB, spec Q6). */
export const MAX_RECORD_BYTES = 200 * 1024;

/** Data writes (accounts, vendors, lists, taxData) are allowed once per second per (company, ERP, object type). */
export const PATCH_INTERVAL_MS = 1000;

/** Registration (POST /erps) is allowed once per minute per company. */
export const REGISTER_INTERVAL_MS = 60_000;

/**
 * Our own safety margin added to every pacing interval, so network jitter between two paced calls
 * cannot make them land closer than the upstream interval. Not a Concur limit.
 */
export const PACING_MARGIN_MS = 50;
