import type { ApiInstance, ConfigSection, EmulatedApi } from "../core/api.js";
import type { CoreContext } from "../core/context.js";
import type { Router } from "../core/router.js";
import type { JsonObject, ValidationError } from "../core/types.js";
import { addImageAdminRoutes, addImageRoutes, SCOPE_IMAGE } from "./routes.js";
import { addSpendDocumentsRoutes, SCOPE_SPEND_DOCUMENTS } from "./spend-documents.js";
import { DEFAULT_IMAGES_SETTINGS, IMAGE_FORMS, ImageStore, INVOICE_URL_FORMS, type DocumentSource, type ImageFormName, type ImagesSettings, type InvoiceUrlForm } from "./store.js";

export { IMAGE_API, IMAGE_NS, IMAGE_ROUTES, IMAGING_FILE_PATH, SCOPE_IMAGE } from "./routes.js";
export { SCOPE_SPEND_DOCUMENTS, SPEND_DOCUMENTS_API, SPEND_DOCUMENTS_ROUTES } from "./spend-documents.js";
export { DEFAULT_IMAGES_SETTINGS, IMAGE_FORMS, IMAGE_KINDS, INVOICE_URL_FORMS, MAX_IMAGE_BYTES, type ImageFormName, type ImagesSettings, type InvoiceUrlForm } from "./store.js";

export interface ImagesOptions {
  /** The FIS emulation's documents: Image v1 serves the images of the reports, entries and invoices they hold. */
  fis: DocumentSource;
}

/** Image v1 (docs/emulator/images-v1.md): image URLs for reports, expense entries, invoices and receipts; Spend Documents v4 receipts. */
export function imagesApi(options: ImagesOptions): EmulatedApi {
  return {
    name: "image-v1",
    scopes: [SCOPE_IMAGE, SCOPE_SPEND_DOCUMENTS],
    install: (core, router) => installImages(core, router, options),
  };
}

function installImages(core: CoreContext, router: Router, options: ImagesOptions): ApiInstance {
  const start = (): ImagesSettings => ({ ...DEFAULT_IMAGES_SETTINGS, imageFormsServed: [...IMAGE_FORMS] });
  const settings = start();
  const images = new ImageStore(options.fis, settings);
  const ctx = { ...core, images };
  addImageRoutes(router, ctx);
  addImageAdminRoutes(router, ctx);
  addSpendDocumentsRoutes(router, ctx);
  return {
    reset: () => {
      images.clear();
      Object.assign(settings, start());
    },
    config: settingsSection(settings),
  };
}

/** imageUrlTtlMs, imageFormsServed, imageUrlsIssuedExpired, invoiceUrlForm and imageFilesUnsized in GET/PUT /_emulator/config. */
function settingsSection(settings: ImagesSettings): ConfigSection {
  return {
    view: () => ({ ...settings, imageFormsServed: [...settings.imageFormsServed] }),
    validate: (body: JsonObject) => {
      const errors: ValidationError[] = [];
      for (const name of ["imageUrlTtlMs", "imageUrlsIssuedExpired", "imageFilesUnsized"] as const) {
        const v = body[name];
        if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) errors.push({ source: name, errorCode: `${name}.invalid`, errorMessage: "must be an integer ≥ 0" });
      }
      const forms = body.imageFormsServed;
      if (forms !== undefined && (!Array.isArray(forms) || forms.some((f) => !IMAGE_FORMS.includes(f as ImageFormName)))) {
        errors.push({ source: "imageFormsServed", errorCode: "imageFormsServed.invalid", errorMessage: `must be an array of ${IMAGE_FORMS.join(", ")}` });
      }
      const form = body.invoiceUrlForm;
      if (form !== undefined && !INVOICE_URL_FORMS.includes(form as InvoiceUrlForm)) {
        errors.push({ source: "invoiceUrlForm", errorCode: "invoiceUrlForm.invalid", errorMessage: `must be one of ${INVOICE_URL_FORMS.join(", ")}` });
      }
      return errors;
    },
    apply: (body: JsonObject) => {
      if (typeof body.imageUrlTtlMs === "number") settings.imageUrlTtlMs = body.imageUrlTtlMs;
      if (typeof body.imageUrlsIssuedExpired === "number") settings.imageUrlsIssuedExpired = body.imageUrlsIssuedExpired;
      if (Array.isArray(body.imageFormsServed)) settings.imageFormsServed = body.imageFormsServed as ImageFormName[];
      if (typeof body.imageFilesUnsized === "number") settings.imageFilesUnsized = body.imageFilesUnsized;
      if (typeof body.invoiceUrlForm === "string") settings.invoiceUrlForm = body.invoiceUrlForm as InvoiceUrlForm;
    },
  };
}
