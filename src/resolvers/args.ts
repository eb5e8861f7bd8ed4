import { defaultFieldResolver, getNamedType, getNullableType, GraphQLInputObjectType, GraphQLList, GraphQLObjectType, isLeafType, type GraphQLInputType, type GraphQLSchema } from "graphql";
import { ArgsType, Field, ID } from "type-graphql";
import { canonicalCompanyId } from "../company-id.js";
import type { Connection } from "../datasources/index.js";
import type { ConnectionShape } from "../schema/index.js";

/** The company and ERP every Concur path is under. */
@ArgsType()
export class ErpArgs {
  @Field(() => ID, { description: "Concur company UUID (the company the bearer token belongs to)." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID, issued by registerErp." })
  erpId!: string;
}

/** Maps a datasource connection's nodes to GraphQL objects; cursors stay lazy (encoded only if selected). */
export function mapConnection<W, G>(connection: Connection<W>, toNode: (wire: W) => G): ConnectionShape<G> {
  return {
    edges: connection.edges.map((edge) => new MappedEdge(edge, toNode(edge.node))),
    pageInfo: connection.pageInfo,
  };
}

/** A prototype getter, not an object literal with `get cursor()` (V8 builds those on a slow path, per edge). */
class MappedEdge<G> {
  constructor(
    private readonly source: { readonly cursor: string },
    readonly node: G,
  ) {}

  get cursor(): string {
    return this.source.cursor;
  }
}

/** The argument and input field name that carries a Concur company id everywhere in the schema. */
const COMPANY_ID = "companyId";

type Normalise = (value: unknown) => unknown;

/**
 * Makes every `companyId` a resolver or subscription sees canonical (trimmed, lower case; see src/company-id.ts),
 * whether it came as an argument, inside an input object (at any depth, in lists too) or in a federation
 * representation (`_entities`): Concur's redirect and other systems may send the UUID in upper case, and every
 * resolver, cache key, pubsub topic and store lookup then sees one form. Wraps `resolve` and `subscribe` of the
 * fields that have such an argument, in place (graphql-jit and graphql-ws read them from the schema); the printed
 * schema does not change.
 */
export function canonicalizeCompanyIdArguments(schema: GraphQLSchema): GraphQLSchema {
  const inputs = new Map<GraphQLInputObjectType, Normalise | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith("__")) continue;
    const isQuery = type === schema.getQueryType();
    for (const field of Object.values(type.getFields())) {
      const normalisers: Array<[string, Normalise]> = [];
      for (const arg of field.args) {
        const normalise = isQuery && field.name === "_entities" && arg.name === "representations" ? listOf(representation) : normaliserFor(arg.name, arg.type, inputs);
        if (normalise) normalisers.push([arg.name, normalise]);
      }
      if (normalisers.length === 0) continue;
      const canonicalArgs = (args: Record<string, unknown>) => {
        const out = { ...args };
        for (const [name, normalise] of normalisers) if (out[name] !== undefined && out[name] !== null) out[name] = normalise(out[name]);
        return out;
      };
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => resolve(source, canonicalArgs(args), context, info);
      const subscribe = field.subscribe;
      if (subscribe) field.subscribe = (source, args, context, info) => subscribe(source, canonicalArgs(args), context, info);
    }
  }
  return schema;
}

/** How to canonicalise a value of `type` reached under `name`; null when nothing in it is a company id. */
function normaliserFor(name: string, type: GraphQLInputType, inputs: Map<GraphQLInputObjectType, Normalise | null>): Normalise | null {
  const named = getNullableType(type);
  if (named instanceof GraphQLList) {
    const item = normaliserFor(name, named.ofType as GraphQLInputType, inputs);
    return item && listOf(item);
  }
  if (isLeafType(named)) return name === COMPANY_ID ? companyIdValue : null;
  if (!(named instanceof GraphQLInputObjectType)) return null;
  const known = inputs.get(named);
  if (known !== undefined) return known;
  if (!holdsCompanyId(named, new Set())) {
    inputs.set(named, null);
    return null;
  }
  const fields: Array<[string, Normalise]> = [];
  const normalise: Normalise = (value) => {
    if (typeof value !== "object" || value === null) return value;
    const out = { ...(value as Record<string, unknown>) };
    for (const [field, inner] of fields) if (out[field] !== undefined && out[field] !== null) out[field] = inner(out[field]);
    return out;
  };
  // Registered before its fields are examined: a recursive input type's inner reference finds it.
  inputs.set(named, normalise);
  for (const field of Object.values(named.getFields())) {
    const inner = normaliserFor(field.name, field.type, inputs);
    if (inner) fields.push([field.name, inner]);
  }
  return normalise;
}

/** Whether an input type has a `companyId` leaf field, directly or through nested input types. */
function holdsCompanyId(type: GraphQLInputObjectType, seen: Set<GraphQLInputObjectType>): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  return Object.values(type.getFields()).some((field) => {
    const named = getNamedType(field.type);
    return isLeafType(named) ? field.name === COMPANY_ID : named instanceof GraphQLInputObjectType && holdsCompanyId(named, seen);
  });
}

const companyIdValue: Normalise = (value) => (typeof value === "string" ? canonicalCompanyId(value) : value);
const listOf = (item: Normalise): Normalise => (value) => (Array.isArray(value) ? value.map(item) : item(value));
/** A federation representation (`{ __typename, companyId, … }`): its `companyId` key field. */
const representation: Normalise = (value) =>
  typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)[COMPANY_ID] === "string"
    ? { ...(value as Record<string, unknown>), [COMPANY_ID]: canonicalCompanyId((value as Record<string, string>)[COMPANY_ID]) }
    : value;
