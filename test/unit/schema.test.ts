import "reflect-metadata";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLObjectType,
  type GraphQLSchema,
  isIntrospectionType,
} from "graphql";
import { Arg, Args, buildSchema, ID, Mutation, Query, Resolver } from "type-graphql";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AccountConnection,
  AccountInput,
  AccountType,
  AccountingObjectType,
  CompanyEdition,
  ConfigurationFieldType,
  ConnectionArgs,
  ErpDataType,
  ErpFeatureFlag,
  ErpIntegration,
  ErpRegistrationInput,
  ErpUpdateInput,
  FormTypeCode,
  ListNameConnection,
  ListNameInput,
  Mappings,
  PostingDate,
  ProcessingErrorConnection,
  ProcessingStatus,
  Request,
  TaxDataConnection,
  TaxDataInput,
  TransactionType,
  VendorConnection,
  VendorInput,
  VendorType,
} from "../../src/schema/index.js";

// A throwaway resolver that only exists to make every schema class reachable.
@Resolver()
class SchemaProbeResolver {
  @Query(() => [ErpIntegration], { description: "probe" })
  erps(): ErpIntegration[] {
    return [];
  }

  @Query(() => AccountConnection, { description: "probe" })
  accounts(@Args(() => ConnectionArgs) _args: ConnectionArgs): AccountConnection {
    return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
  }

  @Query(() => VendorConnection, { description: "probe" })
  vendors(): VendorConnection {
    throw new Error("not called");
  }

  @Query(() => ListNameConnection, { description: "probe" })
  listNames(): ListNameConnection {
    throw new Error("not called");
  }

  @Query(() => TaxDataConnection, { description: "probe" })
  taxData(): TaxDataConnection {
    throw new Error("not called");
  }

  @Query(() => ProcessingErrorConnection, { description: "probe" })
  processingErrors(): ProcessingErrorConnection {
    throw new Error("not called");
  }

  @Query(() => Mappings, { nullable: true, description: "probe" })
  mappings(): Mappings | null {
    return null;
  }

  @Query(() => Request, { nullable: true, description: "probe" })
  request(@Arg("requestId", () => ID) _id: string): Request | null {
    return null;
  }

  @Query(() => ErpDataType, { nullable: true, description: "probe" })
  dataType(): ErpDataType | null {
    return null;
  }

  @Mutation(() => Boolean, { description: "probe" })
  probeInputs(
    @Arg("registration", () => ErpRegistrationInput) _r: ErpRegistrationInput,
    @Arg("update", () => ErpUpdateInput) _u: ErpUpdateInput,
    @Arg("accounts", () => [AccountInput]) _a: AccountInput[],
    @Arg("vendors", () => [VendorInput]) _v: VendorInput[],
    @Arg("lists", () => [ListNameInput]) _l: ListNameInput[],
    @Arg("tax", () => [TaxDataInput]) _t: TaxDataInput[],
  ): boolean {
    return true;
  }
}

const PROBE_ROOTS = new Set(["Query", "Mutation"]);

