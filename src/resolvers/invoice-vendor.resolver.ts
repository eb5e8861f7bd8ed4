import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.js";
import type { InvoiceVendorRecord, VendorFilter } from "../datasources/index.js";
import {
  ConnectionArgs,
  ConcurInvoiceSortDirection,
  ConcurInvoiceVendor,
  ConcurInvoiceVendorBankInput,
  ConcurInvoiceVendorConnection,
  ConcurInvoiceVendorFilter,
  ConcurInvoiceVendorInput,
  ConcurInvoiceVendorKeyInput,
  ConcurInvoiceVendorWriteResult,
} from "../schema/index.js";
import { changeVendorGroups, deleteVendor, deleteVendors, setVendorBank, writeVendor, writeVendors, type VendorWriteDeps, type VendorWriteResult } from "../services/invoice-vendors.js";
import { mapConnection } from "./args.js";

/** A vendor record as the schema shows it (absent values null). */
export function toInvoiceVendor(companyId: string, record: InvoiceVendorRecord): ConcurInvoiceVendor {
  return { ...record, companyId, customFields: record.customFields ?? [], banks: record.banks ?? [], groups: record.groups ?? [] } as ConcurInvoiceVendor;
}

const toFilter = (filter: ConcurInvoiceVendorFilter | null | undefined, sortBy: string | null, sortDirection: ConcurInvoiceSortDirection | null): VendorFilter => ({
  ...(filter ?? {}),
  searchType: filter?.match ?? undefined,
  sortBy,
  sortDirection,
});

const writeDeps = (ctx: GatewayContext, companyId: string): VendorWriteDeps => ({ caller: ctx.requireCaller(companyId, "write"), writer: ctx.services.invoice.vendorWriter });

@ArgsType()
class InvoiceVendorsArgs extends ConnectionArgs {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ConcurInvoiceVendorFilter, { nullable: true })
  filter?: ConcurInvoiceVendorFilter | null;

  @Field(() => String, { nullable: true, description: "A field name as it appears on the vendor form (Concur's sortBy), e.g. VendorCode. Default: vendor name." })
  sortBy?: string | null;

  @Field(() => ConcurInvoiceSortDirection, { nullable: true, description: "Default ASC." })
  sortDirection?: ConcurInvoiceSortDirection | null;
}

const WRITE_NOTE =
  " Concurrent writes of one company share Concur calls (creates one POST, updates one PUT, up to 1000 records each; one Invoice write call per second per company); the result is this record's own status from Concur's per-record StatusList. Refused before any call when a field breaks a documented rule (the message names the field).";

@Resolver(() => ConcurInvoiceVendor)
export class InvoiceVendorResolver {
  @Query(() => ConcurInvoiceVendorConnection, { description: "Concur Invoice vendors (address records) matching the filter, in Concur's order; each upstream page is read once per walk." })
  async invoiceVendors(@Args(() => InvoiceVendorsArgs) args: InvoiceVendorsArgs, @Ctx() ctx: GatewayContext): Promise<ConcurInvoiceVendorConnection> {
    const page = await ctx.services.invoice.vendorReader.vendors(ctx.requireCaller(args.companyId), args.companyId, toFilter(args.filter, args.sortBy ?? null, args.sortDirection ?? null), args);
    return Object.assign(mapConnection(page, (record) => toInvoiceVendor(args.companyId, record)), { totalCount: page.totalCount }) as ConcurInvoiceVendorConnection;
  }

  @Query(() => ConcurInvoiceVendor, { nullable: true, description: "One vendor address record by its codes (exact, case insensitive), or null." })
  async invoiceVendor(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("vendorCode", () => String) vendorCode: string,
    @Arg("addressCode", () => String) addressCode: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConcurInvoiceVendor | null> {
    const found = await ctx.services.invoice.vendorReader.vendor(ctx.requireCaller(companyId), companyId, vendorCode, addressCode);
    return found ? toInvoiceVendor(companyId, found) : null;
  }
}

@Resolver(() => ConcurInvoiceVendorWriteResult)
export class InvoiceVendorWriteResolver {
  @Mutation(() => ConcurInvoiceVendorWriteResult, { description: "Creates a vendor address record (Concur POST; an existing vendorCode + addressCode is refused per record)." + WRITE_NOTE })
  async createInvoiceVendor(@Arg("companyId", () => ID) companyId: string, @Arg("vendor", () => ConcurInvoiceVendorInput) vendor: ConcurInvoiceVendorInput, @Ctx() ctx: GatewayContext): Promise<VendorWriteResult> {
    return writeVendor(writeDeps(ctx, companyId), companyId, "create", { ...vendor });
  }

  @Mutation(() => ConcurInvoiceVendorWriteResult, { description: "Updates a vendor address record (Concur PUT, merged: omitted fields stay)." + WRITE_NOTE })
  async updateInvoiceVendor(@Arg("companyId", () => ID) companyId: string, @Arg("vendor", () => ConcurInvoiceVendorInput) vendor: ConcurInvoiceVendorInput, @Ctx() ctx: GatewayContext): Promise<VendorWriteResult> {
    return writeVendor(writeDeps(ctx, companyId), companyId, "update", { ...vendor });
  }

