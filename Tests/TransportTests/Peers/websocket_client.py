"""A WebSocket client built on the `websockets` package, as an independent peer for our server.

Usage: websocket_client.py URL [--ca FILE] [--proxy PORT]

It connects with the eacp.v1 sub-protocol and sends three binary messages of 0, 5 and 70000 bytes,
checking that each comes back reversed. Then it sends a text message, which EACP rejects. It prints one
line per step: "echo N ok", then "close CODE" with the code the server closed with. With --proxy it
opens the TCP connection through the CONNECT proxy on 127.0.0.1:PORT and hands the socket to websockets.
"""

import argparse
import asyncio
import socket
import ssl
import sys
from urllib.parse import urlparse

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed


def tunnel(proxy_port, host, port):
    sock = socket.create_connection(("127.0.0.1", proxy_port), timeout=10)
    sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(1)
        if not chunk:
            raise OSError("proxy closed the connection")
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 200"):
        raise OSError(f"proxy responded {answer.splitlines()[0]!r}")
    sock.settimeout(None)
    return sock


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--ca")
    parser.add_argument("--proxy", type=int)
    arguments = parser.parse_args()
    target = urlparse(arguments.url)
    options = {"subprotocols": ["eacp.v1"], "max_size": 2**20, "open_timeout": 10, "close_timeout": 10}
    if arguments.ca:
        context = ssl.create_default_context(cafile=arguments.ca)
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
        options["ssl"] = context
    if arguments.proxy:
        options["sock"] = tunnel(arguments.proxy, target.hostname, target.port)
        if arguments.ca:
            options["server_hostname"] = target.hostname

    async with connect(arguments.url, **options) as connection:
        print(f"subprotocol {connection.subprotocol}", flush=True)
        for size in (0, 5, 70000):
            message = bytes(index % 251 for index in range(size))
            await connection.send(message)
            answer = await connection.recv()
            print(f"echo {size} {'ok' if answer == message[::-1] else 'wrong'}", flush=True)
        await connection.send("text is not allowed")
        try:
            await connection.recv()
        except ConnectionClosed as closed:
            print(f"close {closed.rcvd.code if closed.rcvd else 'none'}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
