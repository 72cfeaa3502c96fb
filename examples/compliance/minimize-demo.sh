#!/usr/bin/env bash
# Minimizes the synthetic HR extract people.csv with policy.yaml: names and notes dropped, e-mails
# pseudonymized (HMAC-SHA-256), phones masked, birth dates to the year, postcodes to 2 digits,
# salaries to bands, coordinates rounded, and the rows of rare (year, postcode, gender)
# combinations suppressed until k = 3 holds. Prints the report and the first rows of the result.
#   usage: RAMPART=build/default/cli/rampart examples/compliance/minimize-demo.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rampart=${RAMPART:-rampart}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The pseudonymization key: from a secret store in real life (key_env or key_file in the policy);
# a fixed demo key here so that the output is reproducible. Never commit a real key.
export RAMPART_HMAC_KEY=${RAMPART_HMAC_KEY:-demo-key-0123456789abcdef0123456789}

"$rampart" compliance minimize --policy "$here/policy.yaml" \
  --in "$here/people.csv" --out "$out/people.min.csv" --format markdown
echo
echo "First rows of the minimized file:"
head -n 4 "$out/people.min.csv"
