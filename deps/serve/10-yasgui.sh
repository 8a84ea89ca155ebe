#!/usr/bin/env bash
# The SPARQL editor served at /sparql (YASGUI, from the npm registry) into node_modules/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.6.2
if [ -f "node_modules/@zazuko/yasgui/build/yasgui.min.js" ] \
   && grep -q "\"version\": \"$VERSION\"" node_modules/@zazuko/yasgui/package.json; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm >/dev/null
fi
npm install --no-save --no-audit --no-fund --no-package-lock --prefix . "@zazuko/yasgui@$VERSION" >/dev/null
