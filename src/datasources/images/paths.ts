// Image v1 and, as the last fallback, Spend Documents v4 (spec /work/shared/concur/images.md §2, §4, docs/emulator/
// images-v1.md): the only place that spells their paths and the order in which the id forms, the Spend Documents
// representations and the image URL forms the docs point at for one image are tried (spec Q2, Q4, §7).
import { badInput } from "../../errors.js";

export const IMAGE_API = "/api/image/v1.0";
/** The scope a 403 names ("Add or Retrieve Report and Line Item Images"). */
export const IMAGE_SCOPE = "IMAGE";
/** Spend Documents v4 receipts (S1-S4). */
export const SPEND_DOCUMENTS_API = "/spend-documents/v4/receipts";
/** Spend Documents' read scope (the representation GET also names a compliance scope, spec §1). */
export const SPEND_DOCUMENTS_SCOPE = "spenddocs.receipts.read";

/** What an image is of, with every id the gateway knows for it. */
export type ImageSubject =
  | { of: "report"; reportId: string }
  /** An expense entry's receipt: FIS gives `entryReceiptId` and `entryId`; either may be missing. */
  | { of: "entry"; entryReceiptId: string | null; entryId: string | null }
  | { of: "invoice"; requestId: string }
  | { of: "receipt"; imageId: string };

/**
 * One way of asking for an image: a path form (named, so the answer can say which served) and its path.
 * Image v1: REPORT `report/{reportId}` (I1), REPORT_ENTRY_RECEIPT `report/{entryReceiptId}` (I5, the FIS guide's form),
 * RECEIPT `receipt/{id}` (I4), EXPENSE_ENTRY `expenseentry/{entryId}` (I2), INVOICE `invoice/{requestId}` (I3).
 * SPEND_DOCUMENTS: `GET /spend-documents/v4/receipts?imageId={id}&companyId={company}` (S2), then the receipt's
 * representation (S3, or S4 by image id when the answer names no receipt id).
 */
export type ImageForm = "REPORT" | "REPORT_ENTRY_RECEIPT" | "RECEIPT" | "EXPENSE_ENTRY" | "INVOICE" | "SPEND_DOCUMENTS";

export interface ImageRequest {
  form: ImageForm;
  /** Image v1 answers `<Image>` XML with a self-signed URL; Spend Documents a receipt JSON whose bytes need the token. */
  api: "image-v1" | "spend-documents";
  path: string;
}

const v1 = (form: ImageForm, segment: string, name: string, id: string): ImageRequest => ({ form, api: "image-v1", path: `${IMAGE_API}/${segment}/${idSegment(name, id)}` });
const spendDocuments = (name: string, imageId: string, companyId: string): ImageRequest => ({
  form: "SPEND_DOCUMENTS",
  api: "spend-documents",
  path: `${SPEND_DOCUMENTS_API}?${new URLSearchParams({ imageId: checkedId(name, imageId), companyId })}`,
});

/**
 * The id forms to try for a subject, in order; the first that answers an image serves, NOT_FOUND only when none does.
 * Entry receipts (spec Q2, §7 "Entry image path"): the FIS guide's `report/{entryReceiptId}` first (the form the ERP
 * posting guide documents for FIS documents), then the receipt store `receipt/{entryReceiptId}`, then
 * `expenseentry/{entryId}` (Image v1 and the extract guide; needs the entry id), then Spend Documents by image id
 * (§7: the Receipt Image v3 page sends ERP partners there; whether it resolves an `entryReceiptId` is not stated, Q2).
 * A receipt: `receipt/{imageId}`, then Spend Documents. Reports and invoices: Image v1 only (Spend Documents holds
 * receipts, §4). `preferred` (the form that served last time) goes first; the rest keep their order.
 */
export function imageRequests(subject: ImageSubject, companyId: string, preferred?: ImageForm): ImageRequest[] {
  const requests: ImageRequest[] = [];
  switch (subject.of) {
    case "report":
      requests.push(v1("REPORT", "report", "reportId", subject.reportId));
      break;
    case "entry":
      if (subject.entryReceiptId) {
        requests.push(v1("REPORT_ENTRY_RECEIPT", "report", "entryReceiptId", subject.entryReceiptId));
        requests.push(v1("RECEIPT", "receipt", "entryReceiptId", subject.entryReceiptId));
      }
      if (subject.entryId) requests.push(v1("EXPENSE_ENTRY", "expenseentry", "entryId", subject.entryId));
      if (subject.entryReceiptId) requests.push(spendDocuments("entryReceiptId", subject.entryReceiptId, companyId));
      break;
    case "invoice":
      requests.push(v1("INVOICE", "invoice", "requestId", subject.requestId));
      break;
    case "receipt":
      requests.push(v1("RECEIPT", "receipt", "imageId", subject.imageId));
      requests.push(spendDocuments("imageId", subject.imageId, companyId));
      break;
  }
  if (requests.length === 0) throw badInput("An expense entry image needs entryReceiptId or entryId", { field: "id" });
  const first = requests.findIndex((r) => r.form === preferred);
  if (first > 0) requests.unshift(...requests.splice(first, 1));
  return requests;
}

/**
 * The Spend Documents representation to download: `compliance` (the signed or certified document) when the receipt's
 * `documents[]` lists one, else `display` (every receipt has it; `original` has no documented GET). By the receipt's
 * id (S3) when the answer gives it, else by image id (S4, the doc's own example URL being malformed, its query form).
 */
export function spendDocumentsRepresentation(receipt: { receiptId: string | null; imageId: string; companyId: string; listed: readonly string[] }): { type: "compliance" | "display"; path: string } {
  const type = receipt.listed.includes("compliance") ? "compliance" : "display";
  if (receipt.receiptId && /^[0-9a-fA-F-]{36}$/.test(receipt.receiptId)) return { type, path: `${SPEND_DOCUMENTS_API}/${receipt.receiptId}/representations?${new URLSearchParams({ type })}` };
  return { type, path: `${SPEND_DOCUMENTS_API}?${new URLSearchParams({ imageId: receipt.imageId, companyId: receipt.companyId, type })}` };
}

/**
 * The URLs to GET for an image URL Image v1 gave, in order: the URL as given (XML-decoded), then, for an invoice whose
 * URL has a query, the part before the `?` (the FIS guide: "copy the portion up to the '?'", spec Q4).
 */
export function imageUrlForms(form: ImageForm, url: URL): URL[] {
  if (form !== "INVOICE" || url.search === "") return [url];
  const cut = new URL(url.href);
  cut.search = "";
  return [url, cut];
}

/** An id as one path segment (see checkedId). */
const idSegment = (name: string, value: string): string => encodeURIComponent(checkedId(name, value));

/** An id: 1-128 characters of letters, digits, `-`, `_`, `$`, `.` (never `.`/`..`); BAD_USER_INPUT naming it otherwise. */
function checkedId(name: string, value: string): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9_$.-]{1,128}$/.test(value) || value === "." || value === "..") {
    throw badInput(`${name} must be 1-128 letters, digits, '-', '_', '$' or '.', got ${JSON.stringify(String(value).slice(0, 140))}`, { field: name });
  }
  return value;
}
