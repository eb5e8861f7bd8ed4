import { getArgumentValues, getNamedType, isObjectType, Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/**
 * Whether the current field's selection asks only for `fields` (and `__typename`), through fragments. Directives
 * are not evaluated: a field under @skip still counts as selected, which errs towards fetching.
 */
export function selectsOnly(info: GraphQLResolveInfo, fields: ReadonlySet<string>): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return true;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name !== "__typename" && !fields.has(name)) return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet)) return false;
      } else {
        const fragment = info.fragments[selection.name.value];
        if (!fragment || !visit(fragment.selectionSet)) return false;
      }
    }
    return true;
  };
  return info.fieldNodes.every((node) => visit(node.selectionSet));
}

/**
 * The fields of the current field's selection (through fragments, aliases counted once per distinct node) whose
 * name is in `names`, with their argument values as the field's resolver will see them.
 */
export function selectedChildren(info: GraphQLResolveInfo, names: ReadonlySet<string>): Array<{ name: string; args: Record<string, unknown> }> {
  const parent = getNamedType(info.returnType);
  if (!isObjectType(parent)) return [];
  const fields = parent.getFields();
  const found: Array<{ name: string; args: Record<string, unknown> }> = [];
  const visit = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const field = fields[selection.name.value];
        if (field && names.has(field.name)) {
          try {
            found.push({ name: field.name, args: getArgumentValues(field, selection, info.variableValues) });
          } catch {
            // Arguments that do not coerce: the field's own resolution reports them.
          }
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(info.fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return found;
}
