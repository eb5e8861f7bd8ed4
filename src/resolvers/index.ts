import type { NonEmptyArray } from "type-graphql";
import { ApiKeyResolver } from "./api-key.resolver.js";
import { RecentRequestResolver } from "./recent-request.resolver.js";
import { ConnectionResolver } from "./connection.resolver.js";
import { EventDeliveryResolver } from "./event-delivery.resolver.js";
import { ConcurListItemResolver, ConcurListItemWriteResolver, ConcurListResolver, ConcurListSyncResolver, ListNameConcurListResolver } from "./concur-list.resolver.js";
import { DataResolver } from "./data.resolver.js";
import { ErpResolver } from "./erp.resolver.js";
import { FinancialResolver } from "./financial.resolver.js";
import { ExtractBatchResolver } from "./extract-batch.resolver.js";
import { ExtractEditionResolver } from "./extract-edition.resolver.js";
import { ExtractResolver } from "./extract.resolver.js";
import { RegistrationResolver } from "./registration.resolver.js";
import { RequestResolver } from "./request.resolver.js";
import { SubscriptionResolver } from "./subscription.resolver.js";
import { InvoiceVendorResolver, InvoiceVendorWriteResolver } from "./invoice-vendor.resolver.js";
import { ExpenseEntryImageResolver, ExpenseReportImageResolver, FinancialImageResolver, InvoiceImageResolver } from "./image.resolver.js";
import { ConcurGoodsReceiptWriteResolver, ConcurPurchaseOrderResolver, ConcurPurchaseOrderWriteResolver } from "./invoice-purchase-order.resolver.js";

/** Every resolver class of the schema. */
export const resolvers: NonEmptyArray<Function> = [ErpResolver, FinancialResolver, RequestResolver, RegistrationResolver, DataResolver, SubscriptionResolver, ConnectionResolver, ApiKeyResolver, EventDeliveryResolver, RecentRequestResolver,
  ConcurListResolver, ConcurListItemResolver, ConcurListItemWriteResolver, ConcurListSyncResolver, ListNameConcurListResolver,
  ExtractEditionResolver, ExtractResolver, ExtractBatchResolver,
  InvoiceVendorResolver, InvoiceVendorWriteResolver, ConcurPurchaseOrderResolver, ConcurPurchaseOrderWriteResolver, ConcurGoodsReceiptWriteResolver,
  FinancialImageResolver, ExpenseReportImageResolver, ExpenseEntryImageResolver, InvoiceImageResolver];
