#!/usr/bin/env bash
# OpenLink Virtuoso (Debian's virtuoso-opensource) for the `kb push` tests: installed here,
# started on free loopback ports by a test fixture (tests/test_push.py), never as a service.
set -euo pipefail
if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -o DPkg::Lock::Timeout=600
apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends virtuoso-opensource >/dev/null
