#!/usr/bin/env node
// `npm start`'s pre-step: builds the operator console and GraphiQL bundles (Vite, ~5-12 s each on two cores) only when
// a bundle is missing or older than anything it is built from (its sources, its Vite config, package-lock.json), so a
// second `npm start` starts at once. `npm run build` and `npm test` always build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const bundles = [
  { name: "console", script: "build:console", sources: ["src/console"], built: "dist/console/index.html" },
  { name: "graphiql", script: "build:graphiql", sources: ["src/graphiql"], built: "dist/graphiql/index.html" },
];

/** The newest modification time under `path` (a file or a folder, walked). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

for (const bundle of bundles) {
  const built = join(root, bundle.built);
  const inputs = [...bundle.sources, "package-lock.json"].map((p) => join(root, p)).filter((p) => existsSync(p));
  const stale = !existsSync(built) || Math.max(...inputs.map(newest)) > statSync(built).mtimeMs;
  if (stale) execFileSync("npm", ["run", "--silent", bundle.script], { cwd: root, stdio: "inherit" });
  else console.log(`${bundle.name} bundle is up to date (${bundle.built})`);
}
