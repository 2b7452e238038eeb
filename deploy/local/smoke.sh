#!/usr/bin/env bash
# Against a running deploy/local cluster: N signed Shopify webhooks sent round-robin to every API node,
# one silo stopped with SIGTERM half-way, then every acknowledged product read back. Exits non-zero if any
# acknowledged webhook is missing from grain state.
#   deploy/local/cluster.sh up 3 2 && deploy/local/smoke.sh [N=200] && deploy/local/cluster.sh down
set -euo pipefail
state="${BETTERDATA_LOCAL_STATE:-/tmp/betterdata-local}"
n=${1:-200}
admin="$(cat "$state/admin-key")"
mapfile -t apis < <(for f in "$state"/api-*.pid; do k=$(basename "$f" .pid); echo "http://127.0.0.1:$((5200 + ${k#api-}))"; done)
secret="smoke-shopify-secret"
tenant="smoke-$(date +%s)"
shop="$tenant.myshopify.com"

key=$(curl -fsS -X POST "${apis[0]}/api/tenants" -H "Authorization: Bearer $admin" -H 'content-type: application/json' \
  -d "{\"name\":\"smoke\",\"id\":\"$tenant\"}" | sed -E 's/.*"apiKey":"([^"]+)".*/\1/')
curl -fsS -o /dev/null -X PUT "${apis[0]}/api/tenants/$tenant/connections/shopify" -H "Authorization: Bearer $key" \
  -H 'content-type: application/json' -d "{\"shopDomain\":\"$shop\",\"webhookSecret\":\"$secret\"}"

acked=(); failed=0
for i in $(seq 1 "$n"); do
  api=${apis[$(( i % ${#apis[@]} ))]}
  body="{\"id\":$((900000 + i)),\"title\":\"Smoke $i\",\"status\":\"active\",\"updated_at\":\"2026-01-01T00:00:00Z\",\"images\":[],\"variants\":[{\"id\":$((800000 + i)),\"sku\":\"SMOKE-$i\",\"price\":\"1.00\",\"inventory_item_id\":$((700000 + i))}]}"
  sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -binary | base64)
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$api/webhooks/shopify" -H 'content-type: application/json' \
    -H "X-Shopify-Topic: products/create" -H "X-Shopify-Shop-Domain: $shop" -H "X-Shopify-Hmac-Sha256: $sig" \
    -H "X-Shopify-Event-Id: smoke-$tenant-$i" --data-binary "$body" || true)
  if [ "$code" = 200 ]; then acked+=("$((900000 + i))"); else failed=$((failed + 1)); fi
  if [ "$i" = $((n / 2)) ]; then "$(dirname "$0")/cluster.sh" stop-silo 2 >/dev/null & fi
done
wait

lost=0
for id in "${acked[@]}"; do
  curl -fsS -o /dev/null "${apis[0]}/api/tenants/$tenant/products/$id" -H "Authorization: Bearer $key" || lost=$((lost + 1))
done
echo "smoke: sent $n round-robin to ${#apis[@]} API nodes, acknowledged ${#acked[@]}, refused $failed, lost $lost (silo-2 stopped with SIGTERM half-way)"
[ "$lost" = 0 ]
