#!/usr/bin/env bash
# A walkthrough of the privacy noise verbs: calibrate a mechanism, then release noisy values.
#   RAMPART=build/default/cli/rampart examples/privacy/demo.sh
set -euo pipefail
RAMPART=${RAMPART:?set RAMPART to the rampart executable}

run() {
  echo "\$ rampart $*"
  "$RAMPART" "$@"
  echo
}

# How much noise does a count with sensitivity 1 need at epsilon = 1, delta = 1e-5?
run privacy calibrate --mechanism gaussian --epsilon 1 --delta 1e-5 --sensitivity 1
# The same as JSON, for scripts (scale for the Laplace family, sigma for the Gaussian family).
run privacy calibrate --mechanism laplace --epsilon 0.5 --sensitivity 1 --format json
# Release a count of 1234 five times with exact discrete Laplace noise (secure randomness).
run privacy sample --mechanism discrete-laplace --epsilon 0.5 --sensitivity 1 --value 1234 -n 5
# A real value: the outputs lie on the power-of-two grid reported by calibrate (no low-bit leak).
run privacy sample --mechanism laplace --epsilon 1 --sensitivity 10 --value 52.37 -n 3
# Reproducible draws for a simulation: --seed warns that the output is NOT private.
run privacy sample --mechanism discrete-gaussian --epsilon 1 --delta 1e-6 --sensitivity 1 \
  --value 100 -n 3 --seed 7
# Bad parameters are refused with exit code 2 and one line.
echo "\$ rampart privacy calibrate --mechanism gaussian --epsilon 1 --delta 0 --sensitivity 1"
"$RAMPART" privacy calibrate --mechanism gaussian --epsilon 1 --delta 0 --sensitivity 1 ||
  echo "(exit code $?)"
