import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const EMULATOR_DIR = resolve(import.meta.dirname, "../../../src/emulator");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

/** Every relative import specifier of a file, resolved to an absolute path. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => resolve(file, "..", m[1]));
}

describe("emulator boundaries", () => {
  const files = sourceFiles(EMULATOR_DIR);

  it("never imports gateway code (anything outside src/emulator)", () => {
    const outside = files.flatMap((f) =>
      relativeImports(f).filter((target) => relative(EMULATOR_DIR, target).startsWith("..")).map((t) => `${relative(EMULATOR_DIR, f)} -> ${t}`));
    expect(outside).toEqual([]);
  });

  it("keeps core free of any emulated API (core imports only core)", () => {
    const core = join(EMULATOR_DIR, "core");
    const leaks = files
      .filter((f) => f.startsWith(core))
      .flatMap((f) => relativeImports(f).filter((t) => !t.startsWith(core)).map((t) => `${relative(EMULATOR_DIR, f)} -> ${relative(EMULATOR_DIR, t)}`));
    expect(leaks).toEqual([]);
  });

  it("keeps the emulated APIs apart (an API folder imports only itself and core)", () => {
    const apis = readdirSync(EMULATOR_DIR, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== "core").map((e) => e.name);
    const leaks: string[] = [];
    for (const api of apis) {
      const own = join(EMULATOR_DIR, api);
      for (const f of files.filter((x) => x.startsWith(own + "/"))) {
        for (const t of relativeImports(f)) {
          if (!t.startsWith(own + "/") && !t.startsWith(join(EMULATOR_DIR, "core") + "/")) leaks.push(`${relative(EMULATOR_DIR, f)} -> ${relative(EMULATOR_DIR, t)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
