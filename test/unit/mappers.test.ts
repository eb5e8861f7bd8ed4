import { describe, expect, it } from "vitest";
import {
  erpDataTypeOf,
  formTypeCodeFromWire,
  formTypeCodeToWire,
  fromAccountInput,
  fromErpRegistrationInput,
  fromErpUpdateInput,
  fromListNameInput,
  fromTaxDataInput,
  fromVendorInput,
  toAccount,
  toDeletionRecord,
  toErpIntegration,
  toListMapping,
  toListName,
  toMappings,
  toProcessingError,
  toRequest,
  toResetObjectTypes,
  toTaxData,
  toVendor,
  transactionTypeFromWire,
  transactionTypeToWire,
} from "../../src/datasources/accounting/mappers.js";
import type * as wire from "../../src/datasources/accounting/wire/index.js";
import {
  AccountingObjectType,
  AccountType,
  CompanyEdition,
  ConfigurationFieldType,
  ErpDataType,
  ErpFeatureFlag,
  FormTypeCode,
  PostingDate,
  ProcessingStatus,
  TransactionType,
  VendorType,
} from "../../src/schema/enums.js";

const C = "f0b1a9b2-8c4a-4c3e-9d7f-1a2b3c4d5e6f";
const E = "3a1d2c4b-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const R = "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b";

describe("toErpIntegration", () => {
  const pkg = {
    erpId: E,
    partnerAppName: "Acme Connector",
    erpName: "Acme ERP",
    externalErpId: "realm-42",
    features: ["SUPPORTS_RECEIPT_POSTING", "ENABLE_TAX_INTEGRATION", "SOME_FUTURE_FLAG"],
    postingOptions: [
      {
        postingCode: "CC",
        postingName: "Credit card",
        availableForOutOfPocketExpenses: true,
        configurationFields: [
          { configurationFieldType: "ERP_CREDIT_CARD_ACCOUNT", isRequired: true },
          { configurationFieldType: "POSTING_DATE", required: true },
          { configurationFieldType: "NEW_KIND_OF_FIELD" },
        ],
      },
      { postingCode: "BILL", postingName: "Bill" },
    ],
  } satisfies wire.ErpPackage;

  it("maps the package, drops unknown flags and reads both required spellings", () => {
    expect(toErpIntegration(C, pkg)).toEqual({
      companyId: C,
      erpId: E,
      partnerAppName: "Acme Connector",
      erpName: "Acme ERP",
      externalErpId: "realm-42",
      features: [ErpFeatureFlag.SUPPORTS_RECEIPT_POSTING, ErpFeatureFlag.ENABLE_TAX_INTEGRATION],
      postingOptions: [
        {
          postingCode: "CC",
          postingName: "Credit card",
          availableForOutOfPocketExpenses: true,
          configurationFields: [
            { configurationFieldType: ConfigurationFieldType.ERP_CREDIT_CARD_ACCOUNT, isRequired: true },
            { configurationFieldType: ConfigurationFieldType.POSTING_DATE, isRequired: true },
            { configurationFieldType: null, isRequired: false },
          ],
        },
        { postingCode: "BILL", postingName: "Bill", availableForOutOfPocketExpenses: false, configurationFields: [] },
      ],
    });
  });

  it("takes the erpId from the caller when the body lacks it, and refuses a package without any", () => {
    const { erpId: _drop, ...withoutId } = pkg;
    expect(toErpIntegration(C, withoutId, E).erpId).toBe(E);
    expect(() => toErpIntegration(C, withoutId)).toThrow(/erpId/);
  });
});

