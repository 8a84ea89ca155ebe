#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the browser test (tests/test_browser.py).
# Debian's packages only: a browser download by a test tool fails on these machines.
set -euo pipefail
if command -v chromium >/dev/null && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver >/dev/null
