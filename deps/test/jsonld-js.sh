#!/usr/bin/env bash
# jsonld.js (the JSON-LD processor browsers' apps use, from npm) for tests/test_anywhere.py, in its
# own folder: installed beside the editor in node_modules/, npm would prune the editor.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=9.0.0
PREFIX=.venv/jsonld-js
if [ -f "$PREFIX/node_modules/jsonld/package.json" ] \
   && grep -q "\"version\": \"$VERSION\"" "$PREFIX/node_modules/jsonld/package.json"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm >/dev/null
fi
mkdir -p "$PREFIX"
npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$PREFIX" "jsonld@$VERSION" >/dev/null
