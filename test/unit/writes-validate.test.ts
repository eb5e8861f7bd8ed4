import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.js";
import {
  problemsToError,
  validateAccount,
  validateAll,
  validateErpPackage,
  validateId,
  validateListName,
  validateTaxData,
  validateVendor,
} from "../../src/datasources/accounting/writes/validate.js";

const messages = (problems: { message: string }[]) => problems.map((p) => p.message);

describe("validate", () => {
  it("accepts a valid account and names path and value of a bad enum", () => {
    expect(validateAccount({ id: "A1", name: "Travel", type: "EXPENSE" }, "accounts[0]")).toEqual([]);
    const [problem] = validateAccount({ id: "A1", name: "Travel", type: "EXPENS" }, "accounts[2]");
    expect(problem!.field).toBe("accounts[2].type");
    expect(problem!.message).toMatch(/^accounts\[2\]\.type: "EXPENS" is not an AccountType; expected one of ACCOUNTS_PAYABLE, .*OTHER_INCOME$/);
  });

  it("reports every missing or empty required account field", () => {
    expect(messages(validateAccount({ id: " ", number: 5 }, "accounts[0]"))).toEqual([
      "accounts[0].id: must not be empty",
      "accounts[0].name: is required",
      "accounts[0].number: 5 is not a string",
      "accounts[0].type: is required",
    ]);
    expect(messages(validateAccount("x", "accounts[1]"))).toEqual(['accounts[1]: "x" is not an object']);
  });

  it("checks vendor fields by vendor type (Q10) and ISO 4217 currency codes", () => {
    expect(validateVendor({ id: "V1", type: "ACCOUNTING", currencyCode: "EUR", name: "ACME", companyName: "ACME GmbH" }, "vendors[0]")).toEqual([]);
    expect(
      validateVendor({ id: "V2", type: "EMPLOYEE", currencyCode: "USD", firstName: "Ada", lastName: "L", email: "ada@example.com", employeeId: "E1" }, "vendors[1]"),
    ).toEqual([]);
    expect(messages(validateVendor({ id: "V3", type: "ACCOUNTING", currencyCode: "EURO" }, "vendors[2]"))).toEqual([
      'vendors[2].currencyCode: "EURO" is not an ISO 4217 currency code (e.g. "USD", "EUR")',
      "vendors[2].name: is required for ACCOUNTING vendors",
      "vendors[2].companyName: is required for ACCOUNTING vendors",
    ]);
    expect(messages(validateVendor({ id: "V4", type: "EMPLOYEE", currencyCode: "USD", firstName: "A", lastName: "B", email: "nope" }, "v[0]"))).toEqual([
      "v[0].employeeId: is required for EMPLOYEE vendors",
      'v[0].email: "nope" is not an email address',
    ]);
    expect(messages(validateVendor({ id: "V5", type: "PERSON" }, "v[1]"))).toEqual([
      'v[1].type: "PERSON" is not a VendorType; expected one of ACCOUNTING, EMPLOYEE',
      "v[1].currencyCode: is required",
    ]);
  });

  it("validates list names and ids to delete", () => {
    expect(validateListName({ id: "L1", name: "Cost centers" }, "lists[0]")).toEqual([]);
    expect(messages(validateListName({ id: "L1" }, "lists[0]"))).toEqual(["lists[0].name: is required"]);
    expect(validateId("A-1", "ids[0]")).toEqual([]);
    expect(messages(validateId("", "ids[1]"))).toEqual(['ids[1]: "" is not a record id (a non-empty string)']);
  });

  it("validates tax data down to reclaim details", () => {
    const good = {
      countryCode: "DE",
      countryDesc: "Germany",
      stateEntries: [{ stateCode: null, stateDesc: null, reclaimEntries: [{ reclaimCode: "R1", reclaimDetails: [{ taxCode: "T1", percentage: 19, validFrom: "2024-01-01", validTo: null }] }] }],
    };
    expect(validateTaxData(good, "taxData[0]")).toEqual([]);
    const bad = {
      countryCode: "XY",
      stateEntries: [{ reclaimEntries: [{ reclaimCode: "R1", reclaimDetails: [{ taxCode: "T1", percentage: -1, validFrom: "2024-02-30", validTo: "2023-01-01" }] }] }],
    };
    expect(messages(validateTaxData(bad, "taxData[0]"))).toEqual([
      'taxData[0].countryCode: "XY" is not an ISO 3166-1 alpha-2 country code (e.g. "DE")',
      "taxData[0].stateEntries[0].reclaimEntries[0].reclaimDetails[0].percentage: -1 is not a percentage (a number ≥ 0)",
      'taxData[0].stateEntries[0].reclaimEntries[0].reclaimDetails[0].validFrom: "2024-02-30" is not a date (YYYY-MM-DD)',
    ]);
    expect(messages(validateTaxData({ countryCode: "FR" }, "t"))).toEqual(["t.stateEntries: is required (a list)"]);
  });

  it("validates ErpPackage for register and requires the full features/postingOptions on update", () => {
    expect(validateErpPackage({ partnerAppName: "P", erpName: "E", externalErpId: "X", features: ["SUPPORTS_RECEIPT_POSTING"] }, "erp")).toEqual([]);
    expect(messages(validateErpPackage({ erpName: "E" }, "erp", { update: true }))).toEqual([
      "erp.features: is required (a list)",
      "erp.postingOptions: is required (a list)",
    ]);
    const dup = validateErpPackage(
      {
        partnerAppName: "P",
        erpName: "E",
        externalErpId: "X",
        features: ["NOPE"],
        postingOptions: [
          { postingCode: "A", postingName: "A" },
          { postingCode: "A", postingName: "B", configurationFields: [{ configurationFieldType: "X" }] },
        ],
      },
      "erp",
    );
    expect(messages(dup)).toEqual([
      expect.stringMatching(/^erp\.features\[0\]: "NOPE" is not an ErpFeatureFlag; expected one of /),
      'erp.postingOptions[1].postingCode: "A" is used by another posting option; codes must be unique',
      expect.stringMatching(/^erp\.postingOptions\[1\]\.configurationFields\[0\]\.configurationFieldType: "X" is not a ConfigurationFieldType/),
    ]);
  });

  it("turns all problems into one BAD_USER_INPUT error", () => {
    const problems = validateAll([{ id: "A", name: "n", type: "BANK" }, { id: "B", type: "EXPENS" }], "accounts", validateAccount);
    const error = problemsToError(problems)!;
    expect(error.extensions.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.message).toBe(
      `2 problems in the input:\naccounts[1].name: is required\n${problems[1]!.message}`,
    );
    expect(error.extensions.field).toBe("accounts[1].name");
    expect(problemsToError([])).toBeUndefined();
  });
});
