import type { TokenGrant } from "../core/auth.js";
import { addAdmin, ADMIN, adminBody } from "../core/admin.js";
import type { CoreContext } from "../core/context.js";
import { badRequest, ErrorCode, HttpError } from "../core/errors.js";
import { homeOf, servesApiCalls } from "../core/geolocation.js";
import { header } from "../core/guards.js";
import { json, type Reply, type RequestContext } from "../core/http.js";
import type { Router } from "../core/router.js";
import { isUuid } from "../core/validation.js";
import { png, rasterOf, type RenderedImage } from "./render.js";
import { IMAGE_FORMS, IMAGE_KINDS, imageTypeOf, MAX_IMAGE_BYTES, type ImageKind, type ImagesSettings, type ImageStore } from "./store.js";

export const IMAGE_API = "/api/image/v1.0";
/** Image v1's scope ("Add or Retrieve Report and Line Item Images"). */
export const SCOPE_IMAGE = "IMAGE";
/** Namespace of the `Image` answer (spec §2.1). */
export const IMAGE_NS = "http://www.concursolutions.com/api/image/2011/02";
/** Where the emulator's image URLs point (the "imaging host"; on the data center's own origin). */
export const IMAGING_FILE_PATH = "/imaging/file";

export const IMAGE_ROUTES = {
  image: `${IMAGE_API}/{kind}/{id}`,
  file: `${IMAGING_FILE_PATH}/{token}`,
} as const;

interface ImagesContext extends CoreContext {
  images: ImageStore;
}

const SCHEME = /^(Bearer|OAuth)\s+(\S+)\s*$/i;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
const el = (name: string, value: string) => `<${name}>${escapeXml(value)}</${name}>`;

/** The legacy v1 error body ([HTTP]): `<Error><Message/><Server-Time/><Id/></Error>`. */
function xmlError(ctx: CoreContext, status: number, message: string, correlationId: string): Reply {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error>${el("Message", message)}${el("Server-Time", new Date(ctx.now()).toISOString())}${el("Id", correlationId)}</Error>`;
  return { status, body, contentType: "application/xml; charset=utf-8" };
}

/** 401 without `OAuth <token>` (documented) or `Bearer <token>`, or at the wrong data center; 403 without IMAGE. */
function authenticate(ctx: CoreContext, req: RequestContext): TokenGrant {
  const raw = header(req, "authorization");
  const match = raw ? SCHEME.exec(raw) : null;
  if (!raw) throw new HttpError(401, ErrorCode.Unauthenticated, "Authorization header with an OAuth token is required");
  if (!match) throw new HttpError(401, ErrorCode.TokenInvalid, "Authorization header must be 'OAuth <token>' or 'Bearer <token>'");
  const grant = ctx.tokens.authenticate(`Bearer ${match[2]}`);
  if (grant.app) throw new HttpError(401, ErrorCode.TokenInvalid, "An app token (client_credentials) is valid only for the Event Subscription Service");
  if (!servesApiCalls(ctx, grant.companyId, req.site)) throw new HttpError(401, ErrorCode.TokenInvalid, `Token is not valid in data center ${req.site.name}; the company lives at ${homeOf(ctx, grant.companyId)?.url}`);
  if (!grant.scopes.includes(SCOPE_IMAGE)) throw new HttpError(403, ErrorCode.ScopeMissing, `Token lacks the scope ${SCOPE_IMAGE}`);
  return grant;
}

const kindOf = (raw: string): ImageKind | undefined => IMAGE_KINDS.find((k) => k === raw.toLowerCase());

/**
 * Image v1 GET (I1-I5): `Image` XML with the image id and a URL that expires (imageUrlTtlMs on the emulator clock);
 * the URL is served by the imaging route below, without a token (it carries its own signature). The company is the
 * token's: another company's report id is a 404 like an unknown one.
 */
export function addImageRoutes(router: Router, ctx: ImagesContext): void {
  router.add({
    method: "GET",
    template: IMAGE_ROUTES.image,
    kind: "concur",
    handler: async (req) => {
      const grant = authenticate(ctx, req);
      const kind = kindOf(req.params.kind);
      if (!kind) throw new HttpError(404, ErrorCode.RouteNotFound, `No route for GET ${req.path}`);
      const id = req.params.id.trim();
      if (id === "") return xmlError(ctx, 400, "The barcode or reportId is missing.", req.correlationId);
      const image = ctx.images.find(grant.companyId, kind, id);
      if (!image) return xmlError(ctx, 404, "No image was found for the specified report Id or barcode.", req.correlationId);
      const settings = ctx.images.settings;
      let expiresAt = ctx.now() + settings.imageUrlTtlMs;
      if (settings.imageUrlsIssuedExpired > 0) {
        settings.imageUrlsIssuedExpired -= 1;
        expiresAt = ctx.now() - 1;
      }
      const token = ctx.images.sign(grant.companyId, kind, id, expiresAt);
      // The documented invoice URL's query (id, e, t, s): XML-escaped in the answer, as [IMG1] warns.
      const url = `${req.site.url}${IMAGING_FILE_PATH}/${token}?id=${image.id}&e=${image.entityId}&t=AN&s=ConcurConnect`;
      const body = `<?xml version="1.0" encoding="utf-8"?><Image xmlns="${IMAGE_NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${el("Id", image.id)}<Url>${escapeXml(url)}</Url></Image>`;
      return { status: 200, body, contentType: "application/xml; charset=utf-8" };
    },
  });

  // The imaging host: the bytes behind a URL until it expires (then 403, [INFERRED] like a presigned URL).
  router.add({
    method: "GET",
    template: IMAGE_ROUTES.file,
    kind: "concur",
    handler: async (req) => {
      const claims = ctx.images.verify(req.params.token);
      if (!claims) return xmlError(ctx, 403, "Access denied.", req.correlationId);
      if (claims.expiresAt <= ctx.now()) return xmlError(ctx, 403, "Request has expired.", req.correlationId);
      // Served even when the form was switched off since: the URL was issued while it served.
      const image = ctx.images.find(claims.companyId, claims.kind, claims.id, IMAGE_FORMS);
      if (!image) return xmlError(ctx, 404, "The image no longer exists.", req.correlationId);
      // Spec Q4: which form of an invoice URL this imaging host takes (invoiceUrlForm; default either).
      const form = ctx.images.settings.invoiceUrlForm;
      const full = req.query.get("id") === image.id && req.query.get("e") === image.entityId;
      if (claims.kind === "invoice" && ((form === "full" && !full) || (form === "cut" && [...req.query.keys()].length > 0))) {
        return xmlError(ctx, 403, "Access denied.", req.correlationId);
      }
      const ext = image.contentType === "application/pdf" ? "pdf" : image.contentType === "image/png" ? "png" : "jpg";
      return imageFileReply(ctx.images.settings, image, { "content-disposition": `inline; filename="${image.id}.${ext}"`, "cache-control": "private, max-age=0" });
    },
  });
}

