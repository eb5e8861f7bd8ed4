/** ESS v4 facts the emulator enforces, in one place (docs/emulator/ess-v4.md, /work/shared/concur/event-subscriptions.md). */
export const ESS_LIMITS = {
  /** [ESS] "≤5 subscriptions per application"; counted per data center [INFERRED Q4]. */
  subscriptionsPerApp: 5,
  /** [MGMT] subscription ids: lowercase letters, digits, `.` and `-`. */
  subscriptionIdPattern: /^[a-z0-9.-]+$/,
  /** [INFERRED] longest id accepted (the docs name no limit). */
  subscriptionIdMaxLength: 255,
  /** [ESS] a subscription with no companyIds is deleted after 30 days. */
  unusedSubscriptionTtlMs: 30 * 24 * 3_600 * 1_000,
  /** [MGMT] DELETE "marked for deletion": the subscription goes this long after (it may still be listed meanwhile) [INFERRED]. */
  deletionDelayMs: 50,
} as const;

/** The scope every topic call needs ([GUIDE], [SCOPES]). */
export const SCOPE_TOPIC_READ = "events.topic.read";

/** The topics the emulator publishes and the resource scope subscribing to each needs ([FIS-EVT], [AIS-EVT]). */
export const TOPIC_SCOPES: Readonly<Record<string, string>> = {
  "public.concur.financialintegration": "FISVC",
  "public.concur.spend.accountingintegration": "spend.accountingintegration.read",
};

/** An app token's default scopes: the topic scope and every topic's resource scope. */
export const DEFAULT_APP_SCOPES: readonly string[] = [SCOPE_TOPIC_READ, ...Object.values(TOPIC_SCOPES)];
