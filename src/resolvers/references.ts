// Federation `__resolveReference` per entity: how another subgraph's representation becomes our object.
// Everything goes through the per-operation DataLoaders, so N representations cost the fewest upstream calls.
import type { GatewayContext } from "../context.js";
import { toAccount, toErpIntegration, toListName, toRequest, toVendor } from "../datasources/index.js";
import type { ErpDataType } from "../datasources/index.js";

interface ErpRef {
  companyId: string;
  erpId: string;
}
type RecordRef = ErpRef & { id: string };

function recordReference<K extends ErpDataType, G>(type: K, toNode: (companyId: string, erpId: string, wire: never) => G) {
  return async (ref: RecordRef, ctx: GatewayContext): Promise<G | null> => {
    const record = await ctx.loaders(ref.companyId).record(type, ref.companyId, ref.erpId).load(ref.id);
    return record ? toNode(ref.companyId, ref.erpId, record as never) : null;
  };
}

export const referenceResolvers: Record<string, (ref: never, ctx: GatewayContext) => unknown> = {
  ErpIntegration: async (ref: ErpRef, ctx: GatewayContext) =>
    toErpIntegration(ref.companyId, await ctx.loaders(ref.companyId).erp.load(ref), ref.erpId),
  Request: async (ref: ErpRef & { requestId: string }, ctx: GatewayContext) =>
    toRequest(ref.companyId, ref.erpId, await ctx.loaders(ref.companyId).request.load(ref)),
  Account: recordReference("accounts", toAccount),
  Vendor: recordReference("vendors", toVendor),
  ListName: recordReference("lists", toListName),
};
