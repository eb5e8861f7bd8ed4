import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

/** What a caller of the gateway may do (the values are the roles the API key store and JWT claims use). */
export enum CallerRole {
  READ = "read",
  WRITE = "write",
  ADMIN = "admin",
}
registerEnumType(CallerRole, {
  name: "CallerRole",
  description: "READ: queries and subscriptions. WRITE: also mutations. ADMIN: also connecting companies and managing API keys.",
});

@ObjectType({ description: "One of the gateway's API keys (managed mode), without its secret: only a hash is stored." })
export class ApiKey {
  @Field(() => ID, { description: "Public part of the key (`cg_<keyId>_…`): safe to log and to show." })
  keyId!: string;

  @Field(() => String, { description: "What the key is for, e.g. the calling system." })
  name!: string;

  @Field(() => CallerRole)
  role!: CallerRole;

  @Field(() => [ID], { description: "Company UUIDs (lower case) the key may act for; `[\"*\"]` = every connected company." })
  companies!: string[];

  @Field(() => String, { description: "When it was created (ISO 8601)." })
  createdAt!: string;

  @Field(() => String, { nullable: true, description: "When it was revoked (ISO 8601); null while it is valid." })
  revokedAt!: string | null;
}

@ObjectType({ description: "A new API key: `key` is the whole secret, shown here once and never again." })
export class CreatedApiKey {
  @Field(() => String, { description: "Send it as `Authorization: Bearer <key>` or `x-api-key`. Store it now: only its hash is kept." })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

@ObjectType({ description: "Who is calling (managed mode): what the operator console shows and hides by. Holds no secret." })
export class Viewer {
  @Field(() => String, { description: "API_KEY or JWT." })
  kind!: string;

  @Field(() => ID, { description: "The API key's id (`cg_<keyId>_…`), or the JWT's subject." })
  keyId!: string;

  @Field(() => CallerRole)
  role!: CallerRole;

  @Field(() => [ID], { description: "Company UUIDs (lower case) the caller may act for; `[\"*\"]` = every connected company." })
  companies!: string[];
}
