#!/bin/bash
# The nginx walk-through of docs/SERVE.md ("Try it with nginx") as written:
# the complete nginx.conf, the set-up commands and the curl calls are taken
# from the document, moved to free loopback ports, and run against real
# nginx, jwtguard serve and a Python backend. Each curl call must print the
# status in its trailing comment.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/serve_lib.sh"

DOC="$SRC/docs/SERVE.md"

# Prints the body of the fenced block whose opening fence is line $1.
block_after() {
    awk -v fence="$1" 'NR > fence && /^```/ { exit } NR > fence { print }' "$DOC"
}

CONF_FENCE=$(( $(grep -n -m1 '^# A complete nginx.conf' "$DOC" | cut -d: -f1) - 1 ))
TRY_LINE=$(grep -n -m1 '^### Try it with nginx' "$DOC" | cut -d: -f1)
SETUP_FENCE=$(awk -v t="$TRY_LINE" 'NR > t && /^```sh/ { print NR; exit }' "$DOC")
CURL_FENCE=$(awk -v t="$SETUP_FENCE" 'NR > t && /^```$/ { f = 1; next } f && /^```sh/ { print NR; exit }' "$DOC")
assert "doc has the complete nginx.conf" [ "$(sed -n "${CONF_FENCE}p" "$DOC")" = '```nginx' ]
assert "doc has the Try it part" [ -n "$TRY_LINE" ] && [ -n "$SETUP_FENCE" ] && [ -n "$CURL_FENCE" ]

NGINX_PORT=$(free_port)
AUTH_PORT=$(free_port)
APP_PORT=$(free_port)
# Moves the document's ports 8080 (nginx), 8081 (jwtguard) and 9000 (backend) to free ones.
move_ports() {
    sed -E "s/\\b8080\\b/$NGINX_PORT/g; s/\\b8081\\b/$AUTH_PORT/g; s/\\b9000\\b/$APP_PORT/g"
}
block_after "$CONF_FENCE" | move_ports > "$WORK/nginx.conf"
block_after "$SETUP_FENCE" | move_ports > "$WORK/setup.sh"
block_after "$CURL_FENCE" | move_ports > "$WORK/curl.sh"

assert "nginx.conf is the complete one" grep -q '^# A complete nginx.conf' "$WORK/nginx.conf"
assert "nginx.conf keeps its pid file in the prefix" grep -qx 'pid nginx.pid;' "$WORK/nginx.conf"
assert "set-up says where nginx.conf goes" grep -qx '# Save the complete nginx.conf as $D/nginx.conf.' "$WORK/setup.sh"
assert "four curl calls" [ "$(grep -c '^curl ' "$WORK/curl.sh")" = 4 ]

# The set-up runs in this shell from the repository root, with the built
# command and Debian's Python, and the comment line becomes the copy.
sed -i -e "s|^# Save the complete nginx.conf as \$D/nginx.conf.|cp \"\$WORK/nginx.conf\" \"\$D/nginx.conf\"|" \
    -e 's|build/jwtguard|"$JWTGUARD"|g' -e 's|^python3 |"$PY" |' "$WORK/setup.sh"
D=
trap 'stop_servers; rm -rf "$WORK" ${D:+"$D"}' EXIT
cd "$SRC"
# shellcheck disable=SC1091 # generated from the document above
source "$WORK/setup.sh"
for pid in $(jobs -p); do
    SERVE_PIDS+=("$pid")
done
wait_http "http://127.0.0.1:$AUTH_PORT/healthz"
wait_http "http://127.0.0.1:$APP_PORT/"
wait_http "http://127.0.0.1:$NGINX_PORT/"
assert "nginx wrote its pid into the scratch folder" [ -s "$D/nginx.pid" ]

# As root, the nginx.conf must also pass nginx -t as the unprivileged user
# nobody in a folder that nobody owns. A non-root run of the test shows it anyway.
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
    mkdir "$WORK/as-nobody"
    cp "$WORK/nginx.conf" "$WORK/as-nobody/nginx.conf"
    chown -R nobody "$WORK/as-nobody"
    chmod 711 "$WORK"
    assert "nginx.conf runs as nobody from its folder" \
        runuser -u nobody -- nginx -q -t -p "$WORK/as-nobody" -c nginx.conf -e error.log
    chmod 700 "$WORK"
fi

# Each curl call prints the status in its comment: "... # 200" or "# 403: why".
while IFS= read -r line; do
    [[ "$line" == curl* ]] || continue
    expected=$(echo "$line" | sed -E 's/.*# ([0-9]{3}).*/\1/')
    got=$(eval "$line")
    assert "doc call prints $expected, got $got: ${line%%  #*}" [ "$got" = "$expected" ]
done < "$WORK/curl.sh"

log_settle
assert "allowed request logged" grep -q '"status":200,"reason":"ok"' "$D/events.log"
assert "POST denied for its scope" grep -q '"status":403,"reason":"insufficient_scope"' "$D/events.log"
assert "unknown path denied" grep -q '"status":403,"reason":"no_route"' "$D/events.log"

finish