describe("schema types", () => {
  let schema: GraphQLSchema;
  let sdl: string;

  beforeAll(async () => {
    schema = await buildSchema({ resolvers: [SchemaProbeResolver], validate: false, skipCheck: true });
    sdl = printSchemaWithDirectives(schema);
  });

  it.each([
    ["AccountType", AccountType, 18],
    ["VendorType", VendorType, 2],
    ["ErpFeatureFlag", ErpFeatureFlag, 4],
    ["ConfigurationFieldType", ConfigurationFieldType, 5],
    ["ProcessingStatus", ProcessingStatus, 4],
    ["ObjectType", AccountingObjectType, 4],
    ["CompanyEdition", CompanyEdition, 2],
    ["TransactionType", TransactionType, 3],
    ["PostingDate", PostingDate, 3],
    ["FormTypeCode", FormTypeCode, 10],
    ["ErpDataType", ErpDataType, 4],
  ] as const)("enum %s has every value, described", (name, tsEnum, count) => {
    const type = schema.getType(name);
    expect(type).toBeInstanceOf(GraphQLEnumType);
    const values = (type as GraphQLEnumType).getValues();
    expect(values.map((v) => v.name).sort()).toEqual(Object.keys(tsEnum).sort());
    expect(values).toHaveLength(count);
    expect(type?.description).toBeTruthy();
    for (const value of values) expect(value.description, `${name}.${value.name}`).toBeTruthy();
  });

  it("spells the REST-divergent enum values in GraphQL style", () => {
    expect(sdl).toMatch(/enum TransactionType \{[^}]*CREDIT_CARD[^}]*GENERAL_JOURNAL/s);
    expect(sdl).toMatch(/enum FormTypeCode \{[^}]*EXPENSE_ENTRY[^}]*PO_LINE_ITEM[^}]*REQUEST_ALLOCATION/s);
  });

  it("marks federation entities with their keys", () => {
    expect(sdl).toMatch(/type ErpIntegration @key\(fields: "companyId erpId"\)/);
    expect(sdl).toMatch(/type Request @key\(fields: "companyId erpId requestId"\)/);
    for (const entity of ["Account", "Vendor", "ListName"]) {
      expect(sdl).toMatch(new RegExp(`type ${entity} @key\\(fields: "companyId erpId id"\\)`));
    }
  });

  it("uses ID for key fields", () => {
    const idFields: Array<[string, string]> = [
      ["ErpIntegration", "companyId"],
      ["ErpIntegration", "erpId"],
      ["Request", "requestId"],
      ["Account", "id"],
      ["Vendor", "id"],
      ["ListName", "id"],
      ["ProcessingError", "requestId"],
    ];
    for (const [typeName, field] of idFields) {
      const type = schema.getType(typeName) as GraphQLObjectType;
      expect(String(type.getFields()[field]?.type), `${typeName}.${field}`).toBe("ID!");
    }
  });

  it("describes every type, field and argument", () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type) || PROBE_ROOTS.has(type.name) || type.name.startsWith("__")) continue;
      if (["String", "Boolean", "Int", "Float", "ID"].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (type instanceof GraphQLObjectType || type instanceof GraphQLInputObjectType) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of "args" in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("builds Relay connections with edges, nodes and page info", () => {
    for (const name of ["Account", "Vendor", "ListName", "TaxData", "ProcessingError"]) {
      expect(sdl).toContain(`type ${name}Edge {`);
      expect(sdl).toMatch(new RegExp(`type ${name}Connection \\{[^}]*edges: \\[${name}Edge!\\]![^}]*pageInfo: PageInfo!`, "s"));
      expect(sdl).toMatch(new RegExp(`type ${name}Edge \\{[^}]*cursor: String![^}]*node: ${name}!`, "s"));
    }
    expect(sdl).toMatch(/type PageInfo \{[^}]*hasNextPage: Boolean![^}]*hasPreviousPage: Boolean![^}]*startCursor: String[^}]*endCursor: String/s);
    const accountsArgs = schema.getQueryType()?.getFields().accounts?.args ?? [];
    expect(accountsArgs.map((a) => [a.name, String(a.type), a.defaultValue])).toEqual([
      ["first", "Int", 50],
      ["after", "String", undefined],
    ]);
    expect(sdl).not.toContain("ConnectionBase");
  });

  it("exposes the documented shapes", () => {
    expect(sdl).toContain("scalar JSON");
    expect(sdl).toMatch(/type ProcessingError \{[^}]*values: String[^}]*record: JSON[^}]*validationErrors: \[ValidationError!\]!/s);
    expect(sdl).toMatch(/type TaxData \{[^}]*countryCode: String![^}]*countryName: String[^}]*stateEntries: \[TaxStateEntry!\]!/s);
    expect(sdl).toMatch(/type ConfigurationField \{[^}]*isRequired: Boolean!/s);
    expect(sdl).toMatch(/type Account @key[^{]*\{[^}]*number: String\n/s);
    expect(sdl).toMatch(/type FileMapping \{[^}]*invoiceLiabilityAccount: MappedAccount\n[^}]*billableField: BillableField\n/s);
    expect(sdl).toMatch(/input ErpUpdateInput \{[^}]*features: \[ErpFeatureFlag!\]![^}]*postingOptions: \[PostingOptionInput!\]!/s);
    // The errors connection of a request is contributed by a resolver, not by the type.
    expect(sdl).not.toMatch(/type Request @key[^{]*\{[^}]*errors/s);
  });
});
