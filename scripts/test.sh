#!/usr/bin/env bash
# The one test command (`npm test`, called by .ci/run): installs what the tests need, checks types,
# lint and format, checks the generated docs against their sources, rebuilds dist/ and fails
# when it differs from the committed one (new files included), provisions the real services and tools
# the tests start, then runs the four tiers (unit, bundle, integration, runner) and prints a closing
# "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== typecheck, lint, format"
npm run typecheck
npm run lint

echo "== no import points up the pipeline"
node scripts/layers.mjs

echo "== generated docs match their sources (action.yml, src/graph/schema.ts)"
node --import tsx scripts/docs.mjs --check

echo "== dist/ is up to date"
npm run build >/dev/null
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ differs from a fresh build: run 'npm run build' and commit dist/" >&2
  git status --porcelain -- dist >&2
  exit 1
fi

echo "== services"
bash scripts/provision.sh

echo "== tests"
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.cache/vitest.json || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  if (r.numTotalTests === 0) process.exit(1);
' || status=1
exit "$status"
