"""A misbehaving Redis for the break tests of jwtguard serve, on loopback.

Usage: fake_redis.py PORT_FILE MODE. It binds a free port on 127.0.0.1,
writes the port to PORT_FILE and serves until killed. MODE:
  silent        reads commands and never replies
  garbage       replies to every command with bytes that are not RESP
  endless_scan  behaves for SUBSCRIBE and PING, and replies to every SCAN
                with cursor 7, so a full SCAN never ends
"""
import os
import socket
import sys
import threading


def read_command(stream):
    """Reads one RESP command as a list of bytes; None at end of stream."""
    line = stream.readline()
    if not line:
        return None
    if not line.startswith(b"*"):
        return [line.strip()]
    args = []
    for _ in range(int(line[1:])):
        length = int(stream.readline()[1:])
        args.append(stream.read(length + 2)[:-2])
    return args


def reply(mode, command):
    name = command[0].upper() if command else b""
    if mode == "silent":
        return b""
    if mode == "garbage":
        return b"!garbage\r\n"
    if name == b"SUBSCRIBE":
        channel = command[1]
        return b"*3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:1\r\n" % (len(channel), channel)
    if name == b"SCAN":
        return b"*2\r\n$1\r\n7\r\n*0\r\n"
    if name == b"PING":
        return b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    return b"+OK\r\n"


def serve(conn, mode):
    stream = conn.makefile("rb")
    try:
        while True:
            command = read_command(stream)
            if command is None:
                return
            answer = reply(mode, command)
            if answer:
                conn.sendall(answer)
    except (OSError, ValueError):
        return


def main():
    port_file, mode = sys.argv[1], sys.argv[2]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(listener.getsockname()[1]))
    # Renamed so that a reader never sees a half-written port.
    os.rename(port_file + ".tmp", port_file)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
