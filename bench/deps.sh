#!/usr/bin/env bash
# What `make bench` needs beyond pip: the load generator (wrk) and the reference SPARQL engine
# (Virtuoso), from Debian. Idempotent: installs only what is missing.
set -euo pipefail
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v virtuoso-t >/dev/null || missing+=(virtuoso-opensource)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "bench/deps.sh: need root to install ${missing[*]} (apt-get); install them, or run as root" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
