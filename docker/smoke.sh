#!/usr/bin/env bash
# Smoke test of a running deployment, through its front door: signs up, creates a team and an API
# key, calls the gateway with the key, sees the calls counted in the key's usage, and checks that
# every replica behind the load balancer answered.
#
#   docker/smoke.sh                                   # docker/compose.yaml (LB on :4000 and :8080)
#   PORTAL_URL=http://127.0.0.1:4000 GATEWAY_URL=http://127.0.0.1:8080 \
#     REPLICA_HEADER=x-portal-worker PORTAL_REPLICAS=2 GATEWAY_REPLICAS=1 docker/smoke.sh
#                                                     # a local `pnpm start` (WEB_CONCURRENCY=2)
#                                                     # and `pnpm gateway`
#
# Settings (environment):
#   PORTAL_URL        the portal's base URL                  (default http://localhost:4000)
#   GATEWAY_URL       the gateway's base URL                 (default http://localhost:8080)
#   REPLICA_HEADER    the response header naming who answered (default x-served-by, set by HAProxy)
#   PORTAL_REPLICAS   distinct portal answerers to expect    (default 2)
#   GATEWAY_REPLICAS  distinct gateway answerers to expect   (default 2)
#   KEY_ENVIRONMENT   PRODUCTION or DEVELOPMENT              (default PRODUCTION)
#   SERVICE_TOKEN     when set, GET /metrics is checked with it too
#   WAIT_SECONDS      how long to wait for both to be ready  (default 90)
# Needs curl and jq. Exits 0 when every check passed, 1 at the first that did not (saying which).
set -euo pipefail

PORTAL_URL=${PORTAL_URL:-http://localhost:4000}
GATEWAY_URL=${GATEWAY_URL:-http://localhost:8080}
REPLICA_HEADER=${REPLICA_HEADER:-x-served-by}
PORTAL_REPLICAS=${PORTAL_REPLICAS:-2}
GATEWAY_REPLICAS=${GATEWAY_REPLICAS:-2}
KEY_ENVIRONMENT=${KEY_ENVIRONMENT:-PRODUCTION}
WAIT_SECONDS=${WAIT_SECONDS:-90}
CALLS=3

fail() {
  echo "smoke: FAIL: $*" >&2
  exit 1
}
ok() { echo "smoke: ok: $*"; }

for tool in curl jq; do command -v "$tool" >/dev/null || fail "$tool is needed"; done

# Waits until a URL answers 200.
ready() {
  local url=$1 deadline=$((SECONDS + WAIT_SECONDS))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ]; do
    [ $SECONDS -lt $deadline ] || fail "$url did not answer 200 within ${WAIT_SECONDS} s"
    sleep 1
  done
  ok "$url answers 200"
}

# POST /graphql: gql <query> <variables JSON> [authorization header value]; prints the body.
gql() {
  local body
  body=$(jq -cn --arg q "$1" --argjson v "$2" '{query: $q, variables: $v}')
  curl -sS -X POST "$PORTAL_URL/graphql" -H 'content-type: application/json' \
    ${3:+-H "authorization: $3"} --data "$body"
}

# The distinct values of REPLICA_HEADER over a number of requests (each curl is its own connection).
answerers() {
  local url=$1 n=$2
  for _ in $(seq 1 "$n"); do
    curl -s -o /dev/null -D - "$url" | tr -d '\r' |
      awk -v h="$(echo "$REPLICA_HEADER" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == h { print $2 }'
  done | sort -u
}

ready "$PORTAL_URL/readyz"
ready "$GATEWAY_URL/__gateway/healthz"

email="smoke-$(date +%s)-$RANDOM@example.test"
signup=$(gql 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }' \
  "$(jq -cn --arg e "$email" '{i: {email: $e, name: "Smoke Test", password: "smoke test password"}}')")
token=$(jq -er '.data.signUp.token' <<<"$signup") || fail "sign-up: $signup"
ok "signed up $email"
session="Bearer $token"

team=$(gql 'mutation { createTeam(input: { name: "Smoke" }) { id } }' '{}' "$session")
team_id=$(jq -er '.data.createTeam.id' <<<"$team") || fail "createTeam: $team"
ok "created team $team_id"

key=$(gql 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }' \
  "$(jq -cn --arg t "$team_id" --arg env "$KEY_ENVIRONMENT" \
    '{i: {teamId: $t, name: "smoke", environment: $env, expiration: "DAYS_30"}}')" "$session")
secret=$(jq -er '.data.createApiKey.secret' <<<"$key") || fail "createApiKey: $key"
key_id=$(jq -er '.data.createApiKey.apiKey.id' <<<"$key")
ok "created a $KEY_ENVIRONMENT key $key_id"

# The gateway: without a key refused, with it forwarded to the upstream.
status=$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY_URL/smoke")
[ "$status" = 401 ] || fail "the gateway answered $status without a key (expected 401)"
for i in $(seq 1 $CALLS); do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $secret" "$GATEWAY_URL/smoke/$i")
  [ "$status" = 200 ] || fail "gateway call $i with the key answered $status (expected 200 from the upstream)"
done
ok "the gateway forwarded $CALLS calls with the key (and refused one without)"

# Counted: the gateway writes its counts at least once a second; the portal reads them.
from=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v-1H +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+1H +%Y-%m-%dT%H:%M:%SZ)
usage_vars=$(jq -cn --arg id "$key_id" --arg f "$from" --arg t "$to" '{id: $id, from: $f, to: $t}')
deadline=$((SECONDS + 20))
while :; do
  usage=$(gql 'query($id: ID!, $from: DateTime!, $to: DateTime!) { apiKey(id: $id) { usage(from: $from, to: $to, interval: HOUR) { totalRequests } } }' \
    "$usage_vars" "$session")
  counted=$(jq -r '.data.apiKey.usage.totalRequests // empty' <<<"$usage")
  [ -n "$counted" ] || fail "usage query: $usage"
  [ "$counted" -ge $CALLS ] && break
  [ $SECONDS -lt $deadline ] || fail "the key's usage shows $counted requests after 20 s (expected $CALLS)"
  sleep 1
