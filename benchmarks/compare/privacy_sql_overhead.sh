#!/usr/bin/env bash
# Overhead of a DP query against the same plain aggregate query on the same engine (issue 5;
# target: at most 2x on PostgreSQL). Builds a table purchases(person_id, category, amount) of
# ROWS rows (default 10 million: ROWS/50 units of 50 rows, each unit spread over 5 of the 20
# categories, so the (unit, category) table has ROWS/10 rows) in SQLite and, when RAMPART_TEST_POSTGRES_URL is set, in PostgreSQL; then times
#   plain:  SELECT category, COUNT(*), SUM(amount), AVG(amount) FROM purchases GROUP BY category
#   dp:     the rewritten, contribution-bounded SQL of the same query (from --explain), same client
#   rampart: the whole `rampart privacy query` (parse, SQL, noise, output), wall clock
#   floor:  SELECT category, COUNT(*) FROM (SELECT person_id, category, COUNT(*) FROM purchases
#           GROUP BY person_id, category) GROUP BY category -- the least any per-unit bounding
#           must do (see every (unit, group) once); its ratio to plain is the lower bound of dp_sql
# Each timing is the median of REPS runs. The SQLite file is kept in WORK and reused. Plain, floor
# and DP run through the same client with the same server and session settings (printed, and
# none changed here: the server runs as configured, e.g. by scripts/with-postgres.sh).
#   usage: bash scripts/with-postgres.sh benchmarks/compare/privacy_sql_overhead.sh [RAMPART] [ROWS]
set -euo pipefail

RAMPART=${1:-build/default/cli/rampart}
ROWS=${2:-10000000}
UNITS=$((ROWS / 50))
REPS=${REPS:-3}
WORK=${WORK:-/tmp/rampart_sql_bench}
mkdir -p "$WORK"
DB="$WORK/purchases_${ROWS}.db"
SQL="SELECT category, COUNT(*) AS n, SUM(amount) AS total, AVG(amount) AS mean FROM purchases GROUP BY category"
FLOOR_SQL="SELECT category, COUNT(*) AS units FROM (SELECT person_id, category, COUNT(*) AS n FROM purchases GROUP BY person_id, category) AS per_unit GROUP BY category"
DP_FLAGS=(--privacy-unit person_id --epsilon 1 --delta 1e-6 --bounds amount=0:100
          --max-groups-per-unit 3 --max-rows-per-group 10)

now() { date +%s.%N; }
# Median wall time in seconds of REPS runs of "$@" (output discarded).
median_time() {
  local times=()
  for _ in $(seq "$REPS"); do
    local start end
    start=$(now)
    "$@" > /dev/null
    end=$(now)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}
rewritten_sql() {  # the bounded SQL rampart would run on this engine
  "$RAMPART" privacy query --db "$1" "${DP_FLAGS[@]}" --explain --format json "$SQL" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["sql"])'
}
report() {  # engine plain dp rampart floor
  printf '%-10s rows=%-9s plain=%7ss  dp_sql=%7ss (%.2fx)  rampart=%7ss (%.2fx)  floor=%7ss (%.2fx)\n' \
    "$1" "$ROWS" "$2" "$3" "$(echo "$3 / $2" | bc -l)" "$4" "$(echo "$4 / $2" | bc -l)" \
    "$5" "$(echo "$5 / $2" | bc -l)"
}

# --- SQLite ---------------------------------------------------------------------------------
if [[ ! -f "$DB" ]]; then
  echo "generating $DB ($ROWS rows, $UNITS units)..." >&2
  sqlite3 "$DB" "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
    CREATE TABLE purchases (person_id INTEGER, category TEXT, amount DOUBLE PRECISION);
    WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $ROWS - 1)
    INSERT INTO purchases SELECT i % $UNITS, 'c' || (((i % $UNITS) * 7 + (i / $UNITS) % 5) % 20),
                                 (abs(random()) % 10000) / 100.0 FROM s;"
fi
dp_sqlite=$(rewritten_sql "sqlite:$DB")
sqlite3 "$DB" "$SQL" > /dev/null  # warm the page cache
plain=$(median_time sqlite3 "$DB" "$SQL")
dp=$(median_time sqlite3 "$DB" "$dp_sqlite")
full=$(median_time "$RAMPART" privacy query --db "sqlite:$DB" "${DP_FLAGS[@]}" "$SQL")
floor=$(median_time sqlite3 "$DB" "$FLOOR_SQL")
echo "sqlite: $(sqlite3 --version | cut -d' ' -f1), default pragmas" >&2
report sqlite "$plain" "$dp" "$full" "$floor"

# --- PostgreSQL -----------------------------------------------------------------------------
if [[ -n "${RAMPART_TEST_POSTGRES_URL:-}" ]]; then
  URL=$RAMPART_TEST_POSTGRES_URL
  echo "generating the PostgreSQL table ($ROWS rows)..." >&2
  psql "$URL" -X -q -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS purchases" -c "
    CREATE TABLE purchases AS
    SELECT (i % $UNITS)::integer AS person_id,
           'c' || (((i % $UNITS) * 7 + (i / $UNITS) % 5) % 20) AS category,
           (floor(random() * 10000) / 100.0)::double precision AS amount
    FROM generate_series(0::bigint, $ROWS - 1) AS i" -c "VACUUM ANALYZE purchases"
  dp_pg=$(rewritten_sql "$URL")
  psql "$URL" -X -q -c "$SQL" > /dev/null
  plain=$(median_time psql "$URL" -X -q -c "$SQL")
  dp=$(median_time psql "$URL" -X -q -c "$dp_pg")
  full=$(median_time "$RAMPART" privacy query --db "$URL" "${DP_FLAGS[@]}" "$SQL")
  floor=$(median_time psql "$URL" -X -q -c "$FLOOR_SQL")
  echo "postgresql settings (same for every query): $(psql "$URL" -X -q -A -t -F' ' -c "
    SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name)
    FROM pg_settings WHERE name IN ('server_version', 'work_mem', 'hash_mem_multiplier', 'jit',
      'max_parallel_workers_per_gather', 'shared_buffers', 'effective_cache_size')")" >&2
  report postgresql "$plain" "$dp" "$full" "$floor"
else
  echo "postgresql: skipped (run under scripts/with-postgres.sh)" >&2
fi
