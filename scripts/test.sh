#!/usr/bin/env bash
# The whole test suite, as a new user and CI run it: `npm test`.
# Installs the system packages some tests need (Redis server, Chromium) when missing and possible,
# type-checks, checks the committed SDL is current, builds, runs vitest, and ends with the plain
# line `N passed, N failed` that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages for the tests: ${need_apt[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}") >.tmp/apt.log 2>&1 \
      || echo "WARNING: apt-get install ${need_apt[*]} failed (see .tmp/apt.log); the tests that need them will say so."
  else
    echo "WARNING: ${need_apt[*]} missing and cannot be installed (not root or no apt-get): the tests that need them are SKIPPED (never in CI)."
  fi
fi

status=0
echo "== type check"
npx tsc --noEmit -p . || status=1
echo "== schema drift check"
npx tsx scripts/print-schema.ts --check || status=1
echo "== codegen drift check (offline: reads the committed schema.graphql, writes nothing)"
if ! npx graphql-codegen --config codegen.yml --check >.tmp/codegen-check.log 2>&1; then
  cat .tmp/codegen-check.log
  echo "test/generated/graphql.ts or src/console/src/gql/ (the console's typed documents and trusted-documents manifest) is out of date with schema.graphql, test/operations or the console's graphql() calls: run \`npm run schema && npm run codegen\` and commit."
  status=1
fi
echo "== build (the e2e tests run the built server with plain node)"
npx tsc -p tsconfig.build.json || status=1
echo "== operator console: type check and build (the browser tests load dist/console)"
npx tsc --noEmit -p src/console || status=1
npm run --silent build:console || status=1
echo "== GraphiQL 5: type check and build (GET /graphql serves dist/graphiql; the browser test loads it)"
npx tsc --noEmit -p src/graphiql || status=1
npm run --silent build:graphiql || status=1

echo "== vitest"
rm -f .tmp/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@" || status=1

node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
try {
  const r = JSON.parse(fs.readFileSync(".tmp/vitest.json", "utf8"));
  passed = r.numPassedTests; failed = r.numFailedTests + (r.numFailedTestSuites || 0);
  skipped = r.numPendingTests + r.numTodoTests;
} catch { failed = 1; console.error("no vitest report: the run did not complete"); }
if (process.argv[1] !== "0" && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
process.exit(failed === 0 ? 0 : 1);
' "$status"
