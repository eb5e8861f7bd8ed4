import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

/** Lifecycle of a company connection (managed mode). */
export enum ConnectionState {
  CONNECTED = "CONNECTED",
  NEEDS_RECONNECT = "NEEDS_RECONNECT",
  DISCONNECTED = "DISCONNECTED",
}
registerEnumType(ConnectionState, {
  name: "ConnectionState",
  description: "CONNECTED: the gateway holds a working refresh token. NEEDS_RECONNECT: Concur refused it (expired, revoked, app disabled): a Concur admin of the company must click Connect again. DISCONNECTED: ended on purpose.",
});

@ObjectType({ description: "The last failure of a token exchange or refresh (never contains a token)." })
export class ConnectionError {
  @Field(() => String, { description: "Concur's /token error code (e.g. 108), or the HTTP status." })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { description: "When it happened (ISO 8601)." })
  at!: string;
}

@ObjectType({ description: "A customer company connected through Quick Connect: the gateway holds its Concur tokens (managed mode). No token is ever shown." })
export class CompanyConnection {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ConnectionState)
  state!: ConnectionState;

  @Field(() => String, { description: "Base URL of the company's Concur data center (its token's geolocation); every call for the company goes there." })
  geolocation!: string;

  @Field(() => [String], { description: "Scopes Concur granted to the app for this company." })
  scopes!: string[];

  @Field(() => String, { nullable: true, description: "When this replica's access token expires (ISO 8601); null when it holds none (it is fetched on first use)." })
  accessTokenExpiresAt?: string | null;

  @Field(() => String, { description: "When the refresh token expires unless refreshed (ISO 8601; sliding: every refresh moves it, and a daily sweep refreshes tokens within 30 days of it)." })
  refreshTokenExpiresAt!: string;

  @Field(() => String, { nullable: true, description: "Last successful refresh (ISO 8601)." })
  lastRefreshAt?: string | null;

  @Field(() => String, { description: "When the company was connected (ISO 8601)." })
  connectedAt!: string;

  @Field(() => ID, { nullable: true, description: "Concur user UUID of the admin who clicked Connect." })
  connectedByUserId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Who connected the company on the Connect landing page after signing in with the partner's identity provider (CONNECT_SIGN_IN=oidc): name, e-mail and subject at the provider. Null when the company was connected without that sign-in.",
  })
  connectedBy?: string | null;

  @Field(() => ConnectionError, { nullable: true })
  lastError?: ConnectionError | null;
}

@ObjectType({ description: "A company connection changed state." })
export class CompanyConnectionChange {
  @Field(() => ID)
  companyId!: string;

  @Field(() => ConnectionState)
  state!: ConnectionState;

  @Field(() => String, { description: "Why, in words (connected, refreshed, Concur refused the refresh token, disconnected)." })
  reason!: string;
}
