"""Opens many idle WebSocket connections to one server, to measure what each costs the server.

Usage: idle_websockets.py COUNT PORT [--ca FILE]

Each connection completes the TLS 1.2 handshake (with --ca) and the upgrade to eacp.v1, then sends
nothing. The script prints "ready" once all are open and keeps them open until stdin closes.
"""

import argparse
import base64
import os
import socket
import ssl
import sys


def open_connection(port, context):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    if context:
        sock = context.wrap_socket(sock, server_hostname="localhost")
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            "GET /eacp/v1/push HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: eacp.v1\r\n\r\n"
        ).encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(1)
        if not chunk:
            raise OSError("server closed the connection during the upgrade")
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 101"):
        raise OSError(f"upgrade failed: {answer.splitlines()[0]!r}")
    return sock


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("port", type=int)
    parser.add_argument("--ca")
    arguments = parser.parse_args()
    context = None
    if arguments.ca:
        context = ssl.create_default_context(cafile=arguments.ca)
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
    connections = [open_connection(arguments.port, context) for _ in range(arguments.count)]
    print("ready", flush=True)
    sys.stdin.read()
    for connection in connections:
        connection.close()


if __name__ == "__main__":
    main()
