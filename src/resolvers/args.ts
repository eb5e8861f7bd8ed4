import { ArgsType, Field, ID } from "type-graphql";
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
