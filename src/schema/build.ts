import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { GraphQLObjectType, isInputObjectType, isInterfaceType, isObjectType, lexicographicSortSchema, parse, printSchema, valueFromAST, type GraphQLArgument, type GraphQLInputField, type GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema, createResolversMap, getMetadataStorage } from "type-graphql";
import { canonicalizeCompanyIdArguments } from "../resolvers/args.js";
import { resolvers } from "../resolvers/index.js";
import { referenceResolvers } from "../resolvers/references.js";

/** Federation v2 link prepended to the SDL type-graphql prints (it knows nothing of federation); v2.4+ because the
 * subgraph defines Subscription fields (Apollo Router and GraphOS composition require 2.4 for those). */
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.4", import: ["@key", "@shareable"])';

/** The type-graphql schema: the client API, as clients and codegen see it. */
export async function buildClientSchema(): Promise<GraphQLSchema> {
  // Every @Subscription has its own `subscribe` (GatewayPubSub through the context); type-graphql still
  // insists on a pubSub option, which stays unused.
  return buildSchema({ resolvers, validate: false, pubSub: createPubSub() });
}

/**
 * The served schema: the client schema rebuilt as an Apollo Federation v2 subgraph (`_service`, `_entities`),
 * keeping type-graphql's resolvers and adding a `__resolveReference` per entity.
 */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const clientSchema = await buildClientSchema();
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(clientSchema)}`);
  const resolverMap = withoutPlainFieldWrappers(createResolversMap(clientSchema) as GraphQLResolverMap<unknown>, clientSchema);
  for (const [typeName, resolveReference] of Object.entries(referenceResolvers)) {
    resolverMap[typeName] = { ...(resolverMap[typeName] as object), __resolveReference: resolveReference } as GraphQLResolverMap<unknown>[string];
  }
  // Every companyId a resolver sees is canonical (lower case), whatever case the caller sent.
  return canonicalizeCompanyIdArguments(withEnumDefaultsRecoerced(buildSubgraphSchema({ typeDefs, resolvers: resolverMap })));
}

/**
 * Default values coerced again once enums carry their internal values. The subgraph is built from SDL, where
 * `op: TextMatchOperator! = EQUALS` is coerced while the enum's values are still their names ("EQUALS"); the
 * resolver map then gives the enum its TypeScript values ("eq") but leaves the defaults as they were. Left so,
 * an omitted `op` reached resolvers as "EQUALS" and introspection could not print the default
 * (`Enum "TextMatchOperator" cannot represent value: "EQUALS"`). Re-reading each default from its SDL literal
 * against the final types fixes both, for arguments and input fields alike.
 */
function withEnumDefaultsRecoerced(schema: GraphQLSchema): GraphQLSchema {
  const recoerce = (input: GraphQLInputField | GraphQLArgument) => {
    const literal = input.astNode?.defaultValue;
    const value = literal ? valueFromAST(literal, input.type) : undefined;
    if (value !== undefined) input.defaultValue = value;
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) recoerce(field);
    else if (isObjectType(type) || isInterfaceType(type)) for (const field of Object.values(type.getFields())) for (const arg of field.args) recoerce(arg);
  }
  return schema;
}

/** SDL of the client schema (`schema.graphql`, for codegen and front-ends). */
export async function printClientSdl(): Promise<string> {
  return printSchema(lexicographicSortSchema(await buildClientSchema()));
}

/** SDL of the subgraph (`subgraph.graphql`, for a router's composition). */
export async function printSubgraphSdl(): Promise<string> {
  const clientSchema = await buildClientSchema();
  return `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(lexicographicSortSchema(clientSchema))}`;
}

/**
 * type-graphql wraps every field, even a plain property read, in a resolver that runs its (here empty)
 * middleware chain. On a 100-edge connection that is ~500 calls per query for nothing, so plain fields of
 * object types go back to graphql's default resolver (which reads the property, getters included). Root
 * fields, @FieldResolver methods and renamed properties keep type-graphql's resolver.
 */
function withoutPlainFieldWrappers(resolverMap: GraphQLResolverMap<unknown>, schema: GraphQLSchema): GraphQLResolverMap<unknown> {
  const storage = getMetadataStorage();
  const typeNameOf = new Map(storage.objectTypes.map((type) => [type.target, type.name]));
  const keep = new Set<string>();
  for (const fieldResolver of storage.fieldResolvers) {
    const target = fieldResolver.getObjectType?.();
    if (target) keep.add(`${typeNameOf.get(target)}.${fieldResolver.schemaName}`);
  }
  for (const field of storage.fields) {
    if (field.name !== field.schemaName) keep.add(`${typeNameOf.get(field.target)}.${field.schemaName}`);
  }
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name]);
  for (const [typeName, fields] of Object.entries(resolverMap)) {
    if (roots.has(typeName) || !(schema.getType(typeName) instanceof GraphQLObjectType)) continue;
    for (const fieldName of Object.keys(fields as object)) {
      if (!fieldName.startsWith("__") && !keep.has(`${typeName}.${fieldName}`)) delete (fields as Record<string, unknown>)[fieldName];
    }
  }
  return resolverMap;
}
