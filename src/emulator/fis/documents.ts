/**
 * `document` payloads of the seeded FIS documents, one builder per doc type, built from the documented field tables
 * and example shapes (spec §3, [FIS-SCHEMA], [FIS-JSON]): amounts are JSON numbers with 8 decimals (`50.00000000`,
 * `0E-8`) and some would lose digits as floats (`12345678901234.12345678`), so they are kept as LosslessNumbers.
 */
import { createHash } from "node:crypto";
import { LosslessNumber } from "lossless-json";
import type { DocType } from "./types.js";

type Obj = Record<string, unknown>;

/** A JSON number with exactly these digits. */
export const num = (digits: string | number): LosslessNumber => new LosslessNumber(String(digits));

/** Amounts of the seeds; `exact` is the float-unsafe one (23-digit FIS decimals, spec §3 "General"). */
export const FIS_AMOUNTS = {
  exact: "12345678901234.12345678",
  zero: "0E-8",
  fifty: "50.00000000",
} as const;

const pad = (n: number, width: number) => String(n).padStart(width, "0");
/** Stable upper-case hex of a seed key (business ids such as reportId are 20-32 alnum in the examples). */
export const hexOf = (key: string, length: number, upper = true) => {
  const hex = createHash("sha256").update(key).digest("hex").slice(0, length);
  return upper ? hex.toUpperCase() : hex;
};

const FIRST = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken"];
const LAST = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson"];

function employee(i: number, prefix: "employee" | "ownerEmployee" = "employee"): Obj {
  const first = FIRST[i % FIRST.length];
  const last = LAST[i % LAST.length];
  const out: Obj = {
    employeeId: `EMP${pad(1000 + (i % 500), 5)}`,
    employeeFirstName: first,
    employeeLastName: last,
    employeeMI: "Q",
    loginId: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
    employeeReimbursementMethodCode: i % 3 === 0 ? "CNQRPAY" : "APCHECK",
    employeeCustom1Code: "US",
    employeeCustom1Value: "United States",
    employeeCustom2Code: null,
    employeeCustom2Value: null,
    employeeOrgUnit1Code: "0100",
    employeeOrgUnit1Value: "Company 0100",
    employeeOrgUnit2Code: `CC${pad(100 + (i % 9), 4)}`,
    employeeOrgUnit2Value: "Cost center",
  };
  if (prefix === "ownerEmployee") delete out.employeeReimbursementMethodCode;
  return out;
}

function journal(account: string, payer: string, payee: string, gross: string, netOfTax: string, netOfReclaim: string, tax: string, taxGuid: string[]): Obj {
  return {
    journalAccountCode: account,
    journalPayer: payer,
    journalPayee: payee,
    amountGross: num(gross),
    amountNetOfTax: num(netOfTax),
    amountNetOfReclaim: num(netOfReclaim),
    amountTax: num(tax),
    amountGrossCard: num(FIS_AMOUNTS.zero),
    cardTransactionReferenceNumber: null,
    taxGuid,
    accountingTransactionType: null,
  };
}

function entry(key: string, n: number, fields: Obj, allocation: Obj[]): Obj {
  return {
    entryId: hexOf(`${key}:entry:${n}`, 32),
    legacyEntryId: num(7000 + n),
    expenseTypeCode: "MEALS",
    expenseTypeName: "Business Meals",
    entryCurrAlphaCode: "USD",
    entryExchangeRate: num("1.00000000"),
    entryExchangeRateDirection: "M",
    entryDate: "2026-11-03T00:00:00.000Z",
    reportEntryPatKey: "IBIP",
    reportEntryPaymentTypeCode: "IBIP",
    reportEntryPaymentTypeName: "Cash",
    expensePayIndicator: "Y",
    expensePayAccountingIndicator: "Y",
    offsetPayType: null,
    entryIsPersonal: "N",
    entryIsBillable: "N",
    entryReceiptType: "R",
    entryVendorCode: null,
    entryVendorDescription: "Cafe Central",
    entryLocationName: "Seattle, Washington",
    entryLocationCityName: "Seattle",
    entryCountryCode: "US",
    entryCountrySubCode: "US-WA",
    entryLocationFrom: null,
    entryLocationTo: null,
    entryReceiptId: hexOf(`${key}:receipt:${n}`, 32),
    entryElectronicReceiptId: null,
    cardAccountID: null,
    cardTransactionID: null,
    cardTransactionAmount: null,
    cardTransactionCurrency: null,
    cardTransactionPostedAmount: null,
    cardTransactionPostedCurrency: null,
    cardBillingDate: null,
    cardProgramTypeCode: null,
    cardStatementPeriodStartDate: null,
    cardStatementPeriodEndDate: null,
    cardProcessorReferenceNumber: null,
    clearingAccountCode: null,
    liabilityAccountCode: "2100",
    requestId: null,
    requestEntryId: null,
    merchantTaxId: null,
    supplierInvoiceId: null,
    govInvoiceId: null,
    entrySupplierTaxID: null,
    entryUuid: null,
    companyTaxId: null,
    hsnSacCode: null,
    placeOfSupplyState: null,
    entryDescription: "Team lunch",
    entryCustom1Code: "PRJ-7",
    entryCustom1Value: "Project Seven",
    entryOrgUnit1Code: "0100",
    entryOrgUnit1Value: "Company 0100",
    mileage: null,
    ...fields,
    allocation,
  };
}

