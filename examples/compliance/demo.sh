#!/usr/bin/env bash
# Walkthrough of `rampart compliance`: detect personal data in text, classify every column of the
# bundled schemas (PostgreSQL and MySQL DDL, a JSON Schema, a sampled CSV) and of a live SQLite
# database, audit them against the example policy (HTML and SARIF reports into the build
# directory, the --fail-on gate and a baseline), and minimize a CSV extract. Run from anywhere;
# RAMPART is the built executable (make demo sets it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RAMPART=${RAMPART:?set RAMPART to the rampart executable, e.g. build/default/cli/rampart}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "\$ echo '...' | rampart compliance detect --format table"
printf '%s\n' \
  "Refund to IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111, call +49 30 901820" \
  "Not a card: 4111 1111 1111 1112 (Luhn fails); not an IBAN: DE88 3704 0044 0532 0130 00" \
  | "$RAMPART" compliance detect --format table

echo
echo "\$ rampart compliance scan examples/compliance --format markdown"
"$RAMPART" compliance scan "$here" --format markdown --sample-rows 500

echo
echo "\$ rampart compliance scan --db sqlite:shop.db --format json   (a live database, read-only)"
db="$work/shop.db"
if command -v sqlite3 >/dev/null 2>&1; then
  sqlite3 "$db" <<'SQL'
CREATE TABLE customers (id INTEGER PRIMARY KEY, contact TEXT, pay_ref TEXT, visits INTEGER, remark TEXT);
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, price REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO customers (contact, pay_ref, visits, remark)
SELECT 'user' || i || '@example.org', 'GB82WEST12345698765432', i % 17,
       CASE i % 3 WHEN 0 THEN 'asked to be called on +44 20 7946 0958' ELSE 'no remarks for now' END
FROM n;
INSERT INTO products (name, price) VALUES ('chair', 49.5), ('table', 120);
SQL
  "$RAMPART" compliance scan --db "sqlite:$db" --sample-rows 100 --format json |
    python3 -c 'import json, sys
doc = json.load(sys.stdin)
for c in doc["columns"]:
    print("%-22s %-5s %-20s %-18s %.2f" % (c["table"] + "." + c["column"], c["personal"],
          c["category"], c["entity"], c["confidence"]))'
else
  echo "(sqlite3 not installed: skipped)"
fi

echo
echo "=== audit: the schemas against the example policy (purposes, Art. 9, retention, k-anonymity)"
# The reports go next to the executable's build tree (build/default/compliance-report.html).
build_dir=$(cd "$(dirname "$RAMPART")/.." && pwd)
# From the repository root, so that report paths (and SARIF URIs) are relative to it.
cd "$here/../.."
policy=examples/compliance/policy.yaml
echo "\$ rampart compliance scan examples/compliance --policy $policy --format markdown"
"$RAMPART" compliance scan examples/compliance --policy "$policy" --sample-rows 500 \
  --format markdown | sed -n '/^# Compliance audit/,/^## Recommendations/p' | sed '$d'
"$RAMPART" compliance scan examples/compliance --policy "$policy" --sample-rows 500 \
  --format html --output "$build_dir/compliance-report.html"
"$RAMPART" compliance scan examples/compliance --policy "$policy" --sample-rows 500 \
  --format sarif --output "$build_dir/compliance-report.sarif"
echo
echo "HTML report for people: $build_dir/compliance-report.html"
echo "SARIF for code scanning: $build_dir/compliance-report.sarif"

echo
echo "\$ rampart compliance scan ... --fail-on high      (the CI gate: exit 1 on high findings)"
set +e
"$RAMPART" compliance scan examples/compliance --policy "$policy" --sample-rows 500 \
  --fail-on high --output "$work/gate.json"
echo "exit code: $?"
echo "\$ rampart compliance baseline ... && rampart compliance scan ... --baseline FILE --fail-on high"
"$RAMPART" compliance baseline examples/compliance --policy "$policy" --sample-rows 500 \
  --output "$work/baseline.json"
"$RAMPART" compliance scan examples/compliance --policy "$policy" --sample-rows 500 \
  --fail-on high --baseline "$work/baseline.json" --output "$work/gate.json"
echo "exit code: $? (every finding is in the baseline: only new ones fail)"
set -e

echo
echo "=== minimize: apply the example policy to a CSV extract"
RAMPART="$RAMPART" bash "$here/minimize-demo.sh"