  @Mutation(() => ConcurInvoiceVendorWriteResult, { description: "Deletes one vendor address record (Concur has no bulk delete: one call each). A vendor still used (e.g. on purchase orders) is refused per record: set approved: false instead." })
  async deleteInvoiceVendor(@Arg("companyId", () => ID) companyId: string, @Arg("vendorCode", () => String) vendorCode: string, @Arg("addressCode", () => String) addressCode: string, @Ctx() ctx: GatewayContext): Promise<VendorWriteResult> {
    return deleteVendor(writeDeps(ctx, companyId), companyId, vendorCode, addressCode);
  }

  @Mutation(() => ConcurInvoiceVendorWriteResult, { description: "Adds or updates a vendor bank account (coalesced like vendor updates). Concur has no bank delete: set active: false." })
  async setInvoiceVendorBank(@Arg("companyId", () => ID) companyId: string, @Arg("bank", () => ConcurInvoiceVendorBankInput) bank: ConcurInvoiceVendorBankInput, @Ctx() ctx: GatewayContext): Promise<VendorWriteResult> {
    return setVendorBank(writeDeps(ctx, companyId), companyId, { ...bank });
  }

  @Mutation(() => ConcurInvoiceVendorWriteResult, { description: "Adds a vendor address record to vendor groups (groups themselves are created in Invoice Admin); succeeded when every group was added." })
  async addInvoiceVendorGroups(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("vendorCode", () => String) vendorCode: string,
    @Arg("addressCode", () => String) addressCode: string,
    @Arg("groups", () => [String]) groups: string[],
    @Ctx() ctx: GatewayContext,
  ): Promise<VendorWriteResult> {
    return changeVendorGroups(writeDeps(ctx, companyId), companyId, vendorCode, addressCode, { add: groups });
  }

  @Mutation(() => ConcurInvoiceVendorWriteResult, { description: "Removes a vendor address record from one vendor group." })
  async removeInvoiceVendorGroup(
    @Arg("companyId", () => ID) companyId: string,
    @Arg("vendorCode", () => String) vendorCode: string,
    @Arg("addressCode", () => String) addressCode: string,
    @Arg("group", () => String) group: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<VendorWriteResult> {
    return changeVendorGroups(writeDeps(ctx, companyId), companyId, vendorCode, addressCode, { remove: group });
  }

  @Mutation(() => [ConcurInvoiceVendorWriteResult], { description: "Creates many vendor address records (a sync's chunk): each checked on its own (a refused one answers type INVALID with its field), all queued together so they share the fewest POST calls." })
  async createInvoiceVendors(@Arg("companyId", () => ID) companyId: string, @Arg("vendors", () => [ConcurInvoiceVendorInput]) vendors: ConcurInvoiceVendorInput[], @Ctx() ctx: GatewayContext): Promise<VendorWriteResult[]> {
    return writeVendors(writeDeps(ctx, companyId), companyId, "create", vendors.map((v) => ({ ...v })));
  }

  @Mutation(() => [ConcurInvoiceVendorWriteResult], { description: "Updates many vendor address records (merged), like createInvoiceVendors: the fewest PUT calls." })
  async updateInvoiceVendors(@Arg("companyId", () => ID) companyId: string, @Arg("vendors", () => [ConcurInvoiceVendorInput]) vendors: ConcurInvoiceVendorInput[], @Ctx() ctx: GatewayContext): Promise<VendorWriteResult[]> {
    return writeVendors(writeDeps(ctx, companyId), companyId, "update", vendors.map((v) => ({ ...v })));
  }

  @Mutation(() => [ConcurInvoiceVendorWriteResult], { description: "Deletes many vendor address records (Concur: one DELETE per record, paced)." })
  async deleteInvoiceVendors(@Arg("companyId", () => ID) companyId: string, @Arg("records", () => [ConcurInvoiceVendorKeyInput]) records: ConcurInvoiceVendorKeyInput[], @Ctx() ctx: GatewayContext): Promise<VendorWriteResult[]> {
    return deleteVendors(writeDeps(ctx, companyId), companyId, records);
  }

  @FieldResolver(() => ConcurInvoiceVendor, { nullable: true, description: "The record as Concur has it now (read back by its codes); null after a delete or when absent." })
  async vendor(@Root() result: VendorWriteResult, @Ctx() ctx: GatewayContext): Promise<ConcurInvoiceVendor | null> {
    if (result.deleted || !result.addressCode) return null;
    const found = await ctx.services.invoice.vendorReader.vendor(ctx.requireCaller(result.companyId), result.companyId, result.vendorCode, result.addressCode);
    return found ? toInvoiceVendor(result.companyId, found) : null;
  }
}