describe("registration inputs", () => {
  it("emits isRequired, default flags and unique features", () => {
    const body = fromErpRegistrationInput({
      partnerAppName: "Acme Connector",
      erpName: "Acme ERP",
      externalErpId: "realm-42",
      features: [ErpFeatureFlag.SUPPORTS_RECEIPT_POSTING, ErpFeatureFlag.SUPPORTS_RECEIPT_POSTING],
      postingOptions: [
        {
          postingCode: "CC",
          postingName: "Credit card",
          availableForOutOfPocketExpenses: false,
          configurationFields: [{ configurationFieldType: ConfigurationFieldType.ERP_LIABILITY_ACCOUNT, isRequired: true }],
        },
      ],
    });
    expect(body).toEqual({
      partnerAppName: "Acme Connector",
      erpName: "Acme ERP",
      externalErpId: "realm-42",
      features: ["SUPPORTS_RECEIPT_POSTING"],
      postingOptions: [
        {
          postingCode: "CC",
          postingName: "Credit card",
          availableForOutOfPocketExpenses: false,
          configurationFields: [{ configurationFieldType: "ERP_LIABILITY_ACCOUNT", isRequired: true }],
        },
      ],
    });
    expect(JSON.stringify(body)).not.toContain('"required"');
  });

  it("leaves postingOptions out of a registration without them", () => {
    const body = fromErpRegistrationInput({ partnerAppName: "a", erpName: "b", externalErpId: "c", features: [] });
    expect(body).toEqual({ partnerAppName: "a", erpName: "b", externalErpId: "c", features: [] });
    expect("postingOptions" in body).toBe(false);
  });

  it("sends the full sets on update", () => {
    expect(
      fromErpUpdateInput({
        features: [ErpFeatureFlag.SUPPORTS_LIABILITY_ACCOUNT],
        postingOptions: [{ postingCode: "B", postingName: "Bill", availableForOutOfPocketExpenses: true }],
      }),
    ).toEqual({
      features: ["SUPPORTS_LIABILITY_ACCOUNT"],
      postingOptions: [{ postingCode: "B", postingName: "Bill", availableForOutOfPocketExpenses: true }],
    });
    expect(fromErpUpdateInput({ features: [], postingOptions: [] })).toEqual({ features: [], postingOptions: [] });
  });
});

describe("accounts, vendors, list names", () => {
  it("maps an account with and without a number, and an unknown type to null", () => {
    expect(toAccount(C, E, { id: "4000", name: "Travel", number: "4000-10", type: "EXPENSE" })).toEqual({
      companyId: C,
      erpId: E,
      id: "4000",
      name: "Travel",
      number: "4000-10",
      type: AccountType.EXPENSE,
    });
    expect(toAccount(C, E, { id: "1", name: "Bank", number: null, type: "BANK" }).number).toBeNull();
    expect(toAccount(C, E, { id: "2", name: "Odd", type: "CRYPTO_WALLET" })).toMatchObject({ number: null, type: null });
  });

  it("builds account records and deletion records", () => {
    expect(fromAccountInput({ id: "4000", name: "Travel", type: AccountType.EXPENSE })).toEqual({
      id: "4000",
      name: "Travel",
      type: "EXPENSE",
    });
    expect(fromAccountInput({ id: "4000", name: "Travel", number: "4000-10", type: AccountType.OTHER_EXPENSE })).toEqual({
      id: "4000",
      name: "Travel",
      number: "4000-10",
      type: "OTHER_EXPENSE",
    });
    expect(toDeletionRecord("4000")).toEqual({ id: "4000", isDeleted: true });
  });

  it("maps a vendor with every member null as GET returns it", () => {
    const vendor: wire.Vendor = {
      id: "V-1",
      type: "EMPLOYEE",
      currencyCode: "USD",
      name: null,
      companyName: null,
      lastName: "Doe",
      firstName: "Jane",
      email: "jane@example.com",
      employeeId: "E-7",
      taxId: null,
      phone: null,
      accountNumber: null,
      address: null,
    };
    expect(toVendor(C, E, vendor)).toEqual({ companyId: C, erpId: E, ...vendor, type: VendorType.EMPLOYEE });
  });

  it("fills absent vendor members and address members with null; unknown type -> null", () => {
    const mapped = toVendor(C, E, { id: "V-2", type: "CONTRACTOR", address: { city: "Bellevue" } });
    expect(mapped.type).toBeNull();
    expect(mapped.email).toBeNull();
    expect(mapped.address).toEqual({
      addr1: null,
      addr2: null,
      addr3: null,
      city: "Bellevue",
      state: null,
      country: null,
      postalCode: null,
      note: null,
    });
  });

  it("builds vendor records without unset members", () => {
    expect(
      fromVendorInput({
        id: "V-1",
        type: VendorType.ACCOUNTING,
        currencyCode: "USD",
        name: "Office Supplies Inc",
        companyName: "Office Supplies Inc",
        email: null,
        address: { addr1: "1 Main St", city: "Bellevue", country: "US", postalCode: null },
      }),
    ).toEqual({
      id: "V-1",
      type: "ACCOUNTING",
      currencyCode: "USD",
      name: "Office Supplies Inc",
      companyName: "Office Supplies Inc",
      address: { addr1: "1 Main St", city: "Bellevue", country: "US" },
    });
  });

  it("maps list names both ways", () => {
    expect(toListName(C, E, { id: "DEPT", name: "Departments" })).toEqual({ companyId: C, erpId: E, id: "DEPT", name: "Departments" });
    expect(fromListNameInput({ id: "DEPT", name: "Departments" })).toEqual({ id: "DEPT", name: "Departments" });
  });
});

