import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { GatewayContext } from "../context.js";
import type { ConnectionView } from "../connections/manager.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { ConnectionChangedPayload } from "../subscriptions/index.js";
import { CompanyConnection, CompanyConnectionChange, ConnectionState } from "../schema/index.js";
import { canAct } from "../callers/index.js";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function toConnection(view: ConnectionView): CompanyConnection {
  return {
    companyId: view.companyId,
    state: view.state as ConnectionState,
    geolocation: view.geolocation,
    scopes: view.scopes,
    accessTokenExpiresAt: iso(view.accessExpiresAt),
    refreshTokenExpiresAt: iso(view.refreshExpiresAt)!,
    lastRefreshAt: iso(view.lastRefreshAt),
    connectedAt: iso(view.connectedAt)!,
    connectedByUserId: view.connectedByUserId ?? null,
    lastError: view.lastError ? { code: view.lastError.code, message: view.lastError.message, at: iso(view.lastError.at)! } : null,
  };
}

function managerOf(ctx: GatewayContext) {
  const manager = ctx.services.connections;
  if (!manager) throw new CodedError(ErrorCode.BAD_REQUEST, "Company connections are a managed-mode feature: start the gateway with CONCUR_AUTH_MODE=managed.");
  return manager;
}

/** Quick Connect: connecting customer companies and the state of their tokens (managed mode). */
@Resolver(() => CompanyConnection)
export class ConnectionResolver {
  @Query(() => [CompanyConnection], { description: "Connections of the companies the caller may act for." })
  async companyConnections(@Ctx() ctx: GatewayContext): Promise<CompanyConnection[]> {
    const manager = managerOf(ctx);
    const identity = ctx.requireIdentity("read");
    return (await manager.list()).filter((view) => canAct(identity, view.companyId, "read")).map(toConnection);
  }

  @Query(() => CompanyConnection, { nullable: true, description: "One company's connection; null when it was never connected (or was disconnected)." })
  async companyConnection(@Arg("companyId", () => ID) companyId: string, @Ctx() ctx: GatewayContext): Promise<CompanyConnection | null> {
    const manager = managerOf(ctx);
    ctx.requireCaller(companyId, "read");
    const view = await manager.get(companyId);
    return view ? toConnection(view) : null;
  }

  @FieldResolver(() => String, { nullable: true })
  async connectedBy(@Root() connection: CompanyConnection, @Ctx() ctx: GatewayContext): Promise<string | null> {
    // Recorded by the Connect page for the connection made at that instant (a later reconnect has its own record).
    const by = await ctx.services.connectLog?.connectedBy(connection.companyId, Date.parse(connection.connectedAt));
    return by?.signedInAs ?? null;
  }

  @Mutation(() => CompanyConnection, {
    description:
      "Connects a customer company (admin role): exchanges the request token of Concur's Connect redirect (valid 24 h, may be retried within it) for the company's tokens, stored encrypted. Partners usually let the landing route do this (see README, Connecting customers).",
  })
  async connectCompany(
    @Arg("companyId", () => ID, { description: "The `id` of Concur's redirect: the company UUID." }) companyId: string,
    @Arg("requestToken", () => String, { description: "The `requestToken` of the redirect." }) requestToken: string,
    @Arg("userId", () => ID, { nullable: true, description: "The `userId` of the redirect: the Concur admin who clicked Connect." }) userId: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<CompanyConnection> {
    const manager = managerOf(ctx);
    ctx.requireCaller(companyId, "admin");
    return toConnection(await manager.connect(companyId, requestToken, userId ?? undefined));
  }

  @Mutation(() => Boolean, {
    description:
      "Disconnects a company (admin role): revokes the app's tokens at Concur, deletes the stored refresh token, and drops everything cached for it. True when a connection existed.",
  })
  async disconnectCompany(@Arg("companyId", () => ID) companyId: string, @Ctx() ctx: GatewayContext): Promise<boolean> {
    const manager = managerOf(ctx);
    ctx.requireCaller(companyId, "admin");
    return manager.disconnect(companyId);
  }

  @Subscription(() => CompanyConnectionChange, {
    description: "State changes of a company's connection (connected, needs reconnect, disconnected).",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { companyId: string }, GatewayContext>) => {
      managerOf(context);
      context.requireCaller(args.companyId, "read");
      return context.services.pubsub.subscribe("CONNECTION_CHANGED", args.companyId);
    },
  })
  companyConnectionChanged(@Root() payload: ConnectionChangedPayload, @Arg("companyId", () => ID) _companyId: string): CompanyConnectionChange {
    return { companyId: payload.companyId, state: payload.state as ConnectionState, reason: payload.reason };
  }
}
