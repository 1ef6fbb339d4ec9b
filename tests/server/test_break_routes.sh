#!/bin/bash
# Route matching of jwtguard serve against original URIs that servers
# behind the gateway may read differently. The policy has a catch-all "/"
# route, so a URI that escapes /admin is allowed unless the service reads
# it as that server does. A HEAD request, which servers handle with their
# GET handler, is checked the same way. Each case checks the status and
# the reason of the decision event.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/serve_lib.sh"
source "$JWG_SOURCE_DIR/tests/server/break_lib.sh"

cd "$WORK"
write_break_policy policy.yaml "routes:
  - method: GET
    path_prefix: /orders
    scope_any_of: [orders:read]
  - method: \"*\"
    path_prefix: /admin
    scope_all_of: [orders:admin]
  - method: GET
    path_prefix: /status
    scope_all_of: [orders:admin]
  - method: HEAD
    path_prefix: /status
  - method: \"*\"
    path_prefix: /"
start_serve --policy policy.yaml

READER=$(sign_with hs.key --sub alice --claim 'scope="orders:read"')
NOBODY=$(sign_with hs.key --sub bob)

# One nginx check per row: expected status | expected reason | token variable | method | X-Original-URI | why.
route_table() {
    local status reason token method uri why got event
    while IFS='|' read -r status reason token method uri why; do
        status=$(echo "$status" | tr -d ' ')
        [ -n "$status" ] && [ "${status:0:1}" != "#" ] || continue
        reason=$(echo "$reason" | tr -d ' ')
        token=$(echo "$token" | tr -d ' ')
        method=$(echo "$method" | tr -d ' ')
        uri=$(echo "$uri" | tr -d ' ')
        got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${!token}" \
            -H "X-Original-Method: $method" -H "X-Original-URI: $uri" "$SERVE_URL/auth/nginx")
        assert "$why: status $got, expected $status [$method $uri]" [ "$got" = "$status" ]
        log_settle
        event=$(grep '"event":"decision"' "$SERVE_LOG" | tail -1)
        assert "$why: reason in $event, expected $reason" \
            jq -e --arg r "$reason" '.reason == $r' <<< "$event" > /dev/null
    done
}

route_table <<'EOF_TABLE'
# The plain cases that the others are measured against.
200 | ok                 | READER | GET  | /public              | catch-all route allows any token
403 | insufficient_scope | READER | GET  | /admin               | admin route needs orders:admin
200 | ok                 | READER | GET  | /orders/7            | orders route with its scope
403 | insufficient_scope | NOBODY | GET  | /orders/7            | orders route without its scope
# Tomcat drops ";parameters" before it resolves "..", so these reach /admin there.
403 | insufficient_scope | READER | GET  | /public/..;/admin    | "..;" is ".." for Tomcat
403 | insufficient_scope | READER | GET  | /public/..;x=1/admin | "..;x=1" is ".." for Tomcat
403 | insufficient_scope | READER | GET  | /admin;x=1           | path parameter on the admin segment
403 | insufficient_scope | READER | GET  | /admin;              | empty path parameter
403 | insufficient_scope | READER | GET  | /x/.;/../admin       | ".;" is "." for Tomcat
403 | insufficient_scope | NOBODY | GET  | /orders;v=1/7        | both routes apply, orders needs its scope
200 | ok                 | READER | GET  | /orders;v=1/7        | both routes apply and both allow
# An escaped ";" is a literal character for every server, so it is no parameter.
200 | ok                 | READER | GET  | /admin%3Bx           | %3B is part of the segment name
# Servers handle HEAD with their GET handler, so HEAD must pass the GET route too.
403 | insufficient_scope | NOBODY | HEAD | /orders/7            | HEAD needs the scope of GET
200 | ok                 | READER | HEAD | /orders/7            | HEAD with the scope of GET
403 | insufficient_scope | NOBODY | HEAD | /orders;x/7          | HEAD and ;parameters together
200 | ok                 | NOBODY | POST | /orders/7            | other methods take the * route
# A route that names HEAD is the operator's choice and applies alone.
200 | ok                 | READER | HEAD | /status              | explicit HEAD route, no scope
403 | insufficient_scope | READER | GET  | /status              | GET of the same path needs admin
EOF_TABLE

finish
