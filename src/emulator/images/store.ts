// What Image v1 serves: images of the documents the FIS emulation holds (a report's receipts bundled into one PDF, each
// entry's receipt as a PNG or JPEG, an invoice as a PDF), plus images an admin attached (any of the upload types).
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { jpeg, pdf, png, rasterOf, type ImageType, type PdfPage, type RenderedImage } from "./render.js";

/** Image v1 path segments (spec §2.1, I1-I5): `report/{id}` serves report ids and, FIS guide form, entry receipt ids. */
export const IMAGE_KINDS = ["report", "expenseentry", "invoice", "receipt"] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

/**
 * The id forms the emulator answers (spec Q2 says the same image on all of them; a test can switch one off to see a
 * partner fall through to the next): `report` (I1), `reportEntryReceipt` (I5), `receipt` (I4), `expenseentry` (I2),
 * `invoice` (I3), and Spend Documents v4 by image id (`spendDocuments`, S1-S4).
 */
export const IMAGE_FORMS = ["report", "reportEntryReceipt", "receipt", "expenseentry", "invoice", "spendDocuments"] as const;
export type ImageFormName = (typeof IMAGE_FORMS)[number];

export interface ImagesSettings {
  /** Lifetime of an image URL on the emulator clock. Default 15 minutes ([IMG1]; the swagger tag says 30). */
  imageUrlTtlMs: number;
  /** The id forms served; default all. */
  imageFormsServed: ImageFormName[];
  /** Fault: the next N image URLs are issued already expired (their GET answers 403). Default 0. */
  imageUrlsIssuedExpired: number;
  /**
   * Which form of an invoice image URL the imaging host accepts: `any` (default), `full` (with the documented query
   * `id`, `e`, `t`, `s`; cut at the `?` it answers 403) or `cut` (the FIS guide's "portion up to the '?'"; with a query
   * it answers 403). Spec Q4.
   */
  invoiceUrlForm: InvoiceUrlForm;
  /** Fault: the next N image file answers (imaging host and Spend Documents binaries) carry no Content-Length (chunked). Default 0. */
  imageFilesUnsized: number;
}

export const INVOICE_URL_FORMS = ["any", "full", "cut"] as const;
export type InvoiceUrlForm = (typeof INVOICE_URL_FORMS)[number];

export const DEFAULT_IMAGES_SETTINGS: Readonly<ImagesSettings> = Object.freeze({ imageUrlTtlMs: 15 * 60_000, imageFormsServed: [...IMAGE_FORMS], imageUrlsIssuedExpired: 0, invoiceUrlForm: "any" as InvoiceUrlForm, imageFilesUnsized: 0 });

/** The upload cap of Image v1 ("Max 10 MB"), also the cap of admin-attached images. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export interface ServedImage extends RenderedImage {
  /** `<Id>`: 20 upper-case hex (the documented example's shape). */
  id: string;
  /** Entity id of the company (the `e=` of the documented invoice URL). */
  entityId: string;
}

type Obj = Record<string, unknown>;

/**
 * The documents Image v1 serves images of: the FIS emulation's store, seen only through this shape (an API folder
 * imports only itself and core/; index.ts passes FIS's store in).
 */
export interface DocumentSource {
  /** A company's FIS documents (`document`: the financial document JSON). */
  ofCompany(companyUuid: string): ReadonlyArray<{ docType: string; document: unknown }>;
}

/** Stable upper-case hex of a key (image ids: 20 hex, the documented example's shape). */
const hexOf = (value: string, length: number) => createHash("sha256").update(value).digest("hex").slice(0, length).toUpperCase();
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

interface Entry {
  entryId?: string;
  entryReceiptId?: string;
  legacyEntryId?: string;
}