describe("tax data", () => {
  const stateEntries: wire.TaxStateEntry[] = [
    {
      stateCode: null,
      stateDesc: null,
      reclaimEntries: [
        {
          reclaimCode: "R1",
          reclaimDesc: "Full reclaim",
          reclaimDetails: [{ taxCode: "V19", taxRateDesc: "Standard", percentage: 19, validFrom: "2020-01-01", validTo: null }],
        },
      ],
    },
  ];

  it("reads the country name from countryDesc (examples) and countryName (schema)", () => {
    const fromDesc = toTaxData(C, E, { countryCode: "DE", countryDesc: "Germany", stateEntries });
    const fromName = toTaxData(C, E, { countryCode: "DE", countryName: "Germany", stateEntries });
    expect(fromDesc).toEqual(fromName);
    expect(fromDesc).toEqual({
      companyId: C,
      erpId: E,
      countryCode: "DE",
      countryName: "Germany",
      stateEntries: [
        {
          stateCode: null,
          stateDesc: null,
          reclaimEntries: [
            {
              reclaimCode: "R1",
              reclaimDesc: "Full reclaim",
              reclaimDetails: [{ taxCode: "V19", taxRateDesc: "Standard", percentage: 19, validFrom: "2020-01-01", validTo: null }],
            },
          ],
        },
      ],
    });
    expect(toTaxData(C, E, { countryCode: "US", stateEntries: [] }).countryName).toBeNull();
  });

  it("sends the country name as countryDesc and leaves unset members out", () => {
    expect(
      fromTaxDataInput({
        countryCode: "US",
        countryName: "United States",
        stateEntries: [
          {
            stateCode: "WA",
            stateDesc: "Washington",
            reclaimEntries: [
              { reclaimCode: "R", reclaimDetails: [{ taxCode: "S", percentage: 6.5, validFrom: "2024-01-01", validTo: null }] },
            ],
          },
        ],
      }),
    ).toEqual({
      countryCode: "US",
      countryDesc: "United States",
      stateEntries: [
        {
          stateCode: "WA",
          stateDesc: "Washington",
          reclaimEntries: [{ reclaimCode: "R", reclaimDetails: [{ taxCode: "S", percentage: 6.5, validFrom: "2024-01-01" }] }],
        },
      ],
    });
  });
});

