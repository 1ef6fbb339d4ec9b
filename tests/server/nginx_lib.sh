# shellcheck shell=bash
# Starts a real Debian nginx in front of jwtguard serve for the gateway tests
# and benchmark; sourced after serve_lib.sh. Everything nginx writes stays in
# $WORK/nginx.

# Writes $WORK/nginx/nginx.conf: one server on port $1 whose "location /"
# is protected by auth_request to the jwtguard upstream on port $2 and
# proxies to the upstream on port $3; "location /dead/" sends its auth requests to port $4.
write_nginx_conf() {
    local port=$1 auth=$2 app=$3 dead=$4 dir="$WORK/nginx"
    mkdir -p "$dir/tmp"
    cat > "$dir/nginx.conf" <<EOF_CONF
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    upstream jwtguard { server 127.0.0.1:$auth; keepalive 32; }
    upstream jwtguard_dead { server 127.0.0.1:$dead; keepalive 4; }
    upstream app { server 127.0.0.1:$app; keepalive 16; }

    server {
        listen 127.0.0.1:$port;

        location = /_auth {
            internal;
            proxy_pass http://jwtguard/auth/nginx;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI \$request_uri;
            proxy_set_header X-Original-Method \$request_method;
            proxy_set_header X-Real-IP \$remote_addr;
        }
        location = /_auth_dead {
            internal;
            proxy_pass http://jwtguard_dead/auth/nginx;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI \$request_uri;
            proxy_set_header X-Original-Method \$request_method;
        }
        location / {
            auth_request /_auth;
            auth_request_set \$user \$upstream_http_x_user_id;
            auth_request_set \$tenant \$upstream_http_x_tenant;
            proxy_set_header X-User-Id \$user;
            proxy_set_header X-Tenant \$tenant;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass http://app;
        }
        location /dead/ {
            auth_request /_auth_dead;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass http://app;
        }
    }
}
EOF_CONF
}

# Starts nginx with $WORK/nginx/nginx.conf and records its pid for stop_servers.
start_nginx() {
    local dir="$WORK/nginx"
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g "daemon off; pid $dir/nginx.pid;" &
    SERVE_PIDS+=($!)
}

# Starts the echo upstream on a free port; sets APP_PORT.
start_echo() {
    APP_PORT=$(free_port)
    "$PY" "$SRC/tests/server/echo_upstream.py" "$APP_PORT" &
    SERVE_PIDS+=($!)
    wait_http "http://127.0.0.1:$APP_PORT/"
}
