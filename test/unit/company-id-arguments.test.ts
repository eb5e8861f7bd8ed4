// Every companyId a resolver sees is canonical: as an argument, inside input objects and lists at any depth, and in
// federation representations; other arguments and fields pass untouched.
import { buildSchema, graphql, type GraphQLFieldResolver } from "graphql";
import { describe, expect, it } from "vitest";
import { canonicalizeCompanyIdArguments } from "../../src/resolvers/args.js";

const UPPER = "03A4AC48-5A3C-4C4E-9B1D-6F2C1E0A9D01";
const LOWER = UPPER.toLowerCase();

describe("canonicalizeCompanyIdArguments", () => {
  it("lower-cases companyId in arguments, nested inputs, lists and _entities representations; leaves everything else", async () => {
    const schema = buildSchema(`
      input Target { companyId: ID!, name: String, inner: [Target!] }
      type Query {
        one(companyId: ID!, name: String): String
        nested(target: Target!, targets: [Target!]): String
        untouched(id: ID!): String
        _entities(representations: [String!]!): String
      }
    `);
    const seen: unknown[] = [];
    const record: GraphQLFieldResolver<unknown, unknown> = (_source, args) => {
      seen.push(args);
      return "ok";
    };
    for (const field of Object.values(schema.getQueryType()!.getFields())) field.resolve = record;
    canonicalizeCompanyIdArguments(schema);

    const result = await graphql({
      schema,
      source: `query ($t: Target!) {
        one(companyId: " ${UPPER} ", name: "${UPPER}")
        nested(target: $t, targets: [{ companyId: "${UPPER}" }])
        untouched(id: "${UPPER}")
      }`,
      variableValues: { t: { companyId: UPPER, name: "Keep", inner: [{ companyId: UPPER }] } },
    });
    expect(result.errors).toBeUndefined();
    expect(seen).toEqual([
      { companyId: LOWER, name: UPPER },
      { target: { companyId: LOWER, name: "Keep", inner: [{ companyId: LOWER }] }, targets: [{ companyId: LOWER }] },
      { id: UPPER },
    ]);

    // Representations are objects (the _Any scalar); called directly as the subgraph library would.
    seen.length = 0;
    const entities = schema.getQueryType()!.getFields()._entities;
    entities.resolve!(undefined, { representations: [{ __typename: "ErpIntegration", companyId: UPPER, erpId: "E" }, "x"] }, {}, undefined as never);
    expect(seen).toEqual([{ representations: [{ __typename: "ErpIntegration", companyId: LOWER, erpId: "E" }, "x"] }]);
  });
});
