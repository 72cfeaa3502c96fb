#!/usr/bin/env bash
# Streams a generated CSV of about SIZE_MB megabytes (default 1024) through
# `rampart compliance minimize` and reports wall time, throughput and peak RSS (/usr/bin/time -v),
# to show that memory stays bounded whatever the input size. Suppression is on, so the input is
# read twice; only the distinct quasi-identifier combinations are held in memory.
#   usage: RAMPART=build/release/cli/rampart benchmarks/compare/compliance_minimize_1gb.sh [SIZE_MB]
set -euo pipefail
rampart=${RAMPART:-rampart}
size_mb=${1:-1024}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ~110-byte rows: id, e-mail, birth date, postcode, gender, salary, a quoted free-text note.
awk -v target=$((size_mb * 1024 * 1024)) 'BEGIN {
  srand(42);
  print "id,email,birth,zip,gender,salary,note";
  bytes = 0;
  for (i = 0; bytes < target; ++i) {
    line = sprintf("%d,user%d@example.com,%d-%02d-%02d,%05d,%s,%d,\"free text, with a comma\"",
                   i, i, 1940 + int(rand() * 60), 1 + int(rand() * 12), 1 + int(rand() * 28),
                   int(rand() * 100000), (rand() < 0.5 ? "F" : "M"), 20000 + int(rand() * 80000));
    print line;
    bytes += length(line) + 1;
  }
}' > "$work/people.csv"

cat > "$work/policy.yaml" <<'YAML'
quasi_identifiers:
  - table: people
    columns: [birth, zip, gender]
    k: 5
minimize:
  people:
    email:  {action: pseudonymize, key_env: BENCH_HMAC_KEY}
    birth:  {action: generalize, to: year}
    zip:    {action: generalize, to: "prefix:2"}
    salary: {action: generalize, to: "band:10000"}
    gender: {action: suppress}
    note:   {action: drop}
YAML

export BENCH_HMAC_KEY=benchmark-key-0123456789abcdef
bytes=$(stat -c %s "$work/people.csv")
rows=$(($(wc -l < "$work/people.csv") - 1))
/usr/bin/time -v "$rampart" compliance minimize --policy "$work/policy.yaml" \
  --in "$work/people.csv" --out "$work/people.min.csv" --format json \
  > "$work/report.json" 2> "$work/time.txt"
seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
  for (i = 1; i <= n; ++i) s = s * 60 + t[i]; print s}' "$work/time.txt")
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
echo "input: $((bytes / 1024 / 1024)) MiB, $rows rows"
echo "wall: ${seconds} s, throughput: $(awk -v b="$bytes" -v s="$seconds" 'BEGIN {printf "%.1f", b / 1048576 / s}') MiB/s (input read twice)"
cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/time.txt")
echo "cpu (user+sys): ${cpu} s, $(awk -v b="$bytes" -v s="$cpu" 'BEGIN {printf "%.1f", b / 1048576 / s}') MiB/s of CPU"
echo "peak RSS: $((peak_kb / 1024)) MiB"
grep -E '"(rows_in|rows_out|rows_suppressed|k_achieved)"' "$work/report.json" | tr -d ' ,'