export class ImageStore {
  /** Admin-attached images by `company|kind|id` (lower case). */
  private readonly attached = new Map<string, RenderedImage>();
  /** Spend Documents receipt ids handed out, to the company and image id they stand for. */
  private readonly receipts = new Map<string, { companyId: string; imageId: string }>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly fis: DocumentSource,
    readonly settings: ImagesSettings,
  ) {}

  attach(companyId: string, kind: ImageKind, id: string, image: RenderedImage): void {
    this.attached.set(key(companyId, kind, id), image);
  }

  detach(companyId: string, kind: ImageKind, id: string): boolean {
    return this.attached.delete(key(companyId, kind, id));
  }

  clear(): void {
    this.attached.clear();
    this.receipts.clear();
  }

  /**
   * Spend Documents v4 by image id (S2/S4): a receipt-store image, i.e. an admin-attached receipt or an entry's receipt
   * by its `entryReceiptId` ([INFERRED], spec Q2: whether S2 resolves it is not stated); undefined (404) otherwise or
   * when `spendDocuments` is not served. Reports and invoices are not receipts (spec §4).
   */
  spendDocument(companyId: string, imageId: string): (ServedImage & { receiptId: string }) | undefined {
    if (!this.settings.imageFormsServed.includes("spendDocuments")) return undefined;
    const own = this.attached.get(key(companyId, "receipt", imageId));
    const entry = own ? undefined : this.entries(companyId).find((e) => same(e.entryReceiptId, imageId));
    const image = own ?? (entry && this.receiptOf(companyId, entry));
    if (!image) return undefined;
    const receiptId = uuidOf(`${companyId.toLowerCase()}:receipt:${imageId.toLowerCase()}`);
    this.receipts.set(receiptId, { companyId: companyId.toLowerCase(), imageId });
    return { ...image, id: imageId, entityId: entityOf(companyId), receiptId };
  }

  /** The company and image id of a Spend Documents receipt id handed out before (S1/S3), if still served. */
  spendDocumentByReceiptId(companyId: string, receiptId: string): (ServedImage & { receiptId: string }) | undefined {
    const known = this.receipts.get(receiptId.toLowerCase());
    if (!known || known.companyId !== companyId.toLowerCase()) return undefined;
    return this.spendDocument(companyId, known.imageId);
  }

  /** What `GET /api/image/v1.0/{kind}/{id}` serves for the company, or undefined (404), honouring imageFormsServed. */
  find(companyId: string, kind: ImageKind, id: string, forms: readonly ImageFormName[] = this.settings.imageFormsServed): ServedImage | undefined {
    const serves = (form: ImageFormName) => forms.includes(form);
    const served = (image: RenderedImage | undefined, form: string) =>
      image && { ...image, id: hexOf(`${companyId.toLowerCase()}:${form}:${id.toLowerCase()}`, 20), entityId: entityOf(companyId) };
    const own = this.attached.get(key(companyId, kind, id));
    switch (kind) {
      case "report": {
        if (serves("report")) {
          if (own) return served(own, "report");
          const report = this.expenseDocuments(companyId).find((d) => same(text(obj(d.report)?.reportId), id));
          const bundled = report && this.reportPdf(companyId, report);
          if (bundled) return served(bundled, "report");
        }
        if (serves("reportEntryReceipt")) {
          const entry = this.entries(companyId).find((e) => same(e.entryReceiptId, id));
          if (entry) return served(this.receiptOf(companyId, entry), "receipt");
        }
        return undefined;
      }
      case "receipt": {
        if (!serves("receipt")) return undefined;
        if (own) return served(own, "receipt");
        const entry = this.entries(companyId).find((e) => same(e.entryReceiptId, id));
        return entry ? served(this.receiptOf(companyId, entry), "receipt") : undefined;
      }
      case "expenseentry": {
        if (!serves("expenseentry")) return undefined;
        if (own) return served(own, "expenseentry");
        // The entry id: FIS `entryId` (v2 EntryID), or the legacy numeric id (RpeKey-like, [INFERRED]).
        const entry = this.entries(companyId).find((e) => same(e.entryId, id) || same(e.legacyEntryId, id));
        // The same image as its receipt forms (spec Q2), whose id it takes.
        return entry?.entryReceiptId ? served(this.receiptOf(companyId, entry), "receipt") : undefined;
      }
      case "invoice": {
        if (!serves("invoice")) return undefined;
        if (own) return served(own, "invoice");
        const invoice = this.fis.ofCompany(companyId).find((d) => d.docType === "invoice" && same(text(obj(obj(d.document)?.requestHeader)?.requestId), id));
        if (!invoice) return undefined;
        const header = obj(obj(invoice.document)?.requestHeader) ?? {};
        const vendor = obj(obj(invoice.document)?.vendor) ?? {};
        return served({ contentType: "application/pdf", data: pdf([{ kind: "text", lines: [`Invoice ${text(header.vendorInvoiceNumber) ?? ""}`, `Vendor: ${text(vendor.vendorName) ?? ""}`, `Request ${id}`, `Total ${String(header.requestTotal ?? "")} ${text(header.currencyAlphaCode) ?? ""}`] }], `Invoice ${id}`) }, "invoice");
      }
    }
  }

  /** A signed image URL path (token) for `kind/id`, expiring at `expiresAt` on the emulator clock. */
  sign(companyId: string, kind: ImageKind, id: string, expiresAt: number): string {
    const payload = Buffer.from(JSON.stringify({ c: companyId.toLowerCase(), k: kind, i: id, x: expiresAt })).toString("base64url");
    return `${payload}.${createHmac("sha256", this.secret).update(payload).digest("base64url")}`;
  }

  verify(token: string): { companyId: string; kind: ImageKind; id: string; expiresAt: number } | undefined {
    const [payload, mac] = token.split(".");
    if (!payload || !mac) return undefined;
    const want = createHmac("sha256", this.secret).update(payload).digest();
    const got = Buffer.from(mac, "base64url");
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { c: string; k: ImageKind; i: string; x: number };
    return { companyId: claims.c, kind: claims.k, id: claims.i, expiresAt: claims.x };
  }

  private expenseDocuments(companyId: string): Obj[] {
    return this.fis.ofCompany(companyId).flatMap((d) => {
      const document = obj(d.document);
      return document && Array.isArray(document.expenseEntry) ? [document] : [];
    });
  }

  private entries(companyId: string): Entry[] {
    return this.expenseDocuments(companyId).flatMap((d) => entriesOf(d));
  }

  /** An entry's receipt: attached to its receipt id, else drawn from it (PNG or JPEG by the id's first hex digit). */
  private receiptOf(companyId: string, entry: Entry): RenderedImage {
    const receiptId = entry.entryReceiptId ?? entry.entryId ?? "";
    const own = this.attached.get(key(companyId, "receipt", receiptId));
    if (own) return own;
    return isJpeg(receiptId) ? { contentType: "image/jpeg", data: jpeg(receiptId, receiptId) } : { contentType: "image/png", data: png(rasterOf(receiptId)) };
  }

  /** The report PDF: one page per entry receipt (spec §1 "bundled into one PDF"); undefined without any receipt. */
  private reportPdf(companyId: string, report: Obj): RenderedImage | undefined {
    const pages: PdfPage[] = [];
    for (const entry of entriesOf(report)) {
      if (!entry.entryReceiptId) continue;
      const own = this.attached.get(key(companyId, "receipt", entry.entryReceiptId));
      if (own) pages.push({ kind: "text", lines: [`Receipt ${entry.entryReceiptId}`, `(attached ${own.contentType}, ${own.data.length} bytes)`] });
      else if (isJpeg(entry.entryReceiptId)) pages.push({ kind: "jpeg", data: jpeg(entry.entryReceiptId, entry.entryReceiptId), width: 96, height: 64 });
      else pages.push({ kind: "raster", raster: rasterOf(entry.entryReceiptId) });
    }
    if (pages.length === 0) return undefined;
    return { contentType: "application/pdf", data: pdf(pages, `Report ${text(obj(report.report)?.reportId) ?? ""}`) };
  }
}

