// Every ```graphql block of the README and docs/, run as written against the demo stack (managed mode, as `npm start`
// runs it, the emulator holding the demo data): queries and mutations over HTTP, subscriptions over graphql-ws until a
// first event or their completion. A doc's operations run in document order (a claim before its confirmation), each
// with the ```json variables block that follows its GraphQL block in the doc (values naming an earlier answer, such as
// "<upsertVendors.request.requestId from FirstVendor>", take it from that answer; see test/helpers/doc-blocks.ts).
// Each must answer without errors, or with the code a `# error: CODE` comment in it documents. The operations that
// cannot run against the demo are listed in GRAPHQL_NOT_RUN (docs-tour.blocks.ts) with why; any other that fails
// fails this test. Docs run one after another (the subscription gauge below tells when a subscriber is live); with
// DOCS_GRAPHQL_PRINT=1 every answer is printed.
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlDocBlocks, variableReference, type GraphQLDocBlock } from "../helpers/doc-blocks.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { subscribe, type Subscriber } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";
import { GRAPHQL_NOT_RUN, graphqlOperationKey } from "./docs-tour.blocks.js";

interface Operation {
  key: string;
  where: string;
  name: string | undefined;
  type: OperationDefinitionNode["operation"];
  block: GraphQLDocBlock;
  /** The variables it declares (a block's variables serve all its operations; each takes its own). */
  variableNames: string[];
  /** The code a `# error: CODE` comment in the operation documents. */
  expectedError?: string;
}

function operationsOf(block: GraphQLDocBlock): Operation[] {
  const document = parse(block.code);
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((op) => {
      const text = block.code.slice(op.loc!.start, op.loc!.end);
      return {
        key: graphqlOperationKey(block.file, op),
        where: block.where,
        name: op.name?.value,
        type: op.operation,
        block,
        variableNames: (op.variableDefinitions ?? []).map((v) => v.variable.name.value),
        expectedError: /#\s*error:\s*([A-Z_]+)/.exec(text)?.[1],
      };
    });
}

const byDoc = new Map<string, Operation[]>();
for (const block of graphqlDocBlocks()) {
  byDoc.set(block.file, [...(byDoc.get(block.file) ?? []), ...operationsOf(block)]);
}

/** Answers by "<file>#<operation name>" (the last one; a subscription's first event), for the variables that name them. */
const answers = new Map<string, unknown>();

/** `value` with every "<path from Operation>" replaced by that part of the operation's last answer. */
function resolveVariables(value: unknown, file: string): unknown {
  const ref = variableReference(value);
  if (ref) {
    const key = `${ref.file ?? file}#${ref.operation}`;
    if (!answers.has(key)) throw new Error(`${String(value)}: ${key} has not answered before`);
    let at: any = answers.get(key);
    for (const step of ref.path) at = at?.[step];
    if (at === undefined || at === null) throw new Error(`${String(value)}: nothing there in ${JSON.stringify(answers.get(key))}`);
    return at;
  }
  if (Array.isArray(value)) return value.map((v) => resolveVariables(v, file));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVariables(v, file)]));
  return value;
}