function allocation(key: string, n: number, percentage: string, journals: Obj[], tax: Obj[] = []): Obj {
  return {
    allocationId: hexOf(`${key}:allocation:${n}`, 32),
    allocationPercentage: num(percentage),
    allocationCustom1Code: "CC0101",
    allocationCustom1Value: "Cost center 0101",
    journal: journals,
    tax,
  };
}

function report(key: string, i: number, total: string, extra: Obj = {}): Obj {
  return {
    reportId: hexOf(`${key}:report`, 20),
    reportKey: num(10_000 + i),
    reportNumber: hexOf(`${key}:number`, 6),
    reportName: `Trip ${i + 1}`,
    ledgerCode: "DEFAULT",
    policyId: hexOf(`${key}:policy`, 32),
    totalApprovedAmount: num(total),
    cashAdvanceReturnsAmount: num(FIS_AMOUNTS.zero),
    employeeCurrencyAlphaCode: "USD",
    homeCountryCode: "US",
    isTest: "N",
    payrollPayIndicator: "N",
    payrollPaymentClearingAccountCode: null,
    reportCreationDate: "2026-11-01T09:00:00.000Z",
    reportSubmitDate: "2026-11-04T17:30:00.000Z",
    reportUserDefinedDate: "2026-11-04T00:00:00.000Z",
    reportPaymentProcessingDate: "2026-11-06T00:00:00.000Z",
    reportStartDate: "2026-11-02T00:00:00.000Z",
    reportEndDate: "2026-11-04T00:00:00.000Z",
    revisionNumber: num(1),
    versionId: "4",
    lastApproverId: "0b8e1a4a-73b1-4c5e-9f1f-5a0d2f6c7e11",
    reportCustom1Code: "TRV",
    reportCustom1Value: "Travel",
    reportOrgUnit1Code: "0100",
    reportOrgUnit1Value: "Company 0100",
    reportOrgUnit2Code: "CC0101",
    reportOrgUnit2Value: "Cost center 0101",
    ...extra,
  };
}

/**
 * Expense report (spec §3.1). Variant by `i`: 0 = the float-unsafe total, 1 = the Canadian GST/PST example of
 * [FIS-JSON Example-2.3] (gross 100 CAD, net of tax 88.5, net of reclaim 96.46, CAGST 4.42 + CAPMB 7.08 reclaim 3.54),
 * 2 = mileage plus a cash advance application of -50; others a plain 50.00000000 meal.
 */
