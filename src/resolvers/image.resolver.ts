import { getArgumentValues, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import { canonicalCompanyId } from "../company-id.js";
import type { GatewayContext } from "../context.js";
import type { ImageSubject } from "../datasources/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import { ExpenseEntry, ExpenseReport, FinancialImage, ImageIdForm, ImageSubjectKind, InvoiceDocument } from "../schema/index.js";
import { download } from "./extract-mappers.js";

const KIND_OF: Record<ImageSubject["of"], ImageSubjectKind> = { report: ImageSubjectKind.REPORT, entry: ImageSubjectKind.EXPENSE_ENTRY, invoice: ImageSubjectKind.INVOICE, receipt: ImageSubjectKind.RECEIPT };

/**
 * The image as GraphQL shows it, with a download URL signed for this caller. No id form serving one: null for the
 * document fields, NOT_FOUND (naming the paths tried) for the query.
 */
async function imageOf(ctx: GatewayContext, companyId: string, subject: ImageSubject, id: string, orNull = true): Promise<FinancialImage | null> {
  const caller = ctx.requireCaller(companyId, "read");
  const { images } = ctx.services;
  const described = orNull ? await images.describe(caller, companyId, subject) : await images.find(caller, companyId, subject);
  if (!described) return null;
  return {
    of: KIND_OF[subject.of],
    id,
    imageId: described.imageId,
    contentType: described.contentType,
    size: described.size,
    servedBy: described.form as ImageIdForm,
    download: download(ctx.services.posting.links, caller, { kind: "image", companyId, subject, form: described.form }),
  };
}

/**
 * The company a nested image field acts for: the `companyId` argument of the operation's root field it sits under
 * (financialDocuments, financialDocument, claimFinancialDocuments, financialDocumentReady all take one). FIS documents
 * do not carry the caller's company id in the form the caller's rights are checked against.
 */
export function rootCompanyId(info: GraphQLResolveInfo): string {
  let path = info.path;
  while (path.prev) path = path.prev;
  const rootType = info.operation.operation === "mutation" ? info.schema.getMutationType() : info.operation.operation === "subscription" ? info.schema.getSubscriptionType() : info.schema.getQueryType();
  const node = findRootField(info.operation.selectionSet, String(path.key), info);
  const field = node && rootType?.getFields()[node.name.value];
  const value = field && node ? getArgumentValues(field, node, info.variableValues).companyId : undefined;
  if (typeof value !== "string") throw new CodedError(ErrorCode.BAD_REQUEST, "An image field needs a companyId argument on the operation's root field");
  return canonicalCompanyId(value);
}

function findRootField(selectionSet: SelectionSetNode, responseKey: string, info: GraphQLResolveInfo): FieldNode | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === "Field" && (selection.alias?.value ?? selection.name.value) === responseKey) return selection;
    const inner = selection.kind === "InlineFragment" ? selection.selectionSet : selection.kind === "FragmentSpread" ? info.fragments[selection.name.value]?.selectionSet : undefined;
    const found = inner && findRootField(inner, responseKey, info);
    if (found) return found;
  }
  return undefined;
}

@Resolver(() => ExpenseReport)
export class ExpenseReportImageResolver {
  @FieldResolver(() => FinancialImage, { nullable: true })
  async image(@Root() report: ExpenseReport, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<FinancialImage | null> {
    if (!report.reportId) return null;
    return imageOf(ctx, rootCompanyId(info), { of: "report", reportId: report.reportId }, report.reportId);
  }
}

@Resolver(() => ExpenseEntry)
export class ExpenseEntryImageResolver {
  @FieldResolver(() => FinancialImage, { nullable: true })
  async image(@Root() entry: ExpenseEntry, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<FinancialImage | null> {
    // Only entries that carry a receipt image id have an image to ask for (no call otherwise).
    if (!entry.entryReceiptId) return null;
    return imageOf(ctx, rootCompanyId(info), { of: "entry", entryReceiptId: entry.entryReceiptId, entryId: entry.entryId }, entry.entryReceiptId);
  }
}

@Resolver(() => InvoiceDocument)
export class InvoiceImageResolver {
  @FieldResolver(() => FinancialImage, { nullable: true })
  async image(@Root() invoice: InvoiceDocument, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<FinancialImage | null> {
    const requestId = invoice.requestHeader?.requestId;
    if (!requestId) return null;
    return imageOf(ctx, rootCompanyId(info), { of: "invoice", requestId }, requestId);
  }
}

@Resolver()
export class FinancialImageResolver {
  @Query(() => FinancialImage, {
    description:
      "A receipt or invoice image by id (Image v1): of REPORT by reportId, EXPENSE_ENTRY by entryReceiptId (plus entryId when known), INVOICE by requestId, RECEIPT by receipt image id. Every id form the docs give for it is tried in order (see ImageIdForm); NOT_FOUND only when none serves.",
  })
  async financialImage(
    @Arg("companyId", () => ID, { description: "Concur company UUID (managed mode: its connection; passthrough: your token must be this company's)." }) companyId: string,
    @Arg("of", () => ImageSubjectKind) of: ImageSubjectKind,
    @Arg("id", () => ID, { description: "reportId, entryReceiptId, requestId or receipt image id." }) id: string,
    @Arg("entryId", () => ID, { nullable: true, description: "EXPENSE_ENTRY only: the entry id, tried last (expenseentry/{entryId})." }) entryId: string | null | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<FinancialImage> {
    const subject: ImageSubject =
      of === ImageSubjectKind.REPORT ? { of: "report", reportId: id } : of === ImageSubjectKind.EXPENSE_ENTRY ? { of: "entry", entryReceiptId: id, entryId: entryId ?? null } : of === ImageSubjectKind.INVOICE ? { of: "invoice", requestId: id } : { of: "receipt", imageId: id };
    return (await imageOf(ctx, companyId, subject, id, false))!;
  }
}
