// docs/configuration.md, generated from src/config.ts: every environment variable the gateway reads, with the TSDoc
// of the setting it fills (meaning, default, form). `npm run docs:config` writes it; `--check` (and
// test/unit/config-reference.test.ts) fails when the page is stale or when config.ts reads a variable its TSDoc
// does not name — so the reference cannot lie and a new variable cannot go undocumented.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";

export const ROOT = resolve(import.meta.dirname, "..");
export const CONFIG_SOURCE = join(ROOT, "src/config.ts");
export const REFERENCE_PAGE = join(ROOT, "docs/configuration.md");

/** One documented setting: the variables its TSDoc names after "Env", and that TSDoc as one paragraph. */
export interface ConfigEntry {
  group: string;
  setting: string;
  variables: string[];
  doc: string;
}

const VARIABLE = /`([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`/g;

/** The settings of config.ts whose TSDoc says which variable sets them ("Env `NAME` …"), in source order. */
export function configEntries(source: string): ConfigEntry[] {
  const file = ts.createSourceFile("config.ts", source, ts.ScriptTarget.ES2022, true);
  const entries: ConfigEntry[] = [];
  const visit = (node: ts.Node, group: string, path: string[]) => {
    if (ts.isInterfaceDeclaration(node)) {
      node.members.forEach((m) => visit(m, node.name.text, []));
      return;
    }
    if (ts.isPropertySignature(node)) {
      const name = node.name.getText(file);
      const doc = ts
        .getJSDocCommentsAndTags(node)
        .filter(ts.isJSDoc)
        .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
      const variables = new Set<string>();
      // The variables named from the first "Env" on ("Env `PORT`, default 4000"; "env `A` or `A_FILE`").
      const from = doc.search(/\b[Ee]nvs?\b/);
      if (from >= 0) for (const m of doc.slice(from).matchAll(VARIABLE)) variables.add(m[1]);
      if (variables.size > 0) entries.push({ group, setting: [...path, name].join("."), variables: [...variables], doc });
      if (node.type && ts.isTypeLiteralNode(node.type)) node.type.members.forEach((m) => visit(m, group, [...path, name]));
      return;
    }
    ts.forEachChild(node, (child) => visit(child, group, path));
  };
  visit(file, "", []);
  return entries;
}

/** Variables config.ts reads by name (`env.NAME`, `env["NAME"]`, `(env, "NAME"`). */
export function variablesRead(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\[\s*"([A-Z][A-Z0-9_]+)"\s*\]|,\s*"([A-Z][A-Z0-9_]+)")/g)) names.add(m[1] ?? m[2] ?? m[3]);
  return [...names].sort();
}

/** Variables read (statically, plus any `extra` seen at run time) that no setting's TSDoc names. */
export function undocumentedVariables(source: string, extra: Iterable<string> = []): string[] {
  const documented = new Set(configEntries(source).flatMap((e) => e.variables));
  return [...new Set([...variablesRead(source), ...extra])].filter((name) => !documented.has(name)).sort();
}

const GROUP_TITLES: Record<string, string> = {
  GatewayConfig: "Gateway",
  ManagedModeConfig: "Managed mode (the gateway holds company tokens)",
  OperationLimits: "Operation limits",
  TracingConfig: "Traces (OpenTelemetry)",
  FilesConfig: "Posting by file (Extracts, Payment Batches, downloads)",
};

const cell = (text: string) => text.replace(/\|/g, "\\|");

export function renderReference(source: string): string {
  const entries = configEntries(source);
  const groups = [...new Set(entries.map((e) => e.group))];
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated from src/config.ts by `npm run docs:config`; do not edit by hand (the tests fail when it is stale). -->",
    "",
    "The gateway reads its environment once at start (`src/config.ts`, the only reader of `process.env`); a bad value stops",
    "the start with a message that says what to fix. Unset variables take the defaults below. The `concur-graph` CLI reads",
    "`DATABASE_URL` and `CONNECTION_ENCRYPTION_KEYS` the same way (`concur-graph --help`).",
    "",
  ];
  for (const group of groups) {
    lines.push(`## ${GROUP_TITLES[group] ?? group}`, "", "| variable | setting | meaning, default and form |", "|---|---|---|");
    for (const e of entries.filter((x) => x.group === group)) {
      lines.push(`| ${e.variables.map((v) => `\`${v}\``).join(", ")} | \`${e.setting}\` | ${cell(e.doc)} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const source = readFileSync(CONFIG_SOURCE, "utf8");
  const missing = undocumentedVariables(source);
  if (missing.length > 0) {
    console.error(`src/config.ts reads ${missing.join(", ")} without naming it in a setting's TSDoc ("Env \`NAME\`, default …").`);
    process.exit(1);
  }
  const page = renderReference(source);
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(REFERENCE_PAGE, "utf8");
    } catch {
      // missing: stale
    }
    if (current !== page) {
      console.error("docs/configuration.md is out of date with src/config.ts: run `npm run docs:config` and commit.");
      process.exit(1);
    }
  } else {
    writeFileSync(REFERENCE_PAGE, page);
    console.log(`wrote ${REFERENCE_PAGE}`);
  }
}