export function expenseDocument(key: string, i: number, amount?: string): Obj {
  const variant = amount !== undefined ? 3 : i % 4;
  if (variant === 1) {
    const gst = hexOf(`${key}:tax:gst`, 32, false);
    const pst = hexOf(`${key}:tax:pst`, 32, false);
    const tax = [
      { taxGuid: gst, taxCode: "CAGST", taxAuthorityLabel: "GST", amountTax: num("4.42000000"), amountReclaim: num(FIS_AMOUNTS.zero), taxReclaimCode: null, taxSource: "SYST", locationCountryCode: "CA", locationCountrySubCode: "CA-MB", nonDomesticCode: null },
      { taxGuid: pst, taxCode: "CAPMB", taxAuthorityLabel: "PST", amountTax: num("7.08000000"), amountReclaim: num("3.54000000"), taxReclaimCode: "R1", taxSource: "SYST", locationCountryCode: "CA", locationCountrySubCode: "CA-MB", nonDomesticCode: null },
    ];
    return {
      employee: employee(i),
      report: report(key, i, "100.00000000", { employeeCurrencyAlphaCode: "CAD", homeCountryCode: "CA" }),
      expenseEntry: [
        entry(key, 0, { entryCurrAlphaCode: "CAD", reportEntryTransactionAmount: num("100.00000000"), entryApprovedAmount: num("100.00000000"), entryCountryCode: "CA", entryCountrySubCode: "CA-MB", entryLocationName: "Winnipeg, Manitoba", entryLocationCityName: "Winnipeg", entryReceiptType: "T" }, [
          allocation(key, 0, "100.00000000", [journal("60100", "COMP", "EMPL", "100.00000000", "88.50000000", "96.46000000", "11.50000000", [gst, pst])], tax),
        ]),
      ],
      cashAdvanceApplication: [],
    };
  }
  if (variant === 2) {
    return {
      employee: employee(i),
      report: report(key, i, "57.50000000"),
      expenseEntry: [
        entry(key, 0, {
          expenseTypeCode: "MILEG", expenseTypeName: "Mileage", reportEntryTransactionAmount: num("57.50000000"), entryApprovedAmount: num("57.50000000"),
          mileage: {
            odometerStart: num(12_000), odometerEnd: num(12_100), passengerCount: num(1), personalDistance: num(0), routeId: hexOf(`${key}:route`, 32), totalDistance: num("100.00000000"),
            hasMobileCanteenOrHeavyLoadAttached: false, hasCaravanAttached: false, hasDogIncluded: false, hasForestOrConstructionSiteRoadInRoute: false,
            hasForestRoadInRoute: false, isMarkedAsHigherRate: false, hasMachinery: false, hasTrailerAttached: false,
          },
        }, [allocation(key, 0, "100.00000000", [journal("60200", "COMP", "EMPL", "57.50000000", "57.50000000", "57.50000000", FIS_AMOUNTS.zero, [])])]),
      ],
      cashAdvanceApplication: [
        { cashAdvanceId: hexOf(`${key}:ca`, 32), cashAdvanceApplicationAmount: num("-50.00000000"), cashAdvanceClearingAccountCode: "1400", cashAdvanceTransactionType: "2" },
      ],
    };
  }
  const total = variant === 0 ? FIS_AMOUNTS.exact : (amount ?? FIS_AMOUNTS.fifty);
  return {
    employee: employee(i),
    report: report(key, i, total),
    expenseEntry: [
      entry(key, 0, { reportEntryTransactionAmount: num(total), entryApprovedAmount: num(total) }, [
        allocation(key, 0, "100.00000000", [journal("60100", "COMP", "EMPL", total, total, total, FIS_AMOUNTS.zero, [])]),
      ]),
    ],
    cashAdvanceApplication: [],
  };
}

/** Invoice (spec §3.2): header, owner, vendor, line items whose allocation `journal` is an object, not an array. */
export function invoiceDocument(key: string, i: number): Obj {
  const requestId = hexOf(`${key}:request`, 20);
  return {
    requestHeader: {
      requestId, reqKey: num(5_000 + i), requestTitle: `Office supplies ${i + 1}`, requestDescription: "Quarterly order", vendorInvoiceNumber: `INV-${pad(i + 1, 6)}`,
      invoiceDate: "08/08/2018", invoiceReceivedDate: "2018-08-09", paymentDueDate: "2018-09-08", postingDate: "2018-08-10", processCompleteDate: "2018-08-10",
      submitDate: "2018-08-09", requestCreationDate: "2018-08-09", currencyAlphaCode: "USD", requestTotal: num("1150.25000000"), amountNetInvoice: num("1000.00000000"),
      amountShippingTotal: num("50.25000000"), amountTax: num("100.00000000"), amountVAT1: num(FIS_AMOUNTS.zero), amountVAT2: null, amountVAT3: null, amountVAT4: null,
      discountPercentage: num(FIS_AMOUNTS.zero), discountTermsDays: num(0), netPaymentTermDays: num(30), payMethodType: "ACH", invoicePayIndicator: "Y", isTest: "N",
      ledgerCode: "DEFAULT", ledgerName: "Default ledger", clearingAccountCode: null, poNumber: `PO-${pad(i + 1, 5)}`, multiplePurchaseOrder: "N", deliverySlipNumber: null,
      vendorTaxId: "98-7654321", externalPolicyId: null, policyName: "Default Invoice Policy", revisionNumber: num(1), versionId: "4",
      requestCustom1Code: "PRJ-7", requestCustom1Value: "Project Seven", requestOrgUnit1Code: "0100", requestOrgUnit1Value: "Company 0100",
    },
    ownerEmployee: employee(i, "ownerEmployee"),
    vendor: {
      vendorCode: `V-${pad(i + 1, 5)}`, vendorName: "Acme Supplies", vendorRemitToAddressCode: "REMIT-1", vendorShipFromAddressCode: null,
      vendorContactFirstName: "Wile", vendorContactLastName: "Coyote",
    },
    lineItem: [
      {
        lineItemSequenceOrder: num(1), expenseTypeCode: "2000   ", expenseTypeName: "Office Supplies", lineItemCode: "PAPER", lineItemDescription: "Copy paper",
        lineItemQuantity: num("100.00000000"), lineItemUnitPrice: num("10.00000000"), lineItemPurchaseOrderNumber: `PO-${pad(i + 1, 5)}`, poLineNumber: "1",
        externalLineItemId: null, lineItemDeliverySlipNumber: null, receiptNumbers: [],
        lineItemCustom1Code: "CC0101", lineItemCustom1Value: "Cost center 0101",
        allocation: [
          {
            allocationKey: num(1), allocationPercentage: num("100.00000000"), allocationAccountCode: "60300", allocationCustom1Code: "CC0101", allocationCustom1Value: "Cost center 0101",
            journal: { accountCode: "60300", amountGross: num("1150.25000000"), amountNet: num("1000.00000000"), amountShipping: num("50.25000000"), tax: [{ amountTax: num("100.00000000"), taxCode: "US-WA", taxField: "amountTax" }] },
          },
        ],
      },
    ],
  };
}

