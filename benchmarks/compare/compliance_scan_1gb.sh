#!/usr/bin/env bash
# Value-scan throughput of the compliance detector on a generated CSV with mixed personal data
# (default 1024 MB), side by side with the Python `re` baseline (Presidio-style pattern
# recognizers) on a slice of the same file (default the first 50 MB: the baseline runs at ~2 MB/s,
# and its per-byte cost is flat across the file because every row has the same layout).
# Reports MB/s per core from CPU time (the fair figure on a shared machine), the ratio, and the
# peak RSS of the scan (/usr/bin/time -v) to show that memory stays bounded by the 4 MiB block.
#   usage: BENCH=build/release/benchmarks/compliance_scan_bench \
#            benchmarks/compare/compliance_scan_1gb.sh [SIZE_MB] [BASELINE_MB]
# The generated file lives in a temporary directory (WORK_DIR to choose it) and is deleted at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=${BENCH:-build/release/benchmarks/compliance_scan_bench}
python=${PYTHON:-python3}
size_mb=${1:-1024}
baseline_mb=${2:-50}
[[ -x "$bench" ]] || { echo "no benchmark binary at $bench (build the release preset)" >&2; exit 2; }
work=${WORK_DIR:-$(mktemp -d)}
mkdir -p "$work"
csv="$work/compliance_scan_mixed.csv"
trap 'rm -f "$csv"; [[ -n "${WORK_DIR:-}" ]] || rm -rf "$work"' EXIT

need_kb=$((size_mb * 1100))  # the file plus 10 %
avail_kb=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
if ((avail_kb < need_kb)); then
  echo "need ${need_kb} KiB free in $work, have ${avail_kb} KiB" >&2
  exit 1
fi

echo "load before: $(uptime)"
"$python" "$here/compliance_regex_baseline.py" --generate "$csv" --mb "$size_mb"
bytes=$(stat -c %s "$csv")

RAMPART_BENCH_CSV="$csv" /usr/bin/time -v "$bench" --benchmark_filter=BM_ValueScanFile \
  --benchmark_format=json > "$work/bench.json" 2> "$work/time.txt"
read -r scan_cpu_s scan_wall_s detections < <("$python" - "$work/bench.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["benchmarks"][0]
scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[run["time_unit"]]
print(run["cpu_time"] * scale, run["real_time"] * scale, int(run["detections"]))
PY
)
process_cpu_s=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/time.txt")
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")

"$python" "$here/compliance_regex_baseline.py" --scan "$csv" --max-mb "$baseline_mb" \
  > "$work/baseline.txt"
eval "$(awk '/^RESULT/ {for (i = 2; i <= NF; ++i) print "py_" $i}' "$work/baseline.txt")"

echo "load after: $(uptime)"
awk -v bytes="$bytes" -v cpu="$scan_cpu_s" -v wall="$scan_wall_s" -v pcpu="$process_cpu_s" \
    -v det="$detections" -v rss="$peak_kb" -v pyb="$py_bytes" -v pycpu="$py_cpu_s" \
    -v pywall="$py_wall_s" -v pydet="$py_detections" 'BEGIN {
  ours = bytes / 1e6 / cpu; theirs = pyb / 1e6 / pycpu;
  printf "\n| run | data | CPU time | MB/s per core (CPU) | wall MB/s | detections | peak RSS |\n";
  printf "|---|---|---|---|---|---|---|\n";
  printf "| rampart value scan (4 MiB blocks) | %.1f MB | %.2f s (process %.2f s) | **%.1f** | %.1f | %d | %.0f MB |\n",
         bytes / 1e6, cpu, pcpu, ours, bytes / 1e6 / wall, det, rss / 1024;
  printf "| Python re baseline (17 patterns) | first %.1f MB | %.2f s | %.3f | %.3f | %d | - |\n",
         pyb / 1e6, pycpu, theirs, pyb / 1e6 / pywall, pydet;
  printf "\nratio (CPU time): **%.0fx**; targets: >= 300 MB/s per core and >= 50x\n", ours / theirs;
}'
