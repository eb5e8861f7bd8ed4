import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, ArgsType, Ctx, Field, ID, Info, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { fromAccountInput, fromListNameInput, fromTaxDataInput, fromVendorInput } from "../datasources/index.js";
import type { WireRecord, WriteType } from "../datasources/index.js";
import { validateAccount, validateListName, validateTaxData, validateVendor } from "../datasources/index.js";
import { AccountInput, ListNameInput, TaxDataInput, VendorInput, WriteResult } from "../schema/index.js";
import { operationWrite, type WriteStarter as Starter } from "../services/operation-writes.js";
import { deleteRecords, writeRecords, type Validator, type WriteArgs, type WriteDeps } from "../services/writes.js";

type WriteStarter = Starter<GatewayContext>;
const depsOf = (ctx: GatewayContext, args: Record<string, unknown>): WriteDeps => ({ caller: ctx.requireCaller(args.companyId as string, "write"), writer: ctx.services.writer, tracker: ctx.services.tracker });

@ArgsType()
class WriteTargetArgs {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID." })
  erpId!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      "Your own request id (UUID) for end-to-end idempotency: these records go alone in one upload sent with it; repeating the mutation with the same id returns the same request instead of writing twice.",
  })
  requestId?: string | null;
}

const wire = <T>(records: T[], map: (input: T) => unknown) => records.map(map) as WireRecord[];

/** Starts an upsert or replace-all of `argName`'s records, mapped to Concur's wire shape. */
function records<T>(type: WriteType, kind: "upsert" | "replaceAll", argName: string, toWire: (input: T) => unknown, validate: Validator): WriteStarter {
  return (ctx, args) => writeRecords(depsOf(ctx, args), args as unknown as WriteArgs, type, kind, argName, wire(args[argName] as T[], toWire), validate);
}

/** Starts a delete by ids. */
const removal = (type: WriteType): WriteStarter => (ctx, args) => deleteRecords(depsOf(ctx, args), args as unknown as WriteArgs, type, args.ids as string[]);

/** How each write mutation starts, from its coerced arguments (see operation-writes.ts for why). */
const WRITES: Record<string, WriteStarter> = {
  upsertAccounts: records("accounts", "upsert", "accounts", fromAccountInput, validateAccount),
  deleteAccounts: removal("accounts"),
  replaceAllAccounts: records("accounts", "replaceAll", "accounts", fromAccountInput, validateAccount),
  upsertVendors: records("vendors", "upsert", "vendors", fromVendorInput, validateVendor),
  deleteVendors: removal("vendors"),
  replaceAllVendors: records("vendors", "replaceAll", "vendors", fromVendorInput, validateVendor),
  upsertListNames: records("lists", "upsert", "listNames", fromListNameInput, validateListName),
  deleteListNames: removal("lists"),
  replaceAllListNames: records("lists", "replaceAll", "listNames", fromListNameInput, validateListName),
  addTaxData: records("taxData", "upsert", "taxData", fromTaxDataInput, validateTaxData),
  replaceAllTaxData: records("taxData", "replaceAll", "taxData", fromTaxDataInput, validateTaxData),
};

const NULLABLE_NOTE = " Null with an error for this field alone when its input is invalid or its upload failed; other fields of the operation are unaffected.";

/** Accounts, vendors, list names and tax data writes; batched into as few upstream calls as Concur's limits allow. */
@Resolver()
export class DataResolver {
  @Mutation(() => WriteResult, { nullable: true, description: "Adds or updates accounts (by id)." + NULLABLE_NOTE })
  upsertAccounts(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("accounts", () => [AccountInput]) _accounts: AccountInput[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Deletes accounts by id." + NULLABLE_NOTE })
  deleteAccounts(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("ids", () => [ID]) _ids: string[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Replaces the whole chart of accounts (Concur deleteAll, then these). Large sets continue in further uploads." + NULLABLE_NOTE })
  replaceAllAccounts(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("accounts", () => [AccountInput]) _accounts: AccountInput[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Adds or updates vendors (by id). Required fields depend on the vendor type." + NULLABLE_NOTE })
  upsertVendors(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("vendors", () => [VendorInput]) _vendors: VendorInput[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Deletes vendors by id." + NULLABLE_NOTE })
  deleteVendors(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("ids", () => [ID]) _ids: string[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Replaces all vendors (Concur deleteAll, then these)." + NULLABLE_NOTE })
  replaceAllVendors(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("vendors", () => [VendorInput]) _vendors: VendorInput[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Adds or updates list names (by id)." + NULLABLE_NOTE })
  upsertListNames(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("listNames", () => [ListNameInput]) _listNames: ListNameInput[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Deletes list names by id; Concur also removes their list mappings." + NULLABLE_NOTE })
  deleteListNames(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("ids", () => [ID]) _ids: string[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Replaces all list names (Concur deleteAll, then these); list mappings are kept." + NULLABLE_NOTE })
  replaceAllListNames(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("listNames", () => [ListNameInput]) _listNames: ListNameInput[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Adds tax data (Concur POST taxData)." + NULLABLE_NOTE })
  addTaxData(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("taxData", () => [TaxDataInput]) _taxData: TaxDataInput[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }

  @Mutation(() => WriteResult, { nullable: true, description: "Replaces all tax data (Concur PUT taxData); an empty list clears it." + NULLABLE_NOTE })
  replaceAllTaxData(@Args(() => WriteTargetArgs) _args: WriteTargetArgs, @Arg("taxData", () => [TaxDataInput]) _taxData: TaxDataInput[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return operationWrite(info, ctx, WRITES);
  }
}
