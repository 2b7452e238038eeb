#!/usr/bin/env bash
# The one test command: installs what the tests need, validates the deploy manifests offline,
# then builds and runs every test (grain, API, PostgreSQL and multi-process) in Release.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL tests start their own throwaway server from the installed binaries (or use
# ConnectionStrings__Postgres). They never skip: without a server they fail.
if [ -z "${ConnectionStrings__Postgres:-}" ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing PostgreSQL server binaries (apt-get install postgresql)…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL server binaries are missing: run 'sudo apt-get install -y postgresql' or set ConnectionStrings__Postgres." >&2
    exit 1
  fi
fi

bash deploy/validate/validate.sh

log=$(mktemp)
status=0
dotnet test BetterData.Grains.sln -c Release --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?

# The failed tests again near the end, with their messages, so a long log's tail names them.
awk '/^  Failed [^ ]/ { n = 30 }
     n > 0 && /^  (Passed|Skipped) / { n = 0 }
     n > 0 { print; n-- }' "$log"
# One closing line with the totals of every test assembly.
awk '/^Total tests:/ { block = 1 }
     block && /^ +Passed: /  { p += $2 }
     block && /^ +Failed: /  { f += $2 }
     block && /^ +Skipped: / { s += $2 }
     /^ *Total time:/ { block = 0 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
