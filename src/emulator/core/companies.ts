/**
 * The companies (Concur principals) one emulator instance knows. Every emulated API keeps its own per-company state
 * keyed by these ids; a company unknown here is unknown to every API (404 / invalid credentials).
 */
export interface CompanyEntry {
  /** Lower-case UUID. */
  id: string;
  /** Name of the data center the company lives in (its `geolocation`). */
  dataCenter: string;
}

export class CompanyDirectory {
  private readonly entries = new Map<string, CompanyEntry>();

  /** @param primary data center of companies created without one. */
  constructor(private readonly primary: string) {}

  /** Adds the company (idempotent: an existing company keeps its data center); ids are stored lower-case. */
  ensure(id: string, dataCenter: string = this.primary): CompanyEntry {
    const key = id.toLowerCase();
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { id: key, dataCenter };
      this.entries.set(key, entry);
    }
    return entry;
  }

  get(id: string): CompanyEntry | undefined {
    return this.entries.get(id.toLowerCase());
  }

  has(id: string): boolean {
    return this.entries.has(id.toLowerCase());
  }

  clear(): void {
    this.entries.clear();
  }
}
