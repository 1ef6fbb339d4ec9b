"""Raw-socket clients for tests/server/test_break_http.sh.

raw PORT REQUEST
    Sends REQUEST (Python escapes such as \\r\\n and \\x00 are decoded, and
    {FILL:N} becomes N bytes "a") in one write, reads until the server
    closes or stays silent for 0.3 s, and prints the status codes of the
    responses in order, then "eof" when the server closed the connection or
    "open" when it did not. Example: "200 404 open".
raw-bytes PORT REQUEST
    Like raw, but prints the response bytes as Python escapes.
abort PORT
    Sends half a request head and closes, then a whole request and closes
    before reading the response. Prints "ok" when /healthz then responds.
noread PORT PID COUNT
    Pipelines COUNT requests on one connection without reading a byte and
    prints the service's VmRSS growth in KiB (after minus before).
flood PORT COUNT
    Opens COUNT connections at once and sends a request on each. Prints
    how many got a 200, how many were closed without a response, and the
    seconds it took, as "answered N closed N seconds S".
hold PORT COUNT SECONDS
    Opens COUNT connections, each sending half a request head, keeps them
    for SECONDS, closes them and prints "held N" (the ones that connected).
busy PORT COUNT ROUNDS TOKEN
    Runs COUNT connections that each send ROUNDS keep-alive /auth/nginx
    requests with TOKEN. Prints "answered N reset N other N": requests
    answered 200, requests cut by the server closing, and anything else.
"""
import re
import socket
import sys
import threading
import time

STATUS = re.compile(rb"(?m)^HTTP/1\.[01] (\d{3}) ")


def read_all(sock, idle=0.3, limit=5.0):
    """Returns (bytes, closed) read until end of file or `idle` seconds of silence."""
    data = b""
    closed = False
    deadline = time.monotonic() + limit
    sock.settimeout(idle)
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        data += chunk
    return data, closed


def exchange(port, request):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        sock.sendall(request)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data, closed = read_all(sock)
    sock.close()
    return data, closed


def decode(text):
    request = text.encode("latin-1").decode("unicode_escape").encode("latin-1")
    return re.sub(rb"\{FILL:(\d+)\}", lambda m: b"a" * int(m.group(1)), request)


def raw(port, text):
    request = decode(text)
    data, closed = exchange(port, request)
    statuses = [m.decode() for m in STATUS.findall(data)]
    return " ".join(statuses + ["eof" if closed else "open"])


def raw_bytes(port, text):
    request = decode(text)
    data, _ = exchange(port, request)
    return repr(data)


def healthz_ok(port):
    data, _ = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return data.startswith(b"HTTP/1.1 200 ")


def abort(port):
    for request in (b"GET /auth/nginx HTTP/1.1\r\nHost: x\r\nX-Orig",
                    b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 50):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(request)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()
    time.sleep(0.2)
    return "ok" if healthz_ok(port) else "healthz failed after the aborted clients"


def vm_rss(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def noread(port, pid, count):
    before = vm_rss(pid)
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    sent = 0
    sock.settimeout(3)
    try:
        for _ in range(count // 100):
            sock.sendall(request * 100)
            sent += 100
    except (socket.timeout, OSError):
        pass
    time.sleep(0.5)
    after = vm_rss(pid)
    sock.close()
    return "%d" % (after - before)


def flood(port, count):
    start = time.monotonic()
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(sock)
    answered = closed = 0
    for sock in socks:
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(3)
            data = sock.recv(4096)
        except OSError:
            data = b""
        if data.startswith(b"HTTP/1.1 200 "):
            answered += 1
        else:
            closed += 1
    seconds = time.monotonic() - start
    for sock in socks:
        sock.close()
    return "answered %d closed %d seconds %.1f" % (answered, closed, seconds)


def hold(port, count, seconds):
    socks = []
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
            socks.append(sock)
        except OSError:
            break
    time.sleep(seconds)
    for sock in socks:
        sock.close()
    return "held %d" % len(socks)


def busy_client(port, rounds, token, counts, lock):
    request = ("GET /auth/nginx HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
               "X-Original-Method: GET\r\nX-Original-URI: /public\r\n\r\n" % token).encode()
    result = {"answered": 0, "reset": 0, "other": 0}
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        result["reset"] += rounds
        rounds = 0
    for _ in range(rounds):
        try:
            sock.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            data = b""
        if data.startswith(b"HTTP/1.1 200 "):
            result["answered"] += 1
        elif data == b"":
            result["reset"] += 1
            break
        else:
            result["other"] += 1
        time.sleep(0.01)
    with lock:
        for key, value in result.items():
            counts[key] += value


def busy(port, count, rounds, token):
    counts = {"answered": 0, "reset": 0, "other": 0}
    lock = threading.Lock()
    threads = [threading.Thread(target=busy_client, args=(port, rounds, token, counts, lock))
               for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return "answered %(answered)d reset %(reset)d other %(other)d" % counts


def main():
    mode = sys.argv[1]
    port = int(sys.argv[2])
    if mode == "raw":
        print(raw(port, sys.argv[3]))
    elif mode == "raw-bytes":
        print(raw_bytes(port, sys.argv[3]))
    elif mode == "abort":
        print(abort(port))
    elif mode == "noread":
        print(noread(port, int(sys.argv[3]), int(sys.argv[4])))
    elif mode == "flood":
        print(flood(port, int(sys.argv[3])))
    elif mode == "hold":
        print(hold(port, int(sys.argv[3]), float(sys.argv[4])))
    elif mode == "busy":
        print(busy(port, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