/** Cash advance (spec §3.3), with explicit DR/CR journal lines. */
export function cashAdvanceDocument(key: string, i: number): Obj {
  return {
    employeeData: employee(i),
    cashAdvanceData: {
      cashAdvanceId: hexOf(`${key}:cashadvance`, 32), name: `Advance ${i + 1}`, purpose: "Conference travel", requestAmount: num("500.00000000"),
      requestDate: "2026-10-01T00:00:00.000Z", issuedDate: "2026-10-03T00:00:00.000Z", requestedDisbursementDate: "2026-10-05T00:00:00.000Z",
      travelStartDate: "2026-10-10T00:00:00.000Z", travelEndDate: "2026-10-14T00:00:00.000Z", currencyAlphaCode: "USD", currencyNumCode: "840",
      employeeCurrencyAlphaCode: "USD", exchangeRate: num("1.00000000"), paymentMethod: "1", expensePayIndicator: "Y", transactionType: "1",
      clearingAccountCode: "1400", countryCode: "US", countrySubCode: "US-WA", locationName: "Seattle, Washington", isTest: "N",
    },
    journalData: [
      { accountCode: "1400", amount: num("500.00000000"), debitOrCredit: "DR", payer: "COMP", payee: "EMPL", paymentCode: "CASH" },
      { accountCode: "2100", amount: num("-500.00000000"), debitOrCredit: "CR", payer: "COMP", payee: "EMPL", paymentCode: "CASH" },
    ],
  };
}

/** Payroll (spec §3.4): report, employee, entries with payrollData, travel allowances. */
export function payrollDocument(key: string, i: number): Obj {
  const expense = expenseDocument(key, 3 + 4 * i, "80.00000000");
  const entries = (expense.expenseEntry as Obj[]).map((e) => ({
    ...e,
    payrollData: [{ taxableType: "TAXABLE", taxationType: "FLAT", entryApprovedAmount: num("80.00000000"), wageType: "9010", payrollPayIndicator: "Y" }],
  }));
  return {
    report: { ...(expense.report as Obj), payrollPayIndicator: "Y" },
    employee: expense.employee,
    cashAdvanceApplication: [],
    expenseEntry: entries,
    travelAllowances: [{ itineraryId: hexOf(`${key}:itinerary`, 20), allowanceDate: "2026-11-03T00:00:00.000Z", allowanceAmount: num("28.00000000"), mealsProvided: "N" }],
  };
}

/** Request obligation (funds reservation, spec §3.4): instruction, employee, header and entries. */
export function obligationDocument(key: string, i: number): Obj {
  return {
    instruction: { instruction: "fundsCheck" },
    employee: employee(i),
    requestHeader: { requestId: hexOf(`${key}:request`, 32), requestName: `Travel request ${i + 1}`, totalPostedAmount: num("1200.00000000"), currencyAlphaCode: "USD", revisionNumber: num(1) },
    requestEntry: [{ entryId: hexOf(`${key}:request-entry`, 32), expenseTypeCode: "AIRFR", transactionAmount: num("1200.00000000"), allocation: [] }],
  };
}

/** The payload of doc type `docType`, number `i` of its company; `amount` sets an expense's total. */
export function documentFor(docType: DocType, key: string, i: number, amount?: string): Obj {
  switch (docType) {
    case "expense":
      return expenseDocument(key, i, amount);
    case "invoice":
      return invoiceDocument(key, i);
    case "cashadvance":
      return cashAdvanceDocument(key, i);
    case "payroll":
      return payrollDocument(key, i);
    case "requestobligation":
    case "reportobligation":
      return obligationDocument(key, i);
  }
}

/** The business id `GET ?docId=` also matches (spec Q1): reportId, requestId or cashAdvanceId. */
export function businessIdOf(document: unknown): string | undefined {
  const d = (document ?? {}) as Record<string, Obj | undefined>;
  const id = d.report?.reportId ?? d.requestHeader?.requestId ?? d.cashAdvanceData?.cashAdvanceId;
  return typeof id === "string" ? id : undefined;
}
