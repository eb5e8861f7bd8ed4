// Spend Documents v4 receipts (spec /work/shared/concur/images.md §4: S1-S4), read side only: the receipt-store images
// the images API holds (admin-attached receipts, entries' receipts by entryReceiptId), as receipt JSON and as binary
// representations. The gateway's last fallback for an entry's or a receipt's image.
import type { TokenGrant } from "../core/auth.js";
import type { CoreContext } from "../core/context.js";
import { homeOf, servesApiCalls } from "../core/geolocation.js";
import { header } from "../core/guards.js";
import { json, type Reply, type RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import { isUuid } from "../core/validation.js";
import { imageFileReply } from "./routes.js";
import { uuidOf, type ImageStore, type ServedImage } from "./store.js";

export const SPEND_DOCUMENTS_API = "/spend-documents/v4/receipts";
/** Read scope of S1-S4 ([SD4]; the representation GET also names a compliance scope, not required here). */
export const SCOPE_SPEND_DOCUMENTS = "spenddocs.receipts.read";

export const SPEND_DOCUMENTS_ROUTES = {
  receipts: SPEND_DOCUMENTS_API,
  receipt: `${SPEND_DOCUMENTS_API}/{receiptId}`,
  representations: `${SPEND_DOCUMENTS_API}/{receiptId}/representations`,
} as const;

interface SpendDocumentsContext extends CoreContext {
  images: ImageStore;
}

/** The error body of [SD4]: `{timestamp, status, message}` (status as a string). */
function sdError(ctx: CoreContext, status: number, message: string): Reply {
  return json(status, { timestamp: new Date(ctx.now()).toISOString(), status: String(status), message });
}

/** A token of the company at its data center with the read scope; else the reply to send. */
function authenticate(ctx: CoreContext, req: RequestContext): TokenGrant | Reply {
  let grant: TokenGrant;
  try {
    grant = ctx.tokens.authenticate(header(req, "authorization"));
  } catch {
    return sdError(ctx, 401, "Unauthorized");
  }
  if (grant.app) return sdError(ctx, 401, "An app token is not accepted here");
  if (!servesApiCalls(ctx, grant.companyId, req.site)) return sdError(ctx, 401, `Token is not valid in this data center; the company lives at ${homeOf(ctx, grant.companyId)?.url}`);
  if (!grant.scopes.includes(SCOPE_SPEND_DOCUMENTS)) return sdError(ctx, 403, `Token lacks the scope ${SCOPE_SPEND_DOCUMENTS}`);
  return grant;
}

const isReply = <T extends object>(v: T | Reply): v is Reply => "status" in v;

/** S1/S3: the token's receipt named by `{receiptId}` (another company's is a 404 like an unknown one). */
function receiptById(ctx: SpendDocumentsContext, req: RequestContext): { grant: TokenGrant; image: ServedImage & { receiptId: string } } | Reply {
  const grant = authenticate(ctx, req);
  if (isReply(grant)) return grant;
  if (!isUuid(req.params.receiptId)) return sdError(ctx, 400, "receiptId must be a UUID");
  const image = ctx.images.spendDocumentByReceiptId(grant.companyId, req.params.receiptId);
  return image ? { grant, image } : sdError(ctx, 404, "Receipt not found");
}
const TYPES = ["display", "compliance"] as const;
const EXT: Record<string, string> = { "application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg" };

/** Receipt JSON ([SD4] schema): metadata and the documents (display and original; no compliance for a camera capture). */
function receiptJson(ctx: CoreContext, req: RequestContext, companyId: string, userId: string, image: ServedImage & { receiptId: string }) {
  const href = (type: string) => `${req.site.url}${SPEND_DOCUMENTS_API}/${image.receiptId}/representations?type=${type}`;
  const name = `${image.id}.${EXT[image.contentType] ?? "bin"}`;
  return {
    metadata: {
      userId,
      forwardId: null,
      imageId: image.id,
      id: image.receiptId,
      companyId,
      dateTimeReceived: new Date(ctx.now()).toISOString(),
      origin: "mobile",
      captureMethod: "cameraCapture",
      provider: null,
      complianceCountryCode: null,
      feature: "expenseit",
      status: "processed",
      compliance: { status: "notApplicable" },
      entityId: image.entityId,
      category: "receipt",
    },
    receiptData: null,
    documents: [
      { representation: "display", type: image.contentType, name, renderable: true, href: href("display") },
      { representation: "original", type: image.contentType, name, renderable: true, href: null },
    ],
  };
}

/** The binary representation: the receipt's bytes for `display` and `compliance` (the emulator keeps one rendition). */
function representation(ctx: SpendDocumentsContext, image: ServedImage, type: string | null): Reply {
  if (!type || !(TYPES as readonly string[]).includes(type)) return sdError(ctx, 400, "type must be display or compliance");
  return imageFileReply(ctx.images.settings, image, { "content-disposition": `inline; filename="${image.id}.${EXT[image.contentType] ?? "bin"}"` });
}

/** S1-S4 for the token's company; another company's image is a 404 like an unknown one. */
export function addSpendDocumentsRoutes(router: Router, ctx: SpendDocumentsContext): void {
  // S2 (receipt JSON by image id) and S4 (its binary, with `type`).
  router.add({
    method: "GET",
    template: SPEND_DOCUMENTS_ROUTES.receipts,
    kind: "concur",
    handler: async (req) => {
      const grant = authenticate(ctx, req);
      if (isReply(grant)) return grant;
      const imageId = req.query.get("imageId")?.trim() ?? "";
      const companyId = req.query.get("companyId")?.trim() ?? "";
      if (imageId === "") return sdError(ctx, 400, "imageId is required");
      if (!isUuid(companyId)) return sdError(ctx, 400, "companyId must be a UUID");
      if (companyId.toLowerCase() !== grant.companyId.toLowerCase()) return sdError(ctx, 403, "Token was issued for another company");
      const image = ctx.images.spendDocument(companyId, imageId);
      if (!image) return sdError(ctx, 404, "Receipt not found");
      const type = req.query.get("type");
      if (type !== null) return representation(ctx, image, type);
      return json(200, receiptJson(ctx, req, companyId.toLowerCase(), uuidOf(`${grant.companyId.toLowerCase()}:user`), image));
    },
  });

  // S1: receipt JSON by receipt id.
  router.add({
    method: "GET",
    template: SPEND_DOCUMENTS_ROUTES.receipt,
    kind: "concur",
    handler: async (req) => {
      const found = receiptById(ctx, req);
      if (isReply(found)) return found;
      const companyId = found.grant.companyId.toLowerCase();
      return json(200, receiptJson(ctx, req, companyId, uuidOf(`${companyId}:user`), found.image));
    },
  });

  // S3: the binary representation by receipt id.
  router.add({
    method: "GET",
    template: SPEND_DOCUMENTS_ROUTES.representations,
    kind: "concur",
    handler: async (req) => {
      const found = receiptById(ctx, req);
      return isReply(found) ? found : representation(ctx, found.image, req.query.get("type"));
    },
  });
}
