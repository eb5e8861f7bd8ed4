#!/usr/bin/env node
/** Entry point of `concur-graph` (npx concur-graph …, npm run cli -- …): its own process, so it reads its own environment. */
import { readCliEnvironment, runCli } from "./program.js";

const code = await runCli(process.argv.slice(2), readCliEnvironment(process.env), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
