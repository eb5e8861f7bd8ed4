import type { CoreContext } from "../core/context.js";
import type { InvoiceStore } from "./store.js";

/** Invoice settings that can change at run time (PUT /_emulator/config). */
export interface InvoiceSettings {
  /** Records per vendor / bank POST or PUT before a 400. */
  invoiceVendorsPerCall: number;
  /** Write calls per company per rolling second before a 429; 0 = unlimited. */
  invoiceWritesPerSecond: number;
  /** NextPage and URI on the legacy host www.concursolutions.com (as the swagger shows) instead of the data center. */
  invoiceLegacyLinks: boolean;
  /** Write calls applied, then answered 500 or held (docs/emulator/invoice-vendors.md "Admin"); undefined = off. */
  invoiceWritesAfterApply?: AfterApplyFault;
}

export interface InvoiceContext extends CoreContext {
  invoice: InvoiceStore;
  invoiceSettings: InvoiceSettings;
}

/**
 * `invoiceWritesAfterApply` in GET/PUT /_emulator/config. It acts on vendor POST/PUT, purchase order POST/PUT and
 * receipt POST/PUT calls whose handler answered 200 (whatever it applied stays applied; records refused in the 200
 * were refused). Off by default and after a reset.
 */
export interface AfterApplyFault {
  /** `"500"`: a 500 in the legacy `{Error}` body instead of the answer. `"hold"`: the answer, sent `holdMs` later. */
  answer: "500" | "hold";
  /** The next `count` such calls take the fault (counted down; the view shows what is left). Default 0. */
  count: number;
  /** Then each further call with this probability (0..1). Default 0. */
  rate: number;
  /** How long `"hold"` holds the answer, ms. Default 5000. */
  holdMs: number;
}
