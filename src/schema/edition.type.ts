import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

/** The edition a company runs, as posting by file needs it (UNKNOWN when no source tells). */
export enum ConcurEdition {
  PROFESSIONAL = "PROFESSIONAL",
  STANDARD = "STANDARD",
  UNKNOWN = "UNKNOWN",
}
registerEnumType(ConcurEdition, {
  name: "ConcurEdition",
  description: "Concur Expense edition: decides the file-based posting path.",
  valuesConfig: {
    PROFESSIONAL: { description: "Professional Edition (Profile marketingName CTE / Enterprise): post with Extracts." },
    STANDARD: { description: "Standard Edition: post by closing Payment Manager batches." },
    UNKNOWN: { description: "No source told the edition (no Accounting mappings, Profile v1 off, failing or silent): ask the customer's admin." },
  },
});

export enum EditionSource {
  ACCOUNTING_MAPPINGS = "ACCOUNTING_MAPPINGS",
  COMPANY_PROFILE = "COMPANY_PROFILE",
  NONE = "NONE",
}
registerEnumType(EditionSource, {
  name: "EditionSource",
  description: "Where the edition came from.",
  valuesConfig: {
    ACCOUNTING_MAPPINGS: { description: "`companyEdition` of an ERP's Accounting Integration mappings (checked first)." },
    COMPANY_PROFILE: { description: "`marketingName` of the Profile v1 company resource (deprecated; CONCUR_PROFILE_V1)." },
    NONE: { description: "Neither told it; see `notes`." },
  },
});

export enum PostingChannel {
  FINANCIAL_INTEGRATION_SERVICE = "FINANCIAL_INTEGRATION_SERVICE",
  EXTRACT = "EXTRACT",
  PAYMENT_BATCH = "PAYMENT_BATCH",
  UNKNOWN = "UNKNOWN",
}
registerEnumType(PostingChannel, {
  name: "PostingChannel",
  description: "How this company's financial postings reach the ERP.",
  valuesConfig: {
    FINANCIAL_INTEGRATION_SERVICE: { description: "FIS is enabled for the company (SAP's recommendation whenever possible)." },
    EXTRACT: { description: "Professional Edition: run an extract definition (extractDefinitions, startExtractJob) and download its file." },
    PAYMENT_BATCH: { description: "Standard Edition: close an OPEN payment batch (closePaymentBatch) and download its file." },
    UNKNOWN: { description: "The edition is unknown: let the customer's admin choose." },
  },
});

@ObjectType({ description: "A company's edition, where it came from, and the posting channel it implies." })
export class CompanyEditionInfo {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ConcurEdition)
  edition!: ConcurEdition;

  @Field(() => EditionSource)
  source!: EditionSource;

  @Field(() => PostingChannel)
  postingChannel!: PostingChannel;

  @Field(() => Boolean, { description: "FIS is enabled for the company (config FIS_COMPANIES)." })
  fisEnabled!: boolean;

  @Field(() => String, { nullable: true, description: "Profile v1 `marketingName` as sent (when the Profile was read)." })
  marketingName!: string | null;

  @Field(() => String, { nullable: true, description: "Profile v1 Expense `offeringCode` (when the Profile was read)." })
  offeringCode!: string | null;

  @Field(() => ID, { nullable: true, description: "Profile v1 company `id` (the company UUID to quote in support cases)." })
  companyUuid!: string | null;

  @Field(() => String, { description: "When the edition was checked (ISO 8601)." })
  checkedAt!: string;

  @Field(() => String, { description: "When it will be checked again (ISO 8601; weekly by default, 5 minutes when UNKNOWN)." })
  recheckAt!: string;

  @Field(() => [String], { description: "Why a source did not tell, e.g. `Profile v1: UPSTREAM_UNAVAILABLE`." })
  notes!: string[];
}
