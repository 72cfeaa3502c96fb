#!/usr/bin/env bash
# A walkthrough of rampart privacy: calibrate a mechanism, release noisy values, then answer an
# aggregate SQL query with differential privacy against a budget ledger.
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

# ---- A differentially private SQL query with a budget ledger ----
# A small synthetic shop database (3 000 people, ~50 000 rows; fixed seed) in a scratch directory.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$(dirname "$0")/generate_db.py" "$work/shop.db" 3000
run privacy budget init --ledger "$work/budget.db" --dataset shop --epsilon 1.5 --delta 1e-5 \
  --accountant basic
# Bound each person to 2 categories and 5 purchases per category, clamp amounts to [0, 200].
run privacy query --db "sqlite:$work/shop.db" --privacy-unit person_id --epsilon 1 --delta 1e-6 \
  --bounds amount=0:200 --max-groups-per-unit 2 --max-rows-per-group 5 \
  --ledger "$work/budget.db" --dataset shop \
  "SELECT category, COUNT(*) AS purchases, AVG(amount) AS mean_amount FROM purchases
   GROUP BY category ORDER BY category"
run privacy budget status --ledger "$work/budget.db" --dataset shop
# The same query again would need epsilon 1 more than the 0.5 left: refused, exit 3, no output.
echo "\$ rampart privacy query ... (the same query again)"
"$RAMPART" privacy query --db "sqlite:$work/shop.db" --privacy-unit person_id --epsilon 1 \
  --delta 1e-6 --bounds amount=0:200 --max-groups-per-unit 2 --max-rows-per-group 5 \
  --ledger "$work/budget.db" --dataset shop \
  "SELECT category, COUNT(*) AS purchases, AVG(amount) AS mean_amount FROM purchases
   GROUP BY category ORDER BY category" || echo "(exit code $?)"