/** An image's bytes; chunked, without Content-Length, while the imageFilesUnsized fault lasts. */
export function imageFileReply(settings: ImagesSettings, image: RenderedImage, headers: Record<string, string>): Reply {
  if (settings.imageFilesUnsized > 0) {
    settings.imageFilesUnsized -= 1;
    return { status: 200, body: image.data, contentType: image.contentType, headers: { ...headers, "transfer-encoding": "chunked" } };
  }
  return { status: 200, body: image.data, contentType: image.contentType, headers };
}

const IMAGES_ADMIN = `${ADMIN}/images/companies/{companyId}/{kind}/{id}`;

/**
 * Admin: attach an image to a report, entry, invoice or receipt id (what an upload would do), read back what Image v1
 * serves for a path (the bytes a partner should end up with), remove an attached image. No auth, no faults, not counted.
 */
export function addImageAdminRoutes(router: Router, ctx: ImagesContext): void {
  const target = (req: RequestContext) => {
    if (!isUuid(req.params.companyId)) throw badRequest("companyId must be a UUID");
    const kind = kindOf(req.params.kind);
    if (!kind) throw badRequest(`kind must be one of ${IMAGE_KINDS.join(", ")}`);
    return { companyId: req.params.companyId.toLowerCase(), kind, id: req.params.id };
  };

  // Body: {contentType, base64} or {contentType: "image/png", sizeBytes} (a PNG padded to that size, random bytes).
  addAdmin(router, "PUT", IMAGES_ADMIN, async (req) => {
    const { companyId, kind, id } = target(req);
    const body = await adminBody(req);
    const contentType = imageTypeOf(body.contentType);
    if (!contentType) throw badRequest("contentType must be application/pdf, image/png, image/jpg or image/jpeg");
    let image: RenderedImage;
    if (typeof body.sizeBytes === "number") {
      if (contentType !== "image/png" || !Number.isInteger(body.sizeBytes) || body.sizeBytes < 1 || body.sizeBytes > MAX_IMAGE_BYTES) throw badRequest(`sizeBytes: an integer 1..${MAX_IMAGE_BYTES}, for image/png`);
      image = { contentType, data: png(rasterOf(`${companyId}:${kind}:${id}`), body.sizeBytes) };
    } else if (typeof body.base64 === "string") {
      const data = Buffer.from(body.base64, "base64");
      if (data.length === 0 || data.length > MAX_IMAGE_BYTES) throw badRequest(`base64: 1..${MAX_IMAGE_BYTES} bytes`);
      image = { contentType, data };
    } else throw badRequest("base64 or sizeBytes is required");
    ctx.images.attach(companyId, kind, id, image);
    return json(200, { kind, id, contentType, size: image.data.length });
  });

  // The bytes Image v1 serves for this path now (imageFormsServed honoured), with their content type; 404 if none.
  addAdmin(router, "GET", IMAGES_ADMIN, async (req) => {
    const { companyId, kind, id } = target(req);
    const image = ctx.images.find(companyId, kind, id);
    if (!image) throw new HttpError(404, "image.notFound", `No image for ${kind}/${id}`);
    return { status: 200, body: image.data, contentType: image.contentType, headers: { "x-image-id": image.id } };
  });

  addAdmin(router, "DELETE", IMAGES_ADMIN, async (req) => {
    const { companyId, kind, id } = target(req);
    return ctx.images.detach(companyId, kind, id) ? { status: 204 } : json(404, { message: "nothing attached" });
  });
}