describe("mappings", () => {
  // Shape of the SAPD:mappings example (current schema), with companyEdition as a string.
  const response: wire.MappingsResponse = {
    erpId: E,
    companyEdition: "PROFESSIONAL",
    ledger: {
      name: "Acme Ledger",
      code: "ACME",
      expenseHierarchy: [{ formTypeCode: "expenseEntry", alternateFieldId: "custom1", level: 1 }],
      invoiceHierarchy: [{ formTypeCode: "lineItem", alternateFieldId: "custom2", level: 1 }],
    },
    features: [{ id: "SUPPORTS_RECEIPT_POSTING", value: {}, description: "Post receipts" }],
    files: [
      {
        fileId: "DEFAULT",
        paymentTypes: [
          {
            patKey: "CBCP",
            transactionType: "CREDIT CARD",
            liabilityAccountCode: "2000",
            postingDate: "REPORTSUBMIT",
            clearingAccountCode: null,
            name: "Company Paid",
            creditCardVendorId: "AMEX",
            currencyCode: "USD",
            countryCode: "US",
            erpCreditCardAccount: "2100",
          },
          { patKey: "CASH", transactionType: "GENERAL JOURNAL", postingDate: "SOMEDAY", name: "Cash" },
          { patKey: "BILL", transactionType: "BILL" },
          { patKey: "ODD", transactionType: "WIRE TRANSFER" },
        ],
        listMappings: [
          {
            erpListId: "DEPT",
            concurListId: "gWqS$pL1",
            fieldMappings: [
              {
                formTypeCode: "poLineItem",
                fields: [{ alternateFieldId: "custom1", level: 1 }],
                connectedLists: [{ fields: [{ alternateFieldId: "custom2", level: 2 }] }],
              },
              { formTypeCode: "someNewForm", fields: [] },
            ],
          },
        ],
        invoiceLiabilityAccount: { id: "2000", name: "AP", number: "2000", type: "ACCOUNTS_PAYABLE" },
        billableField: { formTypeCode: "requestAllocation", alternateFieldId: "billable" },
      },
    ],
    invoicePolicies: [{ name: "PO invoices", externalId: "P1", isPurchaseOrderPolicy: true }],
  };

  it("maps the whole response, converting CREDIT CARD and camelCase form codes", () => {
    const mapped = toMappings(C, E, response);
    expect(mapped.companyId).toBe(C);
    expect(mapped.erpId).toBe(E);
    expect(mapped.companyEdition).toBe(CompanyEdition.PROFESSIONAL);
    expect(mapped.ledger).toEqual({
      name: "Acme Ledger",
      code: "ACME",
      expenseHierarchy: [{ formTypeCode: FormTypeCode.EXPENSE_ENTRY, alternateFieldId: "custom1", level: 1 }],
      invoiceHierarchy: [{ formTypeCode: FormTypeCode.LINE_ITEM, alternateFieldId: "custom2", level: 1 }],
    });
    expect(mapped.features).toEqual([{ id: "SUPPORTS_RECEIPT_POSTING", value: {}, description: "Post receipts" }]);
    const [file] = mapped.files;
    expect(file?.paymentTypes[0]).toEqual({
      patKey: "CBCP",
      transactionType: TransactionType.CREDIT_CARD,
      liabilityAccountCode: "2000",
      postingDate: PostingDate.REPORTSUBMIT,
      clearingAccountCode: null,
      name: "Company Paid",
      creditCardVendorId: "AMEX",
      currencyCode: "USD",
      countryCode: "US",
      erpCreditCardAccount: "2100",
    });
    expect(file?.paymentTypes.map((p) => [p.transactionType, p.postingDate])).toEqual([
      [TransactionType.CREDIT_CARD, PostingDate.REPORTSUBMIT],
      [TransactionType.GENERAL_JOURNAL, null],
      [TransactionType.BILL, null],
      [null, null],
    ]);
    expect(file?.listMappings).toEqual([
      {
        erpListId: "DEPT",
        concurListId: "gWqS$pL1",
        fieldMappings: [
          {
            formTypeCode: FormTypeCode.PO_LINE_ITEM,
            fields: [{ alternateFieldId: "custom1", level: 1 }],
            connectedLists: [{ fields: [{ alternateFieldId: "custom2", level: 2 }] }],
          },
          { formTypeCode: null, fields: [], connectedLists: [] },
        ],
      },
    ]);
    expect(file?.invoiceLiabilityAccount).toEqual({ id: "2000", name: "AP", number: "2000", type: AccountType.ACCOUNTS_PAYABLE });
    expect(file?.billableField).toEqual({ formTypeCode: FormTypeCode.REQUEST_ALLOCATION, alternateFieldId: "billable" });
    expect(mapped.invoicePolicies).toEqual([{ name: "PO invoices", externalId: "P1", isPurchaseOrderPolicy: true }]);
  });

  it("accepts companyEdition as an array and tolerates a sparse response", () => {
    expect(toMappings(C, E, { erpId: E, companyEdition: ["STANDARD"] }).companyEdition).toBe(CompanyEdition.STANDARD);
    expect(toMappings(C, E, { erpId: E, companyEdition: ["ENTERPRISE"] }).companyEdition).toBeNull();
    expect(toMappings(C, E, { erpId: E })).toEqual({
      companyId: C,
      erpId: E,
      companyEdition: null,
      ledger: null,
      features: [],
      files: [],
      invoicePolicies: [],
    });
  });

  it("reads invoice policies from files (2023 schema) when the top level has none", () => {
    const mapped = toMappings(C, E, {
      erpId: E,
      files: [{ fileId: "DEFAULT", invoicePolicies: [{ name: "Std", externalId: "S", isPurchaseOrderPolicy: false }] }],
    });
    expect(mapped.invoicePolicies).toEqual([{ name: "Std", externalId: "S", isPurchaseOrderPolicy: false }]);
    expect(mapped.files[0]).toEqual({
      fileId: "DEFAULT",
      paymentTypes: [],
      listMappings: [],
      invoiceLiabilityAccount: null,
      billableField: null,
    });
  });

  it("maps a listMapping.created event payload item", () => {
    expect(toListMapping({ erpListId: "L", concurListId: "X" })).toEqual({ erpListId: "L", concurListId: "X", fieldMappings: [] });
  });
});

describe("enum conversions", () => {
  it("round-trips every TransactionType and FormTypeCode", () => {
    expect(transactionTypeToWire(TransactionType.CREDIT_CARD)).toBe("CREDIT CARD");
    expect(transactionTypeToWire(TransactionType.GENERAL_JOURNAL)).toBe("GENERAL JOURNAL");
    for (const value of Object.values(TransactionType)) {
      expect(transactionTypeFromWire(transactionTypeToWire(value))).toBe(value);
    }
    expect(transactionTypeFromWire("CREDIT_CARD")).toBeNull();
    expect(formTypeCodeToWire(FormTypeCode.EXPENSE_ENTRY)).toBe("expenseEntry");
    expect(formTypeCodeToWire(FormTypeCode.PO_ALLOCATION)).toBe("poAllocation");
    for (const value of Object.values(FormTypeCode)) {
      expect(formTypeCodeFromWire(formTypeCodeToWire(value))).toBe(value);
    }
    expect(formTypeCodeFromWire("toString")).toBeNull();
    expect(formTypeCodeFromWire(undefined)).toBeNull();
  });
});