describe("every GraphQL block of the README and docs/, run as written against the demo", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ managed: {} });
  });
  afterAll(() => stack?.stop());

  async function activeSubscriptions(): Promise<number> {
    const res = await request(`${stack.gateway.origin}/metrics`);
    const text = await res.body.text();
    const line = text.split("\n").find((l) => l.startsWith("concur_graph_active_subscriptions "));
    return Number(line?.split(" ")[1] ?? Number.NaN);
  }

  /** POSTs the block as a reader's client (GraphiQL) does: the whole document, the operation by name. */
  async function post(op: Operation, variables: unknown): Promise<{ status: number; body: { data?: any; errors?: any[] } }> {
    const res = await request(stack.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` },
      body: JSON.stringify({ query: op.block.code, variables, ...(op.name ? { operationName: op.name } : {}) }),
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
    const text = await res.body.text();
    try {
      return { status: res.statusCode, body: JSON.parse(text) };
    } catch {
      return { status: res.statusCode, body: { errors: [{ message: `HTTP ${res.statusCode}: ${text.slice(0, 300)}` }] } };
    }
  }

  it("covers every doc with GraphQL blocks, and GRAPHQL_NOT_RUN lists only operations that exist", () => {
    expect([...byDoc.keys()]).toContain("README.md");
    const keys = new Set([...byDoc.values()].flat().map((op) => op.key));
    expect(Object.keys(GRAPHQL_NOT_RUN).filter((k) => !keys.has(k))).toEqual([]);
  });

  for (const [file, operations] of byDoc) {
    const run = operations.filter((op) => !(op.key in GRAPHQL_NOT_RUN));
    if (run.length === 0) continue;
    it(`${file}: ${run.map((op) => op.name ?? op.type).join(", ")}`, async () => {
      await waitFor(async () => (await activeSubscriptions()) === 0, 30_000, "no subscription left from the doc before");
      const failures: string[] = [];
      const subscriptions: { op: Operation; sub: Subscriber<unknown> }[] = [];
      const failed = (op: Operation, what: string) => failures.push(`${op.where} ${op.name ?? op.type}: ${what}`);
      const check = (op: Operation, errors: readonly { message: string; extensions?: { code?: unknown } }[] | undefined) => {
        const codes = (errors ?? []).map((e) => String(e.extensions?.code ?? e.message));
        if (op.expectedError) {
          if (!codes.includes(op.expectedError)) failed(op, `expected error ${op.expectedError}, got ${JSON.stringify(errors ?? "no error")}`);
        } else if (errors?.length) failed(op, `errors ${JSON.stringify(errors)}`);
      };
      try {
        for (const op of run) {
          let variables: Record<string, unknown>;
          try {
            const written = op.block.variables ? (JSON.parse(op.block.variables.code) as Record<string, unknown>) : {};
            variables = Object.fromEntries(Object.entries(written).filter(([name]) => op.variableNames.includes(name)).map(([name, v]) => [name, resolveVariables(v, file)]));
          } catch (error) {
            failed(op, `variables: ${String(error)}`);
            continue;
          }
          if (op.type === "subscription") {
            const before = await activeSubscriptions();
            const sub = subscribe(stack.gateway.wsUrl, stack.token, op.block.code, variables, op.name);
            subscriptions.push({ op, sub });
            // Live before the doc goes on (the blocks after it may be what it reports): it counts among the running
            // subscriptions, or it has already answered.
            await waitFor(async () => sub.events.length > 0 || sub.completed || sub.errors || (await activeSubscriptions()) > before, 30_000, "it to be live").catch((error) =>
              failed(op, String(error)),
            );
            continue;
          }
          const { status, body } = await post(op, variables);
          check(op, body.errors);
          if (!op.expectedError && status !== 200) failed(op, `HTTP ${status}`);
          if (!op.expectedError && (body.data === null || body.data === undefined)) failed(op, "no data");
          if (process.env.DOCS_GRAPHQL_PRINT) console.log(op.where, op.name, JSON.stringify(body).slice(0, 1500));
          if (op.name && body.data) answers.set(`${file}#${op.name}`, body.data);
        }
        for (const { op, sub } of subscriptions) {
          await waitFor(() => sub.events.length > 0 || sub.completed || sub.errors, 60_000, `${op.where} ${op.name}: a first event or its completion`).catch((error) =>
            failed(op, String(error)),
          );
          check(op, sub.errors);
          if (process.env.DOCS_GRAPHQL_PRINT) console.log(op.where, op.name, JSON.stringify(sub.events).slice(0, 1500));
          if (op.name && sub.events.length > 0) answers.set(`${file}#${op.name}`, sub.events[0]);
        }
      } finally {
        await Promise.all(subscriptions.map(({ sub }) => sub.close()));
      }
      expect(failures).toEqual([]);
    }, 240_000);
  }
});
