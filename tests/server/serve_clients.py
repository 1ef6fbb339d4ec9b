"""Clients for the jwtguard serve tests that curl cannot play.

keepalive PORT PID TOKEN_A TOKEN_B
    On one HTTP/1.1 connection: token A is allowed, SIGHUP is sent to PID
    (the test rotated the key first), then on the same connection A gets
    401 and B 200. Prints "ok" or what differed.
slowloris PORT COUNT TIMEOUT
    Opens COUNT connections that send one header byte every second, checks
    that a normal request still gets a response within 1 s, then that the slow
    connections are closed by the server within TIMEOUT + 3 s.
slowbody PORT COUNT TIMEOUT
    Opens COUNT connections that send complete headers of a POST to
    /auth/envoy/x announcing a 60000-byte body, then one body byte every
    second. Checks that the server closes them all within TIMEOUT + 3 s and
    that /healthz then responds within 1 s. Prints "ok" or what differed.
"""
import http.client
import os
import signal
import socket
import sys
import time


def check(conn, path, token, expected):
    conn.request("GET", path, headers={"Authorization": "Bearer " + token,
                                       "X-Original-Method": "GET",
                                       "X-Original-URI": "/public/x"})
    resp = conn.getresponse()
    resp.read()
    if resp.status != expected:
        return "status %d, expected %d" % (resp.status, expected)
    return None


def keepalive(port, pid, token_a, token_b):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    failure = check(conn, "/auth/nginx", token_a, 200)
    if failure:
        return "before SIGHUP: " + failure
    local = conn.sock.getsockname()
    os.kill(pid, signal.SIGHUP)
    time.sleep(1.5)
    failure = check(conn, "/auth/nginx", token_a, 401) or check(conn, "/auth/nginx", token_b, 200)
    if failure:
        return "after SIGHUP: " + failure
    if conn.sock is None or conn.sock.getsockname() != local:
        return "the connection was dropped and reopened"
    return "ok"


def slowloris(port, count, timeout):
    slow = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"G")
        slow.append(s)

    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/healthz")
    resp = conn.getresponse()
    resp.read()
    elapsed = time.monotonic() - start
    if resp.status != 200 or elapsed > 1.0:
        return "normal request: status %d after %.2f s" % (resp.status, elapsed)

    open_slow = list(slow)
    deadline = time.monotonic() + timeout + 3
    while open_slow and time.monotonic() < deadline:
        still = []
        for s in open_slow:
            try:
                s.sendall(b"E")
                s.settimeout(0.01)
                if s.recv(1) == b"":
                    continue
            except socket.timeout:
                pass
            except OSError:
                continue
            still.append(s)
        open_slow = still
        time.sleep(1)
    for s in slow:
        s.close()
    if open_slow:
        return "%d of %d slow connections still open after %d s" % (len(open_slow), count, timeout + 3)
    return "ok"


def close_wait(sockets, seconds, byte):
    """Sends `byte` on each socket once a second; returns those still open after `seconds`."""
    open_now = list(sockets)
    deadline = time.monotonic() + seconds
    while open_now and time.monotonic() < deadline:
        still = []
        for s in open_now:
            try:
                s.sendall(byte)
                s.settimeout(0.01)
                if s.recv(1) == b"":
                    continue
            except socket.timeout:
                pass
            except OSError:
                continue
            still.append(s)
        open_now = still
        time.sleep(1)
    return open_now


def slowbody(port, count, timeout):
    head = (b"POST /auth/envoy/x HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Length: 60000\r\n\r\n")
    slow = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(head + b"x")
        slow.append(s)

    open_slow = close_wait(slow, timeout + 3, b"x")
    for s in slow:
        s.close()
    if open_slow:
        return "%d of %d slow-body connections still open after %d s" % (len(open_slow), count, timeout + 3)

    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/healthz")
    resp = conn.getresponse()
    resp.read()
    elapsed = time.monotonic() - start
    if resp.status != 200 or elapsed > 1.0:
        return "healthz after the slow bodies: status %d after %.2f s" % (resp.status, elapsed)
    return "ok"


def main():
    mode = sys.argv[1]
    if mode == "keepalive":
        print(keepalive(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]))
    elif mode == "slowloris":
        print(slowloris(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    elif mode == "slowbody":
        print(slowbody(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
