import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { selectsOnly } from "./selection.js";
import { toAccount, toErpIntegration, toListName, toMappings, toRequest, toTaxData, toVendor } from "../concur/index.js";
import {
  AccountConnection,
  ConnectionArgs,
  ErpIntegration,
  ListNameConnection,
  Mappings,
  Request,
  TaxDataConnection,
  VendorConnection,
} from "../schema/index.js";
import type { ErpDataType, ErpRecordByType } from "../concur/index.js";
import { ErpArgs, mapConnection } from "./args.js";

/** One page of an ERP data list, mapped to GraphQL nodes. */
async function listPage<K extends ErpDataType, G>(
  ctx: GatewayContext,
  erp: ErpIntegration,
  type: K,
  args: ConnectionArgs,
  toNode: (companyId: string, erpId: string, record: ErpRecordByType[K]) => G,
) {
  const { companyId, erpId } = erp;
  const page = await ctx.services.reader.connection(ctx.requireCaller(companyId), { companyId, erpId, type }, args);
  return mapConnection(page, (record) => toNode(companyId, erpId, record));
}

/** Fields of ErpIntegration that are resources of their own upstream (each checks the tenant itself). */
const CHILD_RESOURCES: ReadonlySet<string> = new Set(["accounts", "vendors", "listNames", "taxData", "mappings", "request"]);

@Resolver(() => ErpIntegration)
export class ErpResolver {
  @Query(() => [ErpIntegration], { description: "ERP integrations registered for a company." })
  async erpIntegrations(
    @Arg("companyId", () => ID, { description: "Concur company UUID." }) companyId: string,
    @Ctx() { requireCaller, services }: GatewayContext,
  ): Promise<ErpIntegration[]> {
    const erps = await services.reader.listErps(requireCaller(companyId), companyId);
    return erps.map((erp) => toErpIntegration(companyId, erp));
  }

  @Query(() => ErpIntegration, { description: "One ERP integration; its accounts, vendors, list names, tax data and mappings hang off it." })
  async erpIntegration(
    @Args(() => ErpArgs) { companyId, erpId }: ErpArgs,
    @Ctx() { requireCaller, services }: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ErpIntegration> {
    const caller = requireCaller(companyId);
    // Only child resources selected: their own GETs answer 401/403/404 for a wrong company or ERP, so the ERP
    // package is not read first (one upstream round trip instead of two in series).
    if (selectsOnly(info, CHILD_RESOURCES)) return { companyId, erpId } as ErpIntegration;
    return toErpIntegration(companyId, await services.reader.getErp(caller, companyId, erpId), erpId);
  }

  @FieldResolver(() => AccountConnection, { description: "The chart of accounts sent by the ERP, in upstream order." })
  async accounts(@Root() erp: ErpIntegration, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<AccountConnection> {
    return listPage(ctx, erp, "accounts", args, toAccount);
  }

  @FieldResolver(() => VendorConnection, { description: "Vendors (AP invoice vendors and employee vendors) cached by Concur for this ERP." })
  async vendors(@Root() erp: ErpIntegration, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<VendorConnection> {
    return listPage(ctx, erp, "vendors", args, toVendor);
  }

  @FieldResolver(() => ListNameConnection, { description: "Cost-object list names of the ERP (mapped to Concur lists by the customer)." })
  async listNames(@Root() erp: ErpIntegration, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<ListNameConnection> {
    return listPage(ctx, erp, "lists", args, toListName);
  }

  @FieldResolver(() => TaxDataConnection, { description: "Tax data per country (codes, reclaim codes, rates)." })
  async taxData(@Root() erp: ErpIntegration, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<TaxDataConnection> {
    return listPage(ctx, erp, "taxData", args, toTaxData);
  }

  @FieldResolver(() => Mappings, { description: "How the customer mapped this ERP in Concur (ledger, payment types, lists, billable field, policies)." })
  async mappings(@Root() erp: ErpIntegration, @Ctx() ctx: GatewayContext): Promise<Mappings> {
    return toMappings(erp.companyId, erp.erpId, await ctx.services.reader.getMappings(ctx.requireCaller(erp.companyId), erp.companyId, erp.erpId));
  }

  @FieldResolver(() => Request, { description: "An upload request of this ERP, by id (as returned by a mutation)." })
  async request(
    @Root() erp: ErpIntegration,
    @Arg("requestId", () => ID, { description: "Request UUID." }) requestId: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<Request> {
    const status = await ctx.services.reader.getRequest(ctx.requireCaller(erp.companyId), erp.companyId, erp.erpId, requestId);
    return toRequest(erp.companyId, erp.erpId, status);
  }
}
