import type { ListMapping, MappingsResponse } from "./types.js";

/** Ids of the list names that the default mappings reference; seed.ts generates lists with the same ids. */
export const listIdAt = (i: number): string => `LST-${String(i + 1).padStart(4, "0")}`;

/** A deterministic Concur list id per ERP list id (uuid-shaped, not random, so seeds are reproducible). */
export function concurListIdFor(erpListId: string): string {
  let h = 0x811c9dc5;
  for (const ch of erpListId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`;
}

export function defaultListMapping(erpListId: string, index: number): ListMapping {
  return {
    erpListId,
    concurListId: concurListIdFor(erpListId),
    fieldMappings: [
      {
        formTypeCode: index % 2 === 0 ? "expenseEntry" : "allocation",
        fields: [{ alternateFieldId: `custom${index + 1}`, level: 1 }],
        connectedLists: [{ fields: [{ alternateFieldId: `custom${index + 10}`, level: 2 }] }],
      },
      {
        formTypeCode: "lineItem",
        fields: [{ alternateFieldId: `custom${index + 1}`, level: 1 }],
        connectedLists: [],
      },
    ],
  };
}

/**
 * Mappings a customer admin would have configured (spec 1.3): every field of MappingsResponse is present,
 * so clients can be tested against the full shape. [INFERRED Q17] companyEdition is a single string.
 */
export function defaultMappings(erpId: string): MappingsResponse {
  return {
    erpId,
    companyEdition: "PROFESSIONAL",
    ledger: {
      name: "Emulated ERP Ledger",
      code: "EMU-LEDGER",
      expenseHierarchy: [
        { formTypeCode: "report", alternateFieldId: "orgUnit1", level: 1 },
        { formTypeCode: "expenseEntry", alternateFieldId: "custom1", level: 2 },
      ],
      invoiceHierarchy: [{ formTypeCode: "lineItem", alternateFieldId: "custom1", level: 1 }],
    },
    features: [
      { id: "SUPPORTS_RECEIPT_POSTING", value: {}, description: "Post receipt images with expense reports" },
      { id: "SUPPORTS_LIABILITY_ACCOUNT", value: {}, description: "Use a liability account per payment type" },
    ],
    files: [
      {
        fileId: "DEFAULT",
        paymentTypes: [
          {
            patKey: "CASH",
            transactionType: "BILL",
            liabilityAccountCode: "2000",
            postingDate: "PROCESSORAPPROVAL",
            clearingAccountCode: null,
            name: "Cash",
            creditCardVendorId: null,
            currencyCode: "USD",
            countryCode: "US",
            erpCreditCardAccount: null,
          },
          {
            patKey: "IBCP",
            transactionType: "CREDIT CARD",
            liabilityAccountCode: "2100",
            postingDate: "REPORTSUBMIT",
            clearingAccountCode: "1050",
            name: "Company Paid Card",
            creditCardVendorId: "V-00001",
            currencyCode: "USD",
            countryCode: "US",
            erpCreditCardAccount: "CC-1000",
          },
          {
            patKey: "CBCP",
            transactionType: "GENERAL JOURNAL",
            liabilityAccountCode: "2200",
            postingDate: "REPORTCREATE",
            clearingAccountCode: "1060",
            name: "Journal Entry",
            creditCardVendorId: null,
            currencyCode: "EUR",
            countryCode: "DE",
            erpCreditCardAccount: null,
          },
        ],
        listMappings: [defaultListMapping(listIdAt(0), 0), defaultListMapping(listIdAt(1), 1)],
        invoiceLiabilityAccount: { id: "ACC-00002", name: "Accounts Payable", number: "2000", type: "ACCOUNTS_PAYABLE" },
        billableField: { formTypeCode: "expenseEntry", alternateFieldId: "isBillable" },
      },
    ],
    invoicePolicies: [
      { name: "Standard Invoice", externalId: "INV-STD", isPurchaseOrderPolicy: false },
      { name: "Purchase Order Invoice", externalId: "INV-PO", isPurchaseOrderPolicy: true },
    ],
  };
}
