import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { selectedChildren, selectsOnly } from "./selection.js";
import { toAccount, toErpIntegration, toListName, toMappings, toRequest, toTaxData, toVendor } from "../datasources/index.js";
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
import type { Connection, ConcurReader, ErpDataType, ErpRecordByType } from "../datasources/index.js";
import { ErpArgs, mapConnection } from "./args.js";

/** One page of an ERP data list, mapped to GraphQL nodes. */
async function listPage<K extends ErpDataType, G>(
  ctx: GatewayContext,
  erp: ErpIntegration,
  field: string,
  type: K,
  args: ConnectionArgs,
  toNode: (companyId: string, erpId: string, record: ErpRecordByType[K]) => G,
) {
  const { companyId, erpId } = erp;
  const prefetched = ctx.prefetched?.get(prefetchKey(companyId, erpId, field, args)) as Promise<Connection<ErpRecordByType[K]>> | undefined;
  const page = await (prefetched ?? ctx.services.reader.connection(ctx.requireCaller(companyId), { companyId, erpId, type }, args));
  return mapConnection(page, (record) => toNode(companyId, erpId, record));
}

/** The list fields of ErpIntegration and the ERP data type each reads. */
const LIST_CHILDREN_TYPES = { accounts: "accounts", vendors: "vendors", listNames: "lists", taxData: "taxData" } as const satisfies Record<string, ErpDataType>;
const PREFETCHED_CHILDREN: ReadonlySet<string> = new Set([...Object.keys(LIST_CHILDREN_TYPES), "mappings"]);
const prefetchKey = (companyId: string, erpId: string, field: string, args: ConnectionArgs) => `${companyId}|${erpId}|${field}|${args.first ?? ""}|${args.after ?? ""}`;

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
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ErpIntegration> {
    const { services } = ctx;
    const caller = ctx.requireCaller(companyId);
    // Only child resources selected: their own GETs answer 401/403/404 for a wrong company or ERP, so the ERP
    // package is not read first (one upstream round trip instead of two in series).
    if (selectsOnly(info, CHILD_RESOURCES)) return { companyId, erpId } as ErpIntegration;
    // ERP fields and child lists both selected: the lists' reads start now, beside the ERP GET, instead of after it;
    // their resolvers take these reads (and their errors) over, so the operation still makes one call per resource.
    for (const child of selectedChildren(info, PREFETCHED_CHILDREN)) {
      const args = child.args as ConnectionArgs;
      const key = prefetchKey(companyId, erpId, child.name, args);
      if (ctx.prefetched?.has(key)) continue;
      const read =
        child.name === "mappings"
          ? services.reader.getMappings(caller, companyId, erpId)
          : services.reader.connection(caller, { companyId, erpId, type: LIST_CHILDREN_TYPES[child.name as keyof typeof LIST_CHILDREN_TYPES] }, args);
      read.catch(() => undefined); // awaited (and reported) by the field's resolver
      (ctx.prefetched ??= new Map()).set(key, read);
    }
    return toErpIntegration(companyId, await services.reader.getErp(caller, companyId, erpId), erpId);
  }

  @FieldResolver(() => AccountConnection, { description: "The chart of accounts sent by the ERP, in upstream order." })
  async accounts(@Root() erp: ErpIntegration, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<AccountConnection> {
    return listPage(ctx, erp, "accounts", "accounts", args, toAccount);
  }

  @FieldResolver(() => VendorConnection, { description: "Vendors (AP invoice vendors and employee vendors) cached by Concur for this ERP." })
  async vendors(@Root() erp: ErpIntegration, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<VendorConnection> {
    return listPage(ctx, erp, "vendors", "vendors", args, toVendor);
  }

  @FieldResolver(() => ListNameConnection, { description: "Cost-object list names of the ERP (mapped to Concur lists by the customer)." })
  async listNames(@Root() erp: ErpIntegration, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<ListNameConnection> {
    return listPage(ctx, erp, "listNames", "lists", args, toListName);
  }

  @FieldResolver(() => TaxDataConnection, { description: "Tax data per country (codes, reclaim codes, rates)." })
  async taxData(@Root() erp: ErpIntegration, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext): Promise<TaxDataConnection> {
    return listPage(ctx, erp, "taxData", "taxData", args, toTaxData);
  }

  @FieldResolver(() => Mappings, { description: "How the customer mapped this ERP in Concur (ledger, payment types, lists, billable field, policies)." })
  async mappings(@Root() erp: ErpIntegration, @Ctx() ctx: GatewayContext): Promise<Mappings> {
    const prefetched = ctx.prefetched?.get(prefetchKey(erp.companyId, erp.erpId, "mappings", {})) as ReturnType<ConcurReader["getMappings"]> | undefined;
    return toMappings(erp.companyId, erp.erpId, await (prefetched ?? ctx.services.reader.getMappings(ctx.requireCaller(erp.companyId), erp.companyId, erp.erpId)));
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
