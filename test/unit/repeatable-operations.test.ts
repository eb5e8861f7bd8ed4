// Which queries may have their answers shared (src/http/repeatable-operations.ts). The type list is pinned: a new
// field below the repeatable roots that reaches a new type fails here, so whoever adds it decides whether its
// resolver reads only through the page cache (then list the type) or not (then add it to NOT_REPEATABLE_FIELDS).
import "reflect-metadata";
import { parse, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { repeatableOperationChecker, repeatableTypes } from "../../src/http/repeatable-operations.js";
import { buildGatewaySchema } from "../../src/schema/build.js";

let schema: GraphQLSchema;
let repeatable: (text: string) => boolean;
beforeAll(async () => {
  schema = await buildGatewaySchema();
  const check = repeatableOperationChecker(schema);
  repeatable = (text) => check(parse(text));
});

describe("repeatable operations", () => {
  it("are made of Accounting Integration types only", () => {
    expect([...repeatableTypes(schema)].sort()).toEqual(
      ["Account", "AccountConnection", "AccountEdge", "AccountType", "Address", "BillableField", "Boolean", "CompanyEdition", "ConfigurationField", "ConfigurationFieldType", "ConnectedList", "ErpFeatureFlag", "ErpIntegration", "FieldMapping", "FileMapping", "Float", "FormTypeCode", "ID", "Int", "InvoicePolicy", "JSON", "Ledger", "LedgerHierarchyLevel", "ListMapping", "ListName", "ListNameConnection", "ListNameEdge", "MappedAccount", "MappingFeature", "MappingField", "Mappings", "ObjectType", "PageInfo", "PaymentType", "PostingDate", "PostingOption", "ProcessingError", "ProcessingErrorConnection", "ProcessingErrorEdge", "ProcessingStatus", "Request", "String", "TaxData", "TaxDataConnection", "TaxDataEdge", "TaxReclaimDetail", "TaxReclaimEntry", "TaxStateEntry", "TransactionType", "ValidationError", "Vendor", "VendorConnection", "VendorEdge", "VendorType"].sort(),
    );
  });

  it("accept ERP data queries, with fragments and __typename", () => {
    expect(repeatable(`query { erpIntegration(companyId: "c", erpId: "e") { erpName accounts(first: 5) { edges { cursor node { ...A __typename } } pageInfo { hasNextPage } } mappings { erpId } } }`)).toBe(true);
    expect(repeatable(`fragment A on Account { id name } query Q { erpIntegration(companyId: "c", erpId: "e") { accounts { edges { node { ...A } } } } }`)).toBe(true);
    expect(repeatable(`{ erpIntegrations(companyId: "c") { erpId } request(companyId: "c", erpId: "e", requestId: "r") { status } }`)).toBe(true);
  });

  it("refuse anything that reads another API, the connection store, or the schema", () => {
    expect(repeatable(`{ erpIntegration(companyId: "c", erpId: "e") { listNames { edges { node { id concurList { id } } } } } }`)).toBe(false);
    expect(repeatable(`{ erpIntegration(companyId: "c", erpId: "e") { erpName } companyConnections { companyId } }`)).toBe(false);
    expect(repeatable(`{ __schema { queryType { name } } }`)).toBe(false);
    expect(repeatable(`{ erpIntegration(companyId: "c", erpId: "e") { erpName } __type(name: "Account") { name } }`)).toBe(false);
    expect(repeatable(`mutation { deleteAccounts(companyId: "c", erpId: "e", ids: ["1"]) { __typename } }`)).toBe(false);
  });
});