done
[ "$counted" -eq $CALLS ] || fail "the key's usage shows $counted requests (expected exactly $CALLS)"
ok "the key's usage counts the $CALLS gateway calls"

# Every replica answered (the load balancer, or the portal's workers, name who answered).
portal_seen=$(answerers "$PORTAL_URL/healthz" $((PORTAL_REPLICAS * 4)) | wc -l)
[ "$portal_seen" -ge "$PORTAL_REPLICAS" ] ||
  fail "$portal_seen distinct portal answerers in $REPLICA_HEADER (expected $PORTAL_REPLICAS)"
ok "$portal_seen portal replicas answered"
if [ "$GATEWAY_REPLICAS" -gt 1 ]; then
  gateway_seen=$(answerers "$GATEWAY_URL/__gateway/healthz" $((GATEWAY_REPLICAS * 4)) | wc -l)
  [ "$gateway_seen" -ge "$GATEWAY_REPLICAS" ] ||
    fail "$gateway_seen distinct gateway answerers in $REPLICA_HEADER (expected $GATEWAY_REPLICAS)"
  ok "$gateway_seen gateways answered"
fi

if [ -n "${SERVICE_TOKEN:-}" ]; then
  status=$(curl -s -o /dev/null -w '%{http_code}' "$PORTAL_URL/metrics")
  [ "$status" = 401 ] || fail "GET /metrics without a token answered $status (expected 401)"
  metrics=$(curl -sS -H "authorization: Bearer $SERVICE_TOKEN" "$PORTAL_URL/metrics")
  grep -q '^portal_graphql_operations_total{type="mutation",status="200"}' <<<"$metrics" ||
    fail "GET /metrics with the service token has no mutation count"
  ok "GET /metrics: 401 without the token, Prometheus text with it"
fi

echo "smoke: PASS"
