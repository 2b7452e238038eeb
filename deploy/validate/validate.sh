#!/usr/bin/env bash
# Offline validation of deploy/k8s (kustomize overlays) and deploy/docker.
#
#   bash deploy/validate/validate.sh               # validate + self-test
#   bash deploy/validate/validate.sh --no-self-test
#
# What it does:
#   1. makes sure its tools are there (idempotent; installs only what is
#      missing: kubectl with kustomize v4+, Node.js >= 18, and the npm
#      packages pinned in deploy/validate/package-lock.json);
#   2. renders base, overlays/dev and overlays/prod with `kubectl kustomize`;
#   3. validates every object against the Kubernetes API schemas, offline
#      (kubernetes-models), and rejects unknown/misspelled fields (TypeScript
#      excess-property check against the same models' types);
#   4. checks project policy (probes, securityContext, resources, secrets by
#      reference only, required settings per container, PDB/HPA/Service/
#      Ingress consistency, NetworkPolicy reachability);
#   5. lints the Dockerfiles (dockerfile-utils) and checks pins, USER, restore
#      layering and the build context;
#   6. self-test: feeds ~30 deliberately broken variants through the same
#      checks and fails if any of them is accepted.
# Needs the network only for step 1 on a fresh machine (Debian + npm registry).
# Exit status: 0 ok, 1 validation errors, 2 missing tools, 3 validator crash.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

log() { printf '%s\n' "$*" >&2; }
die() { log "validate.sh: $*"; exit 2; }

apt_updated=0
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    die "missing $*; install it (apt-get install -y $*) or run as root"
  fi
  if [ "$apt_updated" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "validate.sh: installing $* (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- kubectl with an embedded kustomize v4+ ----------------------------------
kustomize_major() {
  kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p' | head -1
}
if ! command -v kubectl >/dev/null 2>&1; then
  # Debian's kubernetes-client; the project machines ship a newer kubectl.
  apt_install kubernetes-client
fi
major="$(kustomize_major)"
if [ -z "$major" ] || [ "$major" -lt 4 ]; then
  die "kubectl $(kubectl version --client 2>/dev/null | head -1) has no kustomize v4+ (need kubectl >= 1.21: the overlays use resources/patches/labels syntax). Install a newer kubectl."
fi

# --- Node.js --------------------------------------------------------------------
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
[ "$(node_major)" -ge 18 ] || die "Node.js >= 18 needed (have $(node --version 2>/dev/null || echo none))"

# --- npm packages (pinned by package-lock.json), installed once -------------
stamp="node_modules/.betterdata-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "validate.sh: installing npm packages (npm ci)"
  # kubernetes-models declares node >= 22 but runs on 18/20; the engine
  # warning is expected and harmless here.
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null 2>npm-ci.log \
    || { cat npm-ci.log >&2; rm -f npm-ci.log; die "npm ci failed"; }
  rm -f npm-ci.log
  printf '%s' "$want" > "$stamp"
fi

exec node validate.mjs "$@"
