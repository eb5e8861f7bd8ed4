import type { ApiInstance, ConfigSection, EmulatedApi } from "../core/api.js";
import type { CoreContext } from "../core/context.js";
import type { Router } from "../core/router.js";
import type { ValidationError } from "../core/types.js";
import { addInvoiceAdminRoutes } from "./admin.routes.js";
import { AFTER_APPLY_KEY, afterApplyOf, afterApplyProblems } from "./after-apply.js";
import type { InvoiceContext, InvoiceSettings } from "./context.js";
import { INVOICE_LIMITS } from "./limits.js";
import { addPurchaseOrderRoutes } from "./purchase-orders.routes.js";
import { INVOICE_API_SCOPES } from "./scopes.js";
import { InvoiceStore } from "./store.js";
import { addVendorRoutes } from "./vendors.routes.js";

export { INVOICE_LIMITS } from "./limits.js";
export { INVOICE_SCOPES, INVOICE_API_SCOPES } from "./scopes.js";
export { VENDOR_API } from "./vendors.routes.js";
export { PURCHASE_ORDER_API } from "./purchase-orders.routes.js";

/**
 * Invoice Vendor v3.1, Purchase Order v3.0 and Purchase Order Receipt v3.0 (docs/emulator/invoice-vendors.md,
 * docs/emulator/invoice-purchase-orders.md).
 */
export function invoiceApi(): EmulatedApi {
  return { name: "invoice-v3", scopes: INVOICE_API_SCOPES, install: installInvoice };
}

function installInvoice(core: CoreContext, router: Router): ApiInstance {
  const startSettings = (): InvoiceSettings => ({
    invoiceVendorsPerCall: INVOICE_LIMITS.invoiceVendorsPerCall,
    invoiceWritesPerSecond: INVOICE_LIMITS.invoiceWritesPerSecond,
    invoiceLegacyLinks: true,
    invoiceWritesAfterApply: undefined,
  });
  const invoiceSettings = startSettings();
  const ctx: InvoiceContext = { ...core, invoice: new InvoiceStore(), invoiceSettings };
  addVendorRoutes(router, ctx);
  addPurchaseOrderRoutes(router, ctx);
  addInvoiceAdminRoutes(router, ctx);
  return {
    reset: () => {
      ctx.invoice.clear();
      Object.assign(invoiceSettings, startSettings());
    },
    config: settingsSection(invoiceSettings),
  };
}

/** invoiceVendorsPerCall, invoiceWritesPerSecond, invoiceLegacyLinks and invoiceWritesAfterApply in GET/PUT /_emulator/config. */
function settingsSection(settings: InvoiceSettings): ConfigSection {
  return {
    view: () => ({ ...settings, [AFTER_APPLY_KEY]: settings.invoiceWritesAfterApply ? { ...settings.invoiceWritesAfterApply } : null }),
    validate: ({ invoiceVendorsPerCall, invoiceWritesPerSecond, invoiceLegacyLinks, [AFTER_APPLY_KEY]: afterApply }) => {
      const errors: ValidationError[] = [];
      for (const [name, value] of Object.entries({ invoiceVendorsPerCall, invoiceWritesPerSecond })) {
        if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < 0)) errors.push({ source: name, errorCode: `${name}.invalid`, errorMessage: "must be an integer ≥ 0 (0 = unlimited)" });
      }
      if (invoiceLegacyLinks !== undefined && typeof invoiceLegacyLinks !== "boolean") errors.push({ source: "invoiceLegacyLinks", errorCode: "invoiceLegacyLinks.invalid", errorMessage: "must be a boolean" });
      errors.push(...afterApplyProblems(afterApply));
      return errors;
    },
    apply: (body) => {
      const { invoiceVendorsPerCall, invoiceWritesPerSecond, invoiceLegacyLinks } = body;
      if (typeof invoiceVendorsPerCall === "number") settings.invoiceVendorsPerCall = invoiceVendorsPerCall;
      if (typeof invoiceWritesPerSecond === "number") settings.invoiceWritesPerSecond = invoiceWritesPerSecond;
      if (typeof invoiceLegacyLinks === "boolean") settings.invoiceLegacyLinks = invoiceLegacyLinks;
      if (AFTER_APPLY_KEY in body) settings.invoiceWritesAfterApply = afterApplyOf(body[AFTER_APPLY_KEY]);
    },
  };
}
