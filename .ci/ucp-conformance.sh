#!/usr/bin/env bash
# The UCP project's conformance suite against a fresh server: the embedded store in a temporary
# folder, the flower_shop data set imported into the demo tenant (tax and fee 0, as the suite's
# totals expect), simulated shipping on, outbound calls to localhost allowed (the suite's agent
# profile and webhook receiver run there). Fails unless every test passes (one is skipped
# upstream). Usage: bash .ci/ucp-conformance.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE="../shared/ucp-conformance"
PORT="${UCP_CONFORMANCE_PORT:-4590}"
DATA="$(mktemp -d)"
export DATA_DIR="$DATA" PORT HOST=127.0.0.1 SEED_DEMO=false LOG_LEVEL=warn \
  SIMULATION_SECRET="conformance-$(date +%s)-secret" ALLOW_PRIVATE_OUTBOUND=true \
  GATEWAY_KEY="conformance-gateway-key-0123456789" OUTBOX_SINK=log
unset DATABASE_URL CHECKOUT_SESSION_STORE

node bin/ordersession.mjs import "$SUITE/suite/test_data/flower_shop" --tenant demo
node bin/ordersession.mjs serve > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 90); do
  curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$DATA/server.log"; echo "server died"; exit 1; }
  sleep 1
done
curl -sf -X PUT "http://127.0.0.1:$PORT/api/admin/settings/pricing" \
  -H "x-gateway-key: $GATEWAY_KEY" -H 'x-user-id: ci' -H 'x-user-role: admin' -H 'x-tenant-id: demo' \
  -H 'content-type: application/json' \
  -d '{"taxRateBp":0,"feeRateBp":0,"roundingMode":"half_up","shippingFlatCents":0}' > /dev/null

status=0
"$SUITE/run.sh" "http://127.0.0.1:$PORT" "$SIMULATION_SECRET" | tee "$DATA/conformance.log" || status=$?
last="$(tail -1 "$DATA/conformance.log")"
if [ "$status" -ne 0 ] || ! [[ "$last" =~ ^[1-9][0-9]*\ passed,\ 0\ failed,\ [01]\ skipped$ ]]; then
  echo "UCP conformance: not every test passed ($last)"; tail -30 "$DATA/server.log"; exit 1
fi
echo "UCP conformance: $last"
