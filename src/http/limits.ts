import { HeaderMap, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from "graphql";
import type { OperationLimits } from "../config.js";
import { CodedError, ErrorCode } from "../errors.js";

/** Limits every operation must stay within (config `limits`; 0 turns one off). */
export type { OperationLimits } from "../config.js";

/** What a refusal names in `extensions.operationLimit` (the env variable that raises it is `MAX_<NAME>`). */
export type OperationLimitName = "tokens" | "aliases" | "depth" | "directives" | "cost";

const ENV_NAME: Record<OperationLimitName, string> = {
  tokens: "MAX_TOKENS",
  aliases: "MAX_ALIASES",
  depth: "MAX_DEPTH",
  directives: "MAX_DIRECTIVES",
  cost: "MAX_COST",
};

/** A refusal: code OPERATION_LIMIT_EXCEEDED, with the limit's name, its value and what the operation had. */
export function operationLimitError(name: OperationLimitName, limit: number, found?: number): CodedError {
  const what = found === undefined ? `more than ${limit}` : String(found);
  return new CodedError(
    ErrorCode.OPERATION_LIMIT_EXCEEDED,
    `Operation refused: ${name} ${what} exceeds the limit of ${limit} (${ENV_NAME[name]}). Split the operation or ask for less.`,
    found === undefined ? { operationLimit: name, limit } : { operationLimit: name, limit, found },
  );
}

/**
 * The cost of a field: `base` (1) plus `multiplier` × its children's costs. A multiplier that depends on variables
 * (`first: $n`, `representations: $r`) is evaluated per request from this tiny plan; everything else is folded.
 */
type CostPlan = number | { base: number; children: CostPlan[]; multiplier: Multiplier };
type Multiplier = number | { variable: string; kind: "count" | "length"; fallback: number };

/** The operation limits wired into Apollo (parser, validation rules, the per-request cost of variable multipliers). */
export interface OperationGuard {
  /** Apollo `parseOptions`: the parser stops after `maxTokens` tokens. */
  readonly parseOptions: ParseOptions;
  /** Apollo `validationRules` (also used for subscriptions over WebSocket). */
  readonly validationRules: ValidationRule[];
  /** Names the limit on parser refusals and checks variable-dependent costs before execution. */
  readonly plugin: ApolloServerPlugin<BaseContext>;
  /**
   * The refusal of this request's variables, if its cost depends on them and exceeds the limit; undefined when
   * it is admitted. Constant costs were checked at validation and cost nothing here.
   */
  requestCostError(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): CodedError | undefined;
}

// graphql 16 spells it "more that N tokens"; accept both.
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more tha[nt] (\d+) tokens/;

/** Options of {@link createOperationGuard}. */
export interface OperationGuardOptions {
  /**
   * Largest `first` a connection accepts (config `maxPageSize`): a larger one is refused by the paging code before
   * any fetch, so it counts as this much. Default unbounded.
   */
  maxPageSize?: number;
}

export function createOperationGuard(schema: GraphQLSchema, limits: OperationLimits, options: OperationGuardOptions = {}): OperationGuard {
  const maxFirst = options.maxPageSize ?? Number.MAX_SAFE_INTEGER;
  // Plans per validated document (Apollo hands the same DocumentNode for the same text): built once per text.
  const plans = new WeakMap<DocumentNode, Map<string, CostPlan>>();

  const report = (name: OperationLimitName, limit: number) => (context: ValidationContext | null, error: GraphQLError) => {
    const found = Number(/found (\d+)/.exec(error.message)?.[1]);
    context?.reportError(operationLimitError(name, limit, Number.isFinite(found) ? found : undefined));
  };
  const armor = { propagateOnRejection: false, exposeLimits: true } as const;
  const validationRules: ValidationRule[] = [];
  if (limits.maxAliases > 0) validationRules.push(maxAliasesRule({ ...armor, n: limits.maxAliases, onReject: [report("aliases", limits.maxAliases)] }));
  if (limits.maxDepth > 0) validationRules.push(maxDepthRule({ ...armor, n: limits.maxDepth, onReject: [report("depth", limits.maxDepth)] }));
  if (limits.maxDirectives > 0) validationRules.push(maxDirectivesRule({ ...armor, n: limits.maxDirectives, onReject: [report("directives", limits.maxDirectives)] }));
  if (limits.maxCost > 0) {
    validationRules.push((context) => ({
      OperationDefinition(operation) {
        const plan = planOperation(schema, context.getDocument(), operation, maxFirst);
        const document = context.getDocument();
        let byOperation = plans.get(document);
        if (!byOperation) plans.set(document, (byOperation = new Map()));
        byOperation.set(operation.name?.value ?? "", plan);
        // Variables are unknown here: refuse what is too costly even with every variable multiplier at 1.
        const least = evaluate(plan, undefined, maxFirst);
        if (least > limits.maxCost) context.reportError(operationLimitError("cost", limits.maxCost, least));
        return false;
      },
    }));
  }

  function requestCostError(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): CodedError | undefined {
    if (limits.maxCost <= 0) return undefined;
    const byOperation = plans.get(document);
    const plan = byOperation?.get(operationName ?? "") ?? (byOperation?.size === 1 ? byOperation.values().next().value : undefined);
    if (plan === undefined || typeof plan === "number") return undefined;
    const cost = evaluate(plan, variables ?? {}, maxFirst);
    return cost > limits.maxCost ? operationLimitError("cost", limits.maxCost, cost) : undefined;
  }

  const plugin: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      return {
        async parsingDidStart() {
          return async (error) => {
            // graphql's own token limit: name it like the other limits (formatError codes it from `operationLimit`).
            const match = error && TOKEN_LIMIT_MESSAGE.exec(error.message);
            if (!match || !("extensions" in error)) return;
            const limit = Number(match[1]);
            error.message = operationLimitError("tokens", limit).message;
            Object.assign((error as GraphQLError).extensions, { operationLimit: "tokens", limit });
          };
        },
        async didResolveOperation({ document, operationName, request }) {
          const refusal = requestCostError(document, operationName ?? undefined, request.variables);
          // Apollo answers an error thrown here with 500 unless it carries its HTTP status.
          if (refusal) throw new CodedError(refusal.code, refusal.message, { ...refusal.extensions, http: { status: 400, headers: new HeaderMap() } });
        },
      };
    },
  };

  return {
    parseOptions: limits.maxTokens > 0 ? { maxTokens: limits.maxTokens } : {},
    validationRules,
    plugin,
    requestCostError,
  };
}

