// `npm run schema`: writes schema.graphql (client SDL) and subgraph.graphql (federation SDL).
// `--check`: fails when the committed files differ from the code (CI drift check).
import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { printClientSdl, printSubgraphSdl } from "../src/schema/build.js";

const check = process.argv.includes("--check");
const outputs: Array<[string, string]> = [
  ["schema.graphql", await printClientSdl()],
  ["subgraph.graphql", await printSubgraphSdl()],
];
let stale = 0;
for (const [file, sdl] of outputs) {
  const content = `${sdl.trimEnd()}\n`;
  if (check) {
    let committed = "";
    try {
      committed = readFileSync(file, "utf8");
    } catch {
      /* missing counts as stale */
    }
    if (committed !== content) {
      stale++;
      console.error(`${file} is out of date with the code: run \`npm run schema\` and commit it.`);
    }
  } else {
    writeFileSync(file, content);
    console.log(`wrote ${file}`);
  }
}
process.exit(stale ? 1 : 0);
