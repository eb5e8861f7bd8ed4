import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

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