/**
 * Strips graphql's "Did you mean …?" suggestions (they describe the schema to anyone, even with introspection off),
 * as Apollo's `hideSchemaDetailsFromClientErrors` does for HTTP; used on the WebSocket path.
 */
export function withoutSuggestions<T extends { message: string }>(errors: readonly T[]): readonly T[] {
  for (const error of errors) error.message = error.message.replace(/ ?Did you mean(.+?)\?$/, "");
  return errors;
}

function evaluate(plan: CostPlan, variables: Record<string, unknown> | undefined, maxFirst: number): number {
  if (typeof plan === "number") return plan;
  let sum = 0;
  for (const child of plan.children) sum += evaluate(child, variables, maxFirst);
  return plan.base + multiplierValue(plan.multiplier, variables, maxFirst) * sum;
}

function multiplierValue(multiplier: Multiplier, variables: Record<string, unknown> | undefined, maxFirst: number): number {
  if (typeof multiplier === "number") return multiplier;
  if (variables === undefined) return 1;
  const value = variables[multiplier.variable];
  if (multiplier.kind === "length") return Array.isArray(value) ? Math.max(1, value.length) : multiplier.fallback;
  // A bad `first` (negative, huge, not a number) is refused by the paging code; here it counts as its fallback or 1.
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? Math.min(value, maxFirst) : multiplier.fallback;
}

/** The cost plan of one operation: constants folded, so a text without variable multipliers is a number. */
function planOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, maxFirst: number): CostPlan {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const variableDefaults = new Map<string, ValueNode | undefined>();
  for (const definition of operation.variableDefinitions ?? []) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  const root = operation.operation === "query" ? schema.getQueryType() : operation.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();

  function selections(set: SelectionSetNode, parent: GraphQLNamedType | undefined | null, visiting: Set<string>): CostPlan[] {
    const out: CostPlan[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === "__schema" || name === "__type") continue; // introspection is not what the limit is about
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        if (!selection.selectionSet) {
          out.push(1);
          continue;
        }
        const children = selections(selection.selectionSet, field ? getNamedType(field.type) : undefined, visiting);
        out.push(fold({ base: 1, children, multiplier: multiplierOf(selection.arguments ?? [], field) }));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        out.push(...selections(selection.selectionSet, type, visiting));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue; // unknown or cyclic: validation refuses the text anyway
        visiting.add(name);
        out.push(...selections(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), visiting));
        visiting.delete(name);
      }
    }
    return out;
  }

  function multiplierOf(args: readonly { name: { value: string }; value: ValueNode }[], field: GraphQLField<unknown, unknown> | undefined): Multiplier {
    const fieldDefault = field?.args.find((arg) => arg.name === "first")?.defaultValue;
    const fallbackFirst = typeof fieldDefault === "number" && fieldDefault > 0 ? fieldDefault : 1;
    for (const arg of args) {
      if (arg.name.value === "first") {
        if (arg.value.kind === Kind.INT) return Math.min(maxFirst, Math.max(1, Number(arg.value.value)));
        if (arg.value.kind === Kind.VARIABLE) {
          const declared = variableDefaults.get(arg.value.name.value);
          const fallback = declared?.kind === Kind.INT ? Math.max(1, Number(declared.value)) : fallbackFirst;
          return { variable: arg.value.name.value, kind: "count", fallback };
        }
        return fallbackFirst;
      }
      if (arg.name.value === "representations") {
        if (arg.value.kind === Kind.LIST) return Math.max(1, arg.value.values.length);
        if (arg.value.kind === Kind.VARIABLE) return { variable: arg.value.name.value, kind: "length", fallback: 1 };
      }
    }
    // A connection whose `first` is omitted fetches its default page.
    return fallbackFirst;
  }

  return fold({ base: 0, children: root ? selections(operation.selectionSet, root, new Set()) : [], multiplier: 1 });
}

function fold(plan: Exclude<CostPlan, number>): CostPlan {
  if (typeof plan.multiplier !== "number" || !plan.children.every((child) => typeof child === "number")) return plan;
  let sum = 0;
  for (const child of plan.children) sum += child as number;
  return plan.base + plan.multiplier * sum;
}
