import type { ApiInstance, ConfigSection, EmulatedApi } from "../core/api.js";
import type { CoreContext } from "../core/context.js";
import type { Router } from "../core/router.js";
import type { JsonObject, ValidationError } from "../core/types.js";
import { addImageAdminRoutes, addImageRoutes, SCOPE_IMAGE } from "./routes.js";
import { DEFAULT_IMAGES_SETTINGS, IMAGE_FORMS, ImageStore, type DocumentSource, type ImageFormName, type ImagesSettings } from "./store.js";

export { IMAGE_API, IMAGE_NS, IMAGE_ROUTES, IMAGING_FILE_PATH, SCOPE_IMAGE } from "./routes.js";
export { DEFAULT_IMAGES_SETTINGS, IMAGE_FORMS, IMAGE_KINDS, MAX_IMAGE_BYTES, type ImageFormName, type ImagesSettings } from "./store.js";

export interface ImagesOptions {
  /** The FIS emulation's documents: Image v1 serves the images of the reports, entries and invoices they hold. */
  fis: DocumentSource;
}

/** Image v1 (docs/emulator/images-v1.md): image URLs for reports, expense entries, invoices and receipts. */
export function imagesApi(options: ImagesOptions): EmulatedApi {
  return {
    name: "image-v1",
    scopes: [SCOPE_IMAGE],
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
  return {
    reset: () => {
      images.clear();
      Object.assign(settings, start());
    },
    config: settingsSection(settings),
  };
}

/** imageUrlTtlMs, imageFormsServed and imageUrlsIssuedExpired in GET/PUT /_emulator/config. */
function settingsSection(settings: ImagesSettings): ConfigSection {
  return {
    view: () => ({ ...settings, imageFormsServed: [...settings.imageFormsServed] }),
    validate: (body: JsonObject) => {
      const errors: ValidationError[] = [];
      for (const name of ["imageUrlTtlMs", "imageUrlsIssuedExpired"] as const) {
        const v = body[name];
        if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) errors.push({ source: name, errorCode: `${name}.invalid`, errorMessage: "must be an integer ≥ 0" });
      }
      const forms = body.imageFormsServed;
      if (forms !== undefined && (!Array.isArray(forms) || forms.some((f) => !IMAGE_FORMS.includes(f as ImageFormName)))) {
        errors.push({ source: "imageFormsServed", errorCode: "imageFormsServed.invalid", errorMessage: `must be an array of ${IMAGE_FORMS.join(", ")}` });
      }
      return errors;
    },
    apply: (body: JsonObject) => {
      if (typeof body.imageUrlTtlMs === "number") settings.imageUrlTtlMs = body.imageUrlTtlMs;
      if (typeof body.imageUrlsIssuedExpired === "number") settings.imageUrlsIssuedExpired = body.imageUrlsIssuedExpired;
      if (Array.isArray(body.imageFormsServed)) settings.imageFormsServed = body.imageFormsServed as ImageFormName[];
    },
  };
}
