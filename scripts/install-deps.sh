#!/usr/bin/env bash
# Installs, from Debian's packages, everything rampart needs to build, test, benchmark and run CI.
# Idempotent: when every package is already installed it does nothing. The package lists live in
# scripts/deps/*.txt (one file per module, one package per line, '#' comments), so that a module
# adds its packages without touching the others.
#   usage: scripts/install-deps.sh [--print]     (--print: only list the missing packages)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$here"/deps/*.txt | grep -v '^$' | sort -u)

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi
if [[ "${1:-}" == "--print" ]]; then
  printf '%s\n' "${missing[@]}"
  exit 0
fi

apt_line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: missing packages and neither root nor passwordless sudo; run as root:" >&2
  echo "  apt-get update && $apt_line" >&2
  exit 2
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# shellcheck disable=SC2086
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
