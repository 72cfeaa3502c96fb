#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server: initdb in a temporary directory as an
# unprivileged user, listening only on 127.0.0.1 at a free port, trust authentication; exports
# RAMPART_TEST_POSTGRES_URL for the command, then stops the server and deletes its data.
# Without PostgreSQL's server binaries the command runs anyway and the PostgreSQL tests skip.
#   usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "with-postgres: no PostgreSQL server installed; PostgreSQL tests will be skipped" >&2
  exec "$@"
fi

run_as=()
if [[ $(id -u) -eq 0 ]]; then
  # initdb refuses to run as root: use the postgres system user created by Debian's package.
  id postgres >/dev/null 2>&1 || { echo "with-postgres: no 'postgres' user" >&2; exit 2; }
  run_as=(runuser -u postgres --)
fi

data=$(mktemp -d /tmp/rampart-pg.XXXXXX)
chmod 755 "$data"
[[ ${#run_as[@]} -gt 0 ]] && chown postgres "$data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)

cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT

"${run_as[@]}" "$bindir/initdb" -D "$data/db" -U rampart --auth=trust --no-sync -E UTF8 >"$data/initdb.log" 2>&1 ||
  { cat "$data/initdb.log" >&2; exit 2; }
"${run_as[@]}" "$bindir/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c full_page_writes=off" start >/dev/null ||
  { cat "$data/server.log" >&2; exit 2; }
"${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U rampart rampart_test

export RAMPART_TEST_POSTGRES_URL="postgresql://rampart@127.0.0.1:$port/rampart_test"
echo "with-postgres: server at $RAMPART_TEST_POSTGRES_URL" >&2
"$@"
