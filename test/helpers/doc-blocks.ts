// The fenced code blocks of the README and docs/, for the tests that run them as written.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./cli.js";

export interface DocBlock {
  /** `README.md:64`: the file and the line of the opening fence. */
  where: string;
  /** The file, relative to the repository's root. */
  file: string;
  lang: string;
  code: string;
}

/** A GraphQL block with the ```json block of its variables, when one follows it (see `graphqlDocBlocks`). */
export interface GraphQLDocBlock extends DocBlock {
  variables?: DocBlock;
}

function markdownFiles(): string[] {
  const files = [join(REPO_ROOT, "README.md"), join(REPO_ROOT, "examples/README.md")];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith(".md")) files.push(join(dir, entry.name));
    }
  };
  walk(join(REPO_ROOT, "docs"));
  return files;
}

interface Fence extends DocBlock {
  start: number;
  end: number;
}

function fences(file: string): Fence[] {
  const text = readFileSync(file, "utf8");
  const out: Fence[] = [];
  for (const m of text.matchAll(/^```([a-z]*)[^\n]*\n([\s\S]*?)^```/gm)) {
    const line = text.slice(0, m.index).split("\n").length;
    const name = relative(REPO_ROOT, file);
    out.push({ where: `${name}:${line}`, file: name, lang: m[1], code: m[2], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const plain = ({ where, file, lang, code }: Fence): DocBlock => ({ where, file, lang, code });

/** Every fenced block of the given languages, in file order. */
export function docBlocks(languages: readonly string[]): DocBlock[] {
  return markdownFiles().flatMap((file) => fences(file).filter((f) => languages.includes(f.lang)).map(plain));
}

/**
 * Every ```graphql block, in file order, each with its variables: the ```json block right after it (nothing but blank
 * lines and at most one line of text, such as "Variables:", between them), as a reader pastes it into GraphiQL's
 * variables pane. test/e2e/docs-graphql.test.ts runs them; `variableReference` reads the values that name an earlier
 * operation's answer.
 */
export function graphqlDocBlocks(): GraphQLDocBlock[] {
  const out: GraphQLDocBlock[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(file, "utf8");
    const all = fences(file);
    all.forEach((fence, i) => {
      if (fence.lang !== "graphql") return;
      const next = all[i + 1];
      const between = next ? text.slice(fence.end, next.start).trim() : "";
      const follows = next?.lang === "json" && !between.includes("\n");
      out.push({ ...plain(fence), ...(follows ? { variables: plain(next) } : {}) });
    });
  }
  return out;
}

/**
 * A variable's value that stands for part of an earlier operation's answer, written for the reader:
 * `"<upsertVendors.request.requestId from FirstVendor>"` is `data.upsertVendors.request.requestId` of the last answer
 * to the operation named FirstVendor above it in the same doc (a subscription's: its first event);
 * `"<… from FirstVendor in README.md>"` names another doc's. Other values are used as written.
 */
export function variableReference(value: unknown): { path: string[]; operation: string; file?: string } | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^<([\w.[\]]+) from (\w+)(?: in ([\w./-]+))?>$/.exec(value);
  if (!m) return undefined;
  return { path: m[1].split(/[.[\]]+/).filter((p) => p !== ""), operation: m[2], ...(m[3] ? { file: m[3] } : {}) };
}

/** A shell block's identity that survives edits around it: its file and its first command line. */
export function shellBlockKey(block: DocBlock): string {
  const first = block.code.split("\n").find((l) => l.trim() !== "" && !l.trim().startsWith("#")) ?? "";
  return `${block.where.replace(/:\d+$/, "")} ${first.trim()}`;
}
