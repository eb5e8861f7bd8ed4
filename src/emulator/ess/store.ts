/**
 * ESS subscriptions of one emulator instance. Ids are global across apps and data centers ([MGMT]); each subscription
 * lives in the data center it was saved at ([GUIDE]) and belongs to the app whose token saved it.
 */
export interface StoredSubscription {
  id: string;
  topic: string;
  /** Regex over `eventType` ([MGMT]); absent = every event. */
  filter?: string;
  webHookConfig: { endpoint: string };
  /** The owner app (the app token's `sub`: the client id here). */
  applicationId: string;
  /** Companies whose events are delivered; filled by ESS, never by the API ([GUIDE]). */
  companyIds: string[];
  groups: string[];
  scope: string;
  /** Data center (site name) the subscription lives in. */
  site: string;
  createdAt: number;
  /** Marked for deletion (M5): listed until it goes, delivers nothing. */
  deleting?: NodeJS.Timeout | true;
}

/** The documented subscription fields (M3/M4 answers): no emulator bookkeeping. */
export function publicView(s: StoredSubscription): Record<string, unknown> {
  return {
    id: s.id,
    topic: s.topic,
    ...(s.filter === undefined ? {} : { filter: s.filter }),
    webHookConfig: { endpoint: s.webHookConfig.endpoint },
    applicationId: s.applicationId,
    scope: s.scope,
    groups: [...s.groups],
    companyIds: [...s.companyIds],
  };
}

export class EssStore {
  readonly subscriptions = new Map<string, StoredSubscription>();
  /** Companies each app obtained a company token for (what ESS puts in `companyIds`). */
  private readonly connected = new Map<string, Set<string>>();
  /** Management calls per data center and "METHOD template" (tests count them). */
  readonly calls = new Map<string, Map<string, number>>();

  ofApp(applicationId: string, site: string): StoredSubscription[] {
    return [...this.subscriptions.values()].filter((s) => s.applicationId === applicationId && s.site === site);
  }

  connectedCompanies(applicationId: string): ReadonlySet<string> {
    return this.connected.get(applicationId) ?? new Set();
  }

  /** A company token was issued to the app: the company joins the app's subscriptions in `homeSite`. */
  companyConnected(applicationId: string, companyId: string, homeSite: string | undefined): void {
    const id = companyId.toLowerCase();
    let set = this.connected.get(applicationId);
    if (!set) this.connected.set(applicationId, (set = new Set()));
    set.add(id);
    for (const sub of this.subscriptions.values()) {
      if (sub.applicationId === applicationId && sub.site === homeSite && !sub.companyIds.includes(id)) sub.companyIds.push(id);
    }
  }

  count(site: string, key: string): void {
    let bySite = this.calls.get(site);
    if (!bySite) this.calls.set(site, (bySite = new Map()));
    bySite.set(key, (bySite.get(key) ?? 0) + 1);
  }

  callsView(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.calls].map(([site, byKey]) => [site, Object.fromEntries(byKey)]));
  }

  clear(): void {
    for (const s of this.subscriptions.values()) if (s.deleting && s.deleting !== true) clearTimeout(s.deleting);
    this.subscriptions.clear();
    this.connected.clear();
    this.calls.clear();
  }
}
