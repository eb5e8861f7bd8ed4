// GraphQL executes the root fields of a mutation one after another: without this, the second
// `upsertAccounts` of an operation would wait until the first one's PATCH was accepted, a second later,
// and every field would get its own PATCH. So the first write field of an operation queues the writes of
// ALL its write fields at once (they then share PATCH calls); each field then just awaits its own result.
import {
  getArgumentValues,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from "graphql";

/** Starts one write field's work from its argument values (as GraphQL coerced them). */
export type WriteStarter<C> = (ctx: C, args: Record<string, unknown>) => Promise<unknown>;

/** Per-operation state: the write fields already started, by response key. Lives on the operation's context. */
export interface OperationWrites {
  started?: Map<string, Promise<unknown>>;
}

/**
 * The result of this write field, queued together with every other write field of the operation the first
 * time any of them runs. `starters` maps mutation field names to how they start.
 */
export function operationWrite<C extends { operationWrites: OperationWrites }>(info: GraphQLResolveInfo, ctx: C, starters: Record<string, WriteStarter<C>>): Promise<unknown> {
  const writes = (ctx.operationWrites.started ??= startAll(info, ctx, starters));
  const key = info.path.key as string;
  const pending = writes.get(key);
  if (pending) return pending;
  // Not found (e.g. a field added by a router's query plan): start it alone.
  const field = info.parentType.getFields()[info.fieldName];
  return starters[info.fieldName](ctx, getArgumentValues(field, info.fieldNodes[0], info.variableValues));
}

function startAll<C>(info: GraphQLResolveInfo, ctx: C, starters: Record<string, WriteStarter<C>>): Map<string, Promise<unknown>> {
  const writes = new Map<string, Promise<unknown>>();
  const fields = info.parentType.getFields();
  for (const node of rootFields(info.operation.selectionSet, info)) {
    const name = node.name.value;
    const key = node.alias?.value ?? name;
    if (!starters[name] || writes.has(key)) continue;
    const field = fields[name];
    // A field whose arguments cannot be read is left to run alone, where it reports its own error.
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, info.variableValues);
    } catch {
      continue;
    }
    const pending = Promise.resolve().then(() => starters[name](ctx, args));
    pending.catch(() => undefined); // reported by the field that awaits it
    writes.set(key, pending);
  }
  return writes;
}

/** Root fields of the operation, through fragments, honouring @skip/@include. */
function* rootFields(selectionSet: SelectionSetNode, info: GraphQLResolveInfo): Generator<FieldNode> {
  for (const selection of selectionSet.selections) {
    if (!included(selection, info)) continue;
    if (selection.kind === Kind.FIELD) yield selection;
    else if (selection.kind === Kind.INLINE_FRAGMENT) yield* rootFields(selection.selectionSet, info);
    else {
      const fragment = info.fragments[selection.name.value];
      if (fragment) yield* rootFields(fragment.selectionSet, info);
    }
  }
}

function included(node: Parameters<typeof getDirectiveValues>[1], info: GraphQLResolveInfo): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}
