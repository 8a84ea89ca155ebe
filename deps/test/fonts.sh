#!/usr/bin/env bash
# CJK fonts (Noto Sans/Serif CJK, Debian's fonts-noto-cjk): without them a browser draws every
# Chinese character as a box, and tests/test_browser.py checks that it does not.
set -euo pipefail
dpkg -s fonts-noto-cjk >/dev/null 2>&1 && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq fonts-noto-cjk >/dev/null
