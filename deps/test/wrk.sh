#!/usr/bin/env bash
# wrk, the HTTP load generator of the load smoke test (tests/test_load_smoke.py, bench/load/).
set -euo pipefail
command -v wrk >/dev/null && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq wrk >/dev/null
