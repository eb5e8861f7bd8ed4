/** An ESS management step failed: which step, Concur's status (none for transport failures) and a short reason. */
export class EssManagementError extends Error {
  constructor(
    /** appToken, topics, save, list, get, delete. */
    readonly operation: string,
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(`ESS ${operation} failed${status !== undefined ? ` (HTTP ${status})` : ""}: ${detail}`);
    this.name = "EssManagementError";
  }
}
