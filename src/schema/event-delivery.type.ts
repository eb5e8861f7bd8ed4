import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";

/** How ESS events reach the gateway (services/ess-subscriptions.ts). */
export enum EventDeliveryMode {
  ESS = "ESS",
  POLLING = "POLLING",
  UNMANAGED = "UNMANAGED",
}
registerEnumType(EventDeliveryMode, {
  name: "EventDeliveryMode",
  description:
    "ESS: the gateway's ESS subscriptions are in place in every data center where a connected company lives (events are pushed; polling only reconciles). POLLING: the gateway manages the subscriptions but some or all could not be made (see reason): those companies' request statuses and FIS documents arrive by polling. UNMANAGED: the gateway does not manage subscriptions (ESS_MANAGE off, no PUBLIC_URL, or passthrough mode): events arrive only if someone subscribed the webhook by hand.",
});

/** State of a data center's subscriptions after the last round. */
export enum EssDataCenterState {
  PENDING = "PENDING",
  SUBSCRIBED = "SUBSCRIBED",
  FAILED = "FAILED",
}
registerEnumType(EssDataCenterState, { name: "EssDataCenterState", description: "PENDING: not checked yet. SUBSCRIBED: every topic's subscription is in place. FAILED: see error; that data center's companies are polled." });

@ObjectType({ description: "One ESS subscription of the gateway's app (as ESS listed it)." })
export class EssSubscription {
  @Field(() => ID, { description: "Subscription id: <ESS_SUBSCRIPTION_PREFIX>.<topic>.<data center>." })
  id!: string;

  @Field(() => String)
  topic!: string;

  @Field(() => String, { nullable: true, description: "Regular expression over the event type." })
  filter?: string | null;

  @Field(() => Int, { nullable: true, description: "How many companies ESS delivers events of (its companyIds); null when it delivers for every company." })
  companies?: number | null;
}

@ObjectType({ description: "A Concur data center where connected companies live, and the gateway's subscriptions there." })
export class EssDataCenter {
  @Field(() => String, { description: "Short name (us2, eu2, …), the last part of the subscription ids." })
  name!: string;

  @Field(() => String, { description: "The companies' geolocation: where the app token is asked for." })
  baseUrl!: string;

  @Field(() => EssDataCenterState)
  state!: EssDataCenterState;

  @Field(() => Int, { description: "Connected companies living there." })
  connectedCompanies!: number;

  @Field(() => [EssSubscription])
  subscriptions!: EssSubscription[];

  @Field(() => String, { nullable: true, description: "Why the last round failed there (the step, Concur's status and message)." })
  error?: string | null;

  @Field(() => String, { nullable: true, description: "When it was last checked (ISO 8601)." })
  checkedAt?: string | null;
}

@ObjectType({ description: "How Concur's ESS events (request statuses, FIS documents ready) reach this gateway, and why not when they do not." })
export class EventDelivery {
  @Field(() => EventDeliveryMode)
  mode!: EventDeliveryMode;

  @Field(() => String, { nullable: true, description: "Why events are not (all) pushed: what failed, or why subscriptions are not managed. Null when mode is ESS." })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: "The webhook URL subscribed (PUBLIC_URL + WEBHOOK_PATH)." })
  webhookUrl?: string | null;

  @Field(() => [String], { description: "ESS topics the enabled features need (ESS_TOPICS)." })
  topics!: string[];

  @Field(() => [EssDataCenter])
  dataCenters!: EssDataCenter[];

  @Field(() => String, { nullable: true, description: "When the subscriptions were last checked (ISO 8601)." })
  lastCheckedAt?: string | null;

  @Field(() => String, { nullable: true, description: "When they are checked next (ISO 8601); a company connecting or disconnecting checks at once." })
  nextCheckAt?: string | null;
}
