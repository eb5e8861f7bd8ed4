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
}

export interface InvoiceContext extends CoreContext {
  invoice: InvoiceStore;
  invoiceSettings: InvoiceSettings;
}
