// Image v1 (spec /work/shared/concur/images.md §2, docs/emulator/images-v1.md): the only place that spells its paths
// and the order in which the id forms the docs point at for one image are tried (spec Q2).
import { badInput } from "../../errors.js";

export const IMAGE_API = "/api/image/v1.0";
/** The scope a 403 names ("Add or Retrieve Report and Line Item Images"). */
export const IMAGE_SCOPE = "IMAGE";

/** What an image is of, with every id the gateway knows for it. */
export type ImageSubject =
  | { of: "report"; reportId: string }
  /** An expense entry's receipt: FIS gives `entryReceiptId` and `entryId`; either may be missing. */
  | { of: "entry"; entryReceiptId: string | null; entryId: string | null }
  | { of: "invoice"; requestId: string }
  | { of: "receipt"; imageId: string };

/**
 * One way of asking Image v1 for an image: a path form (named, so the answer can say which served) and its path.
 * REPORT `report/{reportId}` (I1), REPORT_ENTRY_RECEIPT `report/{entryReceiptId}` (I5, the FIS guide's form),
 * RECEIPT `receipt/{id}` (I4), EXPENSE_ENTRY `expenseentry/{entryId}` (I2), INVOICE `invoice/{requestId}` (I3).
 */
export type ImageForm = "REPORT" | "REPORT_ENTRY_RECEIPT" | "RECEIPT" | "EXPENSE_ENTRY" | "INVOICE";

export interface ImageRequest {
  form: ImageForm;
  path: string;
}

const path = (segment: string, name: string, id: string) => `${IMAGE_API}/${segment}/${idSegment(name, id)}`;

/**
 * The id forms to try for a subject, in order; the first that answers an image serves, NOT_FOUND only when none does.
 * Entry receipts (spec Q2, §7 "Entry image path"): the FIS guide's `report/{entryReceiptId}` first (the form the ERP
 * posting guide documents for FIS documents), then the receipt store `receipt/{entryReceiptId}`, then
 * `expenseentry/{entryId}` (Image v1 and the extract guide; needs the entry id). `preferred` (the form that served
 * last time) goes first; the rest keep their order.
 */
export function imageRequests(subject: ImageSubject, preferred?: ImageForm): ImageRequest[] {
  const requests: ImageRequest[] = [];
  switch (subject.of) {
    case "report":
      requests.push({ form: "REPORT", path: path("report", "reportId", subject.reportId) });
      break;
    case "entry":
      if (subject.entryReceiptId) {
        requests.push({ form: "REPORT_ENTRY_RECEIPT", path: path("report", "entryReceiptId", subject.entryReceiptId) });
        requests.push({ form: "RECEIPT", path: path("receipt", "entryReceiptId", subject.entryReceiptId) });
      }
      if (subject.entryId) requests.push({ form: "EXPENSE_ENTRY", path: path("expenseentry", "entryId", subject.entryId) });
      break;
    case "invoice":
      requests.push({ form: "INVOICE", path: path("invoice", "requestId", subject.requestId) });
      break;
    case "receipt":
      requests.push({ form: "RECEIPT", path: path("receipt", "imageId", subject.imageId) });
      break;
  }
  if (requests.length === 0) throw badInput("An expense entry image needs entryReceiptId or entryId", { field: "id" });
  const first = requests.findIndex((r) => r.form === preferred);
  if (first > 0) requests.unshift(...requests.splice(first, 1));
  return requests;
}

/** An id as one path segment: 1-128 characters of letters, digits, `-`, `_`, `$`, `.` (never `.`/`..`). */
function idSegment(name: string, value: string): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9_$.-]{1,128}$/.test(value) || value === "." || value === "..") {
    throw badInput(`${name} must be 1-128 letters, digits, '-', '_', '$' or '.', got ${JSON.stringify(String(value).slice(0, 140))}`, { field: name });
  }
  return encodeURIComponent(value);
}