describe("requests and processing errors", () => {
  const hrefs = {
    errors: `/v4/companies/${C}/erps/${E}/requests/${R}/errors`,
    self: `/v4/companies/${C}/erps/${E}/requests/${R}`,
  };

  it("maps the PATCH 202 body (links object) and the GET body (_links array) alike", () => {
    const patch202: wire.RequestStatus = {
      status: "PROCESSING",
      requestId: R,
      links: { errors: { href: hrefs.errors }, self: { href: hrefs.self } },
    };
    const getBody: wire.RequestStatus = {
      companyId: C,
      erpId: E,
      status: "PROCESSING",
      requestId: R,
      _links: [
        { rel: "errors", href: hrefs.errors },
        { rel: "self", href: hrefs.self },
      ],
    };
    const expected = { requestId: R, companyId: C, erpId: E, status: ProcessingStatus.PROCESSING };
    expect(toRequest(C, E, patch202)).toEqual(expected);
    expect(toRequest(C, E, getBody)).toEqual(expected);
  });

  it("maps each status and an unknown one to null", () => {
    for (const status of ["SUCCESS", "PARTIAL", "ERROR"] as const) {
      expect(toRequest(C, E, { requestId: R, status }).status).toBe(ProcessingStatus[status]);
    }
    expect(toRequest(C, E, { requestId: R, status: "QUEUED" }).status).toBeNull();
  });

  it("maps the documented processing error and parses values", () => {
    const record = { id: "V-1", type: "EMPLOYEE", name: "Jane" };
    const error: wire.ProcessingError = {
      companyId: C,
      erpId: E,
      requestId: R,
      errorCode: "dataInvalid.requestIdProcessingErrors",
      errorMessage: "Failed to validate the input data",
      objectType: "VENDOR",
      values: JSON.stringify(record),
      validationErrors: [{ source: "type", errorMessage: "type cannot be updated", errorCode: "type.cannot.update" }],
    };
    expect(toProcessingError(C, E, R, error)).toEqual({
      companyId: C,
      erpId: E,
      requestId: R,
      errorCode: "dataInvalid.requestIdProcessingErrors",
      errorMessage: "Failed to validate the input data",
      objectType: AccountingObjectType.VENDOR,
      values: JSON.stringify(record),
      record,
      validationErrors: [{ source: "type", errorMessage: "type cannot be updated", errorCode: "type.cannot.update" }],
    });
  });

  it("keeps unparsable values verbatim with a null record, and maps unknown objectType to null", () => {
    const mapped = toProcessingError(C, E, R, { requestId: R, values: "{not json", objectType: "INVOICE" });
    expect(mapped).toMatchObject({ values: "{not json", record: null, objectType: null, errorCode: null, validationErrors: [] });
    expect(toProcessingError(C, E, R, { requestId: R, objectType: "TAX" })).toMatchObject({
      objectType: AccountingObjectType.TAX,
      values: null,
      record: null,
    });
  });
});

describe("events", () => {
  it("reads data.resetRequested facts in every documented form", () => {
    const all = [AccountingObjectType.ACCOUNT, AccountingObjectType.VENDOR, AccountingObjectType.LIST];
    expect(toResetObjectTypes('{"accountingObjects":["ACCOUNT","VENDOR","LIST"]}')).toEqual(all);
    expect(toResetObjectTypes(["ACCOUNT", "VENDOR", "LIST"])).toEqual(all);
    expect(toResetObjectTypes({ accountingObjects: ["VENDOR", "SOMETHING"] })).toEqual([AccountingObjectType.VENDOR]);
    expect(toResetObjectTypes("not json")).toEqual([]);
    expect(toResetObjectTypes(undefined)).toEqual([]);
  });

  it("names the data set of an object type", () => {
    expect(erpDataTypeOf(AccountingObjectType.ACCOUNT)).toBe(ErpDataType.ACCOUNTS);
    expect(erpDataTypeOf(AccountingObjectType.LIST)).toBe(ErpDataType.LISTS);
    expect(erpDataTypeOf(AccountingObjectType.TAX)).toBe(ErpDataType.TAX_DATA);
  });
});
