import { getNamedType, isObjectType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";

/**
 * Which queries may have their serialized answer reused (src/http/result-sharing.ts): those whose every field is
 * resolved from Accounting Integration reads through the page cache, which records them (ReadLog) so a reuse can
 * check that each one would still return the very same cached value. A field that reads anything else (another
 * API's client, the connection store, in-memory job state) must not be reachable from here: the whole operation is
 * then answered normally. New types are excluded until listed, so a new API is never reused by accident.
 */
export const REPEATABLE_ROOT_FIELDS: ReadonlySet<string> = new Set(["erpIntegration", "erpIntegrations", "request"]);

/** Fields below the repeatable roots that read another API (not recorded by the page cache). */
export const NOT_REPEATABLE_FIELDS: ReadonlySet<string> = new Set(["ListName.concurList"]);

/** Types whose fields are reachable from the repeatable roots without crossing a field of NOT_REPEATABLE_FIELDS. */
export function repeatableTypes(schema: GraphQLSchema): ReadonlySet<string> {
  const query = schema.getQueryType();
  const found = new Set<string>();
  const pending: string[] = [];
  for (const name of REPEATABLE_ROOT_FIELDS) {
    const field = query?.getFields()[name];
    if (field) pending.push(getNamedType(field.type).name);
  }
  while (pending.length) {
    const name = pending.pop()!;
    if (found.has(name)) continue;
    found.add(name);
    const type = schema.getType(name);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (NOT_REPEATABLE_FIELDS.has(`${name}.${field.name}`)) continue;
      pending.push(getNamedType(field.type).name);
    }
  }
  return found;
}

/** A checker for one schema: is this query document made only of repeatable fields? */
export function repeatableOperationChecker(schema: GraphQLSchema): (document: DocumentNode) => boolean {
  const types = repeatableTypes(schema);
  const queryType = schema.getQueryType()?.name;
  return (document) => {
    let repeatable = true;
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        OperationDefinition(node) {
          if (node.operation !== "query") repeatable = false;
        },
        Field(node) {
          const parent = typeInfo.getParentType()?.name;
          const name = node.name.value;
          if (name === "__typename") return;
          if (parent === undefined || name.startsWith("__")) repeatable = false;
          else if (parent === queryType) repeatable &&= REPEATABLE_ROOT_FIELDS.has(name);
          else repeatable &&= types.has(parent) && !NOT_REPEATABLE_FIELDS.has(`${parent}.${name}`);
        },
      }),
    );
    return repeatable;
  };
}
