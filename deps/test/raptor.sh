#!/usr/bin/env bash
# Raptor's `rapper` (Debian's raptor2-utils): a parser nobody here wrote, reading the entity
# documents and dumps in tests/test_anywhere.py.
set -euo pipefail
command -v rapper >/dev/null && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq raptor2-utils >/dev/null
