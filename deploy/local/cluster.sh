#!/usr/bin/env bash
# A whole cluster on one machine: a throwaway PostgreSQL, N silo processes and M API (Orleans client)
# processes on loopback ports. Everything it starts is recorded by process id and stopped by `down`.
#
#   deploy/local/cluster.sh up [SILOS=3] [APIS=2]   build, start, print URLs
#   deploy/local/cluster.sh status                  what is running
#   deploy/local/cluster.sh stop-silo K             SIGTERM silo K (graceful leave)
#   deploy/local/cluster.sh down                    stop everything, delete the database
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
state="${BETTERDATA_LOCAL_STATE:-/tmp/betterdata-local}"
pg_port="${PG_PORT:-55432}"
silo_http_base=5100; silo_port_base=11200; gateway_base=30200; api_http_base=5200
admin_key_file="$state/admin-key"
secrets_key_file="$state/secrets-key"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {
  local bin; bin="$(pg_bin)"
  [ -n "$bin" ] || { echo "PostgreSQL binaries missing: apt-get install -y postgresql" >&2; exit 1; }
  mkdir -p "$state/pg"
  [ "$(id -u)" = 0 ] && chown -R postgres "$state/pg"
  as_pg "$bin/initdb" -D "$state/pg/data" -A trust -U postgres -E UTF8 >/dev/null
  as_pg "$bin/pg_ctl" -D "$state/pg/data" -l "$state/pg/server.log" -w \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $state/pg/data -c max_connections=300" start >/dev/null
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres betterdata
}

start_host() { # project name http-port [extra env...]
  local project=$1 name=$2 http=$3; shift 3
  env "$@" ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=betterdata" \
    Admin__ApiKey="$(cat "$admin_key_file")" Secrets__Keys__local="$(cat "$secrets_key_file")" Orleans__ClusterId=local Orleans__SiloName="$name" \
    STRIPE_WEBHOOK_SECRET="${STRIPE_WEBHOOK_SECRET:-whsec_local_stripe}" WEBHOOK_SECRET="${WEBHOOK_SECRET:-local_betterdata_secret}" \
    Webhooks__PublicBaseUrl="http://127.0.0.1:$api_http_base" Shutdown__DrainDelay=00:00:02 \
    nohup dotnet "$root/$project/bin/Release/net10.0/BetterData.$project.dll" --urls "http://127.0.0.1:$http" \
    >"$state/$name.log" 2>&1 &
  echo "$!" >"$state/$name.pid"
}

wait_ready() { # url
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1/health/ready" 2>/dev/null && return 0; sleep 1; done
  echo "not ready: $1 (see $state/*.log)" >&2; return 1
}

up() {
  local silos=${1:-3} apis=${2:-2}
  [ ! -e "$state/pg/data" ] || { echo "already up ($state); run down first" >&2; exit 1; }
  mkdir -p "$state"
  dotnet build "$root/BetterData.Grains.sln" -c Release -v q -nologo >/dev/null
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/bd_admin_/' >"$admin_key_file"
  head -c 32 /dev/urandom | base64 >"$secrets_key_file"
  start_postgres
  for k in $(seq 1 "$silos"); do
    start_host Silo "silo-$k" $((silo_http_base + k)) Orleans__SiloPort=$((silo_port_base + k)) Orleans__GatewayPort=$((gateway_base + k))
    # The first silo applies the schema; the rest start together to show the advisory lock at work.
    [ "$k" = 1 ] && wait_ready "http://127.0.0.1:$((silo_http_base + 1))"
  done
  for k in $(seq 1 "$silos"); do wait_ready "http://127.0.0.1:$((silo_http_base + k))"; done
  for k in $(seq 1 "$apis"); do start_host Api "api-$k" $((api_http_base + k)) Orleans__Mode=Client; done
  for k in $(seq 1 "$apis"); do wait_ready "http://127.0.0.1:$((api_http_base + k))"; done
  echo "cluster up: $silos silos, $apis API nodes (state in $state)"
  for k in $(seq 1 "$apis"); do echo "  API        http://127.0.0.1:$((api_http_base + k))   (OpenAPI UI /docs)"; done
  for k in $(seq 1 "$silos"); do echo "  dashboard  http://127.0.0.1:$((silo_http_base + k))/dashboard   (user admin, password = admin key)"; done
  echo "  admin key  in $admin_key_file"
  echo "  postgres   Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=betterdata"
}

status() {
  for f in "$state"/*.pid; do
    [ -e "$f" ] || continue
    local pid; pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$f" .pid): running (pid $pid)"; else echo "$(basename "$f" .pid): stopped"; fi
  done
}

stop_silo() {
  local pid; pid=$(cat "$state/silo-$1.pid")
  kill -TERM "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
  echo "silo-$1 stopped"
}

down() {
  for f in "$state"/*.pid; do
    [ -e "$f" ] || continue
    local pid; pid=$(cat "$f")
    kill -TERM "$pid" 2>/dev/null || true
  done
  for f in "$state"/*.pid; do
    [ -e "$f" ] || continue
    local pid; pid=$(cat "$f")
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  if [ -e "$state/pg/data" ]; then as_pg "$(pg_bin)/pg_ctl" -D "$state/pg/data" -m fast -w stop >/dev/null || true; fi
  rm -rf "$state"
  echo "cluster down"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  status) status ;;
  stop-silo) stop_silo "$2" ;;
  down) down ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac
