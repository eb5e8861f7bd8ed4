// Receipt and invoice images of financial documents (Image v1): docs/financial-integration.md "Posting with images".
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { FileDownload } from "./extract.type.js";

export enum ImageSubjectKind {
  REPORT = "REPORT",
  EXPENSE_ENTRY = "EXPENSE_ENTRY",
  INVOICE = "INVOICE",
  RECEIPT = "RECEIPT",
}
registerEnumType(ImageSubjectKind, {
  name: "ImageSubjectKind",
  description: "What an image is of.",
  valuesConfig: {
    REPORT: { description: "An expense report: one PDF bundling the receipts of all its entries (id: FIS report.reportId)." },
    EXPENSE_ENTRY: { description: "An expense entry's receipt (id: FIS expenseEntry.entryReceiptId; give entryId too when known)." },
    INVOICE: { description: "An invoice (id: FIS requestHeader.requestId)." },
    RECEIPT: { description: "A receipt in the user's receipt store (id: the receipt image id)." },
  },
});

export enum ImageIdForm {
  REPORT = "REPORT",
  REPORT_ENTRY_RECEIPT = "REPORT_ENTRY_RECEIPT",
  RECEIPT = "RECEIPT",
  EXPENSE_ENTRY = "EXPENSE_ENTRY",
  INVOICE = "INVOICE",
  SPEND_DOCUMENTS = "SPEND_DOCUMENTS",
}
registerEnumType(ImageIdForm, {
  name: "ImageIdForm",
  description:
    "The path that served an image. For an entry the gateway tries REPORT_ENTRY_RECEIPT, then RECEIPT, then EXPENSE_ENTRY, then SPEND_DOCUMENTS; for a receipt RECEIPT, then SPEND_DOCUMENTS; a report or an invoice has one form.",
  valuesConfig: {
    REPORT: { description: "GET /api/image/v1.0/report/{reportId}." },
    REPORT_ENTRY_RECEIPT: { description: "GET /api/image/v1.0/report/{entryReceiptId} (the FIS posting guide's form)." },
    RECEIPT: { description: "GET /api/image/v1.0/receipt/{id}." },
    EXPENSE_ENTRY: { description: "GET /api/image/v1.0/expenseentry/{entryId}." },
    INVOICE: { description: "GET /api/image/v1.0/invoice/{requestId} (the image URL as given, then cut at the '?' as the FIS guide says)." },
    SPEND_DOCUMENTS: { description: "Spend Documents v4, the last fallback: GET /spend-documents/v4/receipts?imageId={id}&companyId={companyId}, then the receipt's compliance representation when it lists one, else display (scope spenddocs.receipts.read)." },
  },
});

@ObjectType({
  description:
    "A receipt or invoice image to attach to the ERP posting. `download` is a short-lived URL on the gateway (signed, bound to you and the company): each GET asks Concur for a fresh image URL (Concur's lives ~15 minutes and is never handed out) and streams the bytes.",
})
export class FinancialImage {
  @Field(() => ImageSubjectKind, { description: "What the image is of." })
  of!: ImageSubjectKind;

  @Field(() => ID, { description: "The id it was asked by (reportId, entryReceiptId, requestId or receipt image id)." })
  id!: string;

  @Field(() => String, { nullable: true, description: "Concur's image id (Image v1 `Id`)." })
  imageId!: string | null;

  @Field(() => String, { nullable: true, description: "application/pdf, image/png or image/jpeg, as Concur's image host answers (a report is a PDF)." })
  contentType!: string | null;

  @Field(() => Int, { nullable: true, description: "Size in bytes, when Concur's image host says." })
  size!: number | null;

  @Field(() => ImageIdForm, { description: "The path that served it (Image v1, or Spend Documents v4 as the last fallback)." })
  servedBy!: ImageIdForm;

  @Field(() => FileDownload, { description: "GET it with the same credentials as GraphQL: it streams the image (Content-Type as above). Refused (403) once expired or for another caller; ask GraphQL again then." })
  download!: FileDownload;
}
