"""Loopback HTTPS server for tests/unit/test_jwks_source.c.

Usage: jwks_server.py ROOT PORT_FILE [CERT KEY]

Serves the files of ROOT on 127.0.0.1 at a port chosen by the kernel, and
writes that port to PORT_FILE once it listens. Without CERT and KEY it
speaks plain HTTP. Each request's path is appended to ROOT/requests.log, so
a test can count hits. A file NAME may have a NAME.headers companion, read
at each request, with lines "Header: value"; three names are directives and
not sent: "Status: N" sets the status code, "Delay: S" waits S seconds
before answering, and "No-Length: 1" sends the body with no Content-Length,
ended by closing the connection.
"""

import os
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = sys.argv[1]


def read_headers(path):
    headers = []
    try:
        with open(path + ".headers", encoding="utf-8") as f:
            for line in f:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers.append((name.strip(), value.strip()))
    except FileNotFoundError:
        pass
    return headers


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        name = self.path.split("?", 1)[0].lstrip("/")
        with open(os.path.join(ROOT, "requests.log"), "a", encoding="utf-8") as log:
            log.write("/" + name + "\n")

        path = os.path.join(ROOT, name)
        if ".." in name.split("/") or name.endswith(".headers") or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            body = f.read()

        status, delay, length, extra = 200, 0.0, True, []
        for key, value in read_headers(path):
            if key == "Status":
                status = int(value)
            elif key == "Delay":
                delay = float(value)
            elif key == "No-Length":
                length = False
            else:
                extra.append((key, value))

        time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if length:
                self.send_header("Content-Length", str(len(body)))
            for key, value in extra:
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass

    def log_message(self, format, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) > 4:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)

    port_file = sys.argv[2]
    with open(port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
