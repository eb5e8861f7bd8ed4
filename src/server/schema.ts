import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { lexicographicSortSchema, parse, printSchema, type GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema, createResolversMap } from "type-graphql";
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
  const resolverMap = createResolversMap(clientSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, resolveReference] of Object.entries(referenceResolvers)) {
    resolverMap[typeName] = { ...(resolverMap[typeName] as object), __resolveReference: resolveReference } as GraphQLResolverMap<unknown>[string];
  }
  return buildSubgraphSchema({ typeDefs, resolvers: resolverMap });
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
