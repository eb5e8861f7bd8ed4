// The fenced code blocks of the README and docs/, for the tests that run them as written.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./cli.js";

export interface DocBlock {
  /** `README.md:64`: the file and the line of the opening fence. */
  where: string;
  lang: string;
  code: string;
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

/** Every fenced block of the given languages, in file order. */
export function docBlocks(languages: readonly string[]): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^```([a-z]*)[^\n]*\n([\s\S]*?)^```/gm)) {
      if (!languages.includes(m[1])) continue;
      const line = text.slice(0, m.index).split("\n").length;
      blocks.push({ where: `${relative(REPO_ROOT, file)}:${line}`, lang: m[1], code: m[2] });
    }
  }
  return blocks;
}

/** A shell block's identity that survives edits around it: its file and its first command line. */
export function shellBlockKey(block: DocBlock): string {
  const first = block.code.split("\n").find((l) => l.trim() !== "" && !l.trim().startsWith("#")) ?? "";
  return `${block.where.replace(/:\d+$/, "")} ${first.trim()}`;
}
