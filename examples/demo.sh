#!/usr/bin/env bash
# `make demo`: runs rampart on the bundled example data. Each module's walkthrough lives in
# examples/<module>/demo.sh and is run here when present.
#   usage: examples/demo.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export RAMPART="$build/cli/rampart"

echo "\$ rampart --help"
"$RAMPART" --help
echo
echo "\$ consumer examples/consumer/data.csv   (a report rendered through the installed C++ API)"
bash "$here/consumer/test.sh" "$build" "$build/demo-consumer" 2>/dev/null | sed -n '/^# rampart/,/^| gaussian/p'
for module in privacy robustness compliance; do
  if [[ -x "$here/$module/demo.sh" ]]; then
    echo
    echo "=== $module"
    bash "$here/$module/demo.sh"
  fi
done