function entriesOf(document: Obj): Entry[] {
  const entries = Array.isArray(document.expenseEntry) ? document.expenseEntry : [];
  return entries.flatMap((e) => {
    const entry = obj(e);
    if (!entry) return [];
    const legacy = entry.legacyEntryId;
    return [{ entryId: text(entry.entryId), entryReceiptId: text(entry.entryReceiptId), legacyEntryId: legacy === undefined || legacy === null ? undefined : String(legacy) }];
  });
}

/** A stable UUID (version 4 shape) of a key: Spend Documents receipt ids. */
export function uuidOf(value: string): string {
  const h = createHash("sha256").update(value).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const key = (companyId: string, kind: ImageKind, id: string) => `${companyId.toLowerCase()}|${kind}|${id.toLowerCase()}`;
const isJpeg = (id: string) => parseInt(id.slice(0, 1) || "0", 16) % 2 === 1;
const entityOf = (companyId: string) => `p${createHash("sha256").update(companyId.toLowerCase()).digest("hex").slice(0, 10)}`;

/** Content types Image v1 takes (spec §1: PDF, JPG/JPEG, PNG); `image/jpg` is read as `image/jpeg`. */
export function imageTypeOf(raw: unknown): ImageType | undefined {
  if (typeof raw !== "string") return undefined;
  const type = raw.split(";")[0].trim().toLowerCase();
  if (type === "image/jpg" || type === "image/jpeg") return "image/jpeg";
  if (type === "image/png" || type === "application/pdf") return type;
  return undefined;
}
