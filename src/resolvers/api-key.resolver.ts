import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { canAct, describeCaller, parseCompanies, type ApiKeyRecord, type ApiKeyStore, type CallerIdentity } from "../callers/index.js";
import type { GatewayContext } from "../context.js";
import { CodedError, ErrorCode } from "../errors.js";
import { ApiKey, CallerRole, CreatedApiKey, Viewer } from "../schema/index.js";

const iso = (ms: number) => new Date(ms).toISOString();

function toApiKey(record: ApiKeyRecord): ApiKey {
  return {
    keyId: record.keyId,
    name: record.name,
    role: record.role as CallerRole,
    companies: record.companies === "*" ? ["*"] : record.companies,
    createdAt: iso(record.createdAt),
    revokedAt: record.revokedAt === undefined ? null : iso(record.revokedAt),
  };
}

function storeOf(ctx: GatewayContext): ApiKeyStore {
  const store = ctx.services.apiKeys;
  if (!store) throw new CodedError(ErrorCode.BAD_REQUEST, "API keys are a managed-mode feature: start the gateway with CONCUR_AUTH_MODE=managed.");
  return store;
}

/** An admin of every company manages every key; an admin of some companies only keys confined to those companies. */
function mayManage(admin: CallerIdentity, companies: "*" | string[]): boolean {
  if (admin.companies === "*") return true;
  return companies !== "*" && companies.every((companyId) => canAct(admin, companyId, "admin"));
}

/** The gateway's own API keys, managed over GraphQL by admins (the CLI's `keys` commands do the same on the store). */
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => Viewer, { description: "The caller itself (any role, managed mode): its role and companies, so a client such as the operator console can hide what the caller may not do. The API enforces the same rules anyway." })
  viewer(@Ctx() ctx: GatewayContext): Viewer {
    const identity = ctx.requireIdentity("read");
    return { kind: identity.kind === "apiKey" ? "API_KEY" : "JWT", keyId: identity.id, role: identity.role as CallerRole, companies: identity.companies === "*" ? ["*"] : identity.companies };
  }

  @Query(() => [ApiKey], { description: "API keys the caller may manage (admin role): all of them for an admin of every company, else the keys confined to the caller's companies. Revoked ones included; never a secret." })
  async apiKeys(@Ctx() ctx: GatewayContext): Promise<ApiKey[]> {
    const store = storeOf(ctx);
    const admin = ctx.requireIdentity("admin");
    return (await store.list()).filter((record) => mayManage(admin, record.companies)).map(toApiKey);
  }

  @Mutation(() => CreatedApiKey, {
    description:
      "Creates an API key (admin role) and returns its secret once. An admin of some companies can only create keys for those companies.",
  })
  async createApiKey(
    @Arg("name", () => String, { description: "What the key is for (1-200 characters)." }) name: string,
    @Arg("role", () => CallerRole) role: CallerRole,
    @Arg("companies", () => [ID], { description: "Company UUIDs the key may act for (any letter case; stored lower case), or `[\"*\"]` for every connected company." }) companies: string[],
    @Ctx() ctx: GatewayContext,
  ): Promise<CreatedApiKey> {
    const store = storeOf(ctx);
    const admin = ctx.requireIdentity("admin");
    const wanted = parseCompanies(companies);
    if (!mayManage(admin, wanted)) {
      const outside = wanted === "*" ? "every company (\"*\")" : `company ${wanted.find((companyId) => !canAct(admin, companyId, "admin"))}`;
      throw new CodedError(ErrorCode.FORBIDDEN, `${describeCaller(admin)} may not create a key for ${outside}: it is an admin of ${(admin.companies as string[]).join(", ")} only.`, { field: "companies" });
    }
    const created = await store.create({ name, role, companies: wanted });
    return { key: created.key, apiKey: toApiKey(created.record) };
  }

  @Mutation(() => ApiKey, {
    description:
      "Revokes an API key (admin role; idempotent): this gateway refuses it at once, other replicas within 10 s. An admin of some companies can only revoke keys confined to those companies.",
  })
  async revokeApiKey(@Arg("keyId", () => ID, { description: "The key's id (the part after `cg_`)." }) keyId: string, @Ctx() ctx: GatewayContext): Promise<ApiKey> {
    const store = storeOf(ctx);
    const admin = ctx.requireIdentity("admin");
    const record = (await store.list()).find((candidate) => candidate.keyId === keyId.trim());
    // A key outside the caller's companies is reported like a missing one: its existence is not the caller's business.
    if (!record || !mayManage(admin, record.companies)) {
      throw new CodedError(ErrorCode.NOT_FOUND, `No API key ${JSON.stringify(keyId)} among the keys ${describeCaller(admin)} may manage (see the apiKeys query).`, { field: "keyId" });
    }
    return toApiKey((await store.revoke(record.keyId)) ?? record);
  }
}
