import { getArgumentValues, getNamedType, isObjectType, Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/**
 * The fields of the current field's selection, through inline and named fragments; undefined when a named fragment
 * is missing. Directives are not evaluated: a field under @skip still counts as selected, which errs towards fetching.
 */
function selectedFields(info: GraphQLResolveInfo): FieldNode[] | undefined {
  const found: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined): boolean => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) found.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet)) return false;
      } else {
        const fragment = info.fragments[selection.name.value];
        if (!fragment || !visit(fragment.selectionSet)) return false;
      }
    }
    return true;
  };
  return info.fieldNodes.every((node) => visit(node.selectionSet)) ? found : undefined;
}

/** Whether the current field's selection asks only for `fields` (and `__typename`), through fragments. */
export function selectsOnly(info: GraphQLResolveInfo, fields: ReadonlySet<string>): boolean {
  return selectedFields(info)?.every((field) => field.name.value === "__typename" || fields.has(field.name.value)) ?? false;
}

/**
 * The fields of the current field's selection whose name is in `names` (one entry per field node, aliases
 * included), with their argument values as the field's resolver will see them.
 */
export function selectedChildren(info: GraphQLResolveInfo, names: ReadonlySet<string>): Array<{ name: string; args: Record<string, unknown> }> {
  const parent = getNamedType(info.returnType);
  if (!isObjectType(parent)) return [];
  const definitions = parent.getFields();
  const found: Array<{ name: string; args: Record<string, unknown> }> = [];
  for (const node of selectedFields(info) ?? []) {
    const field = definitions[node.name.value];
    if (!field || !names.has(field.name)) continue;
    try {
      found.push({ name: field.name, args: getArgumentValues(field, node, info.variableValues) });
    } catch {
      // Arguments that do not coerce: the field's own resolution reports them.
    }
  }
  return found;
}
