"""A WebSocket server built on the `websockets` package, as an independent peer for our client.

Usage: websocket_server.py [--tls CERT KEY]

It listens on 127.0.0.1 on a free port, prints the port on the first line of stdout, requires the
eacp.v1 sub-protocol, and replies to each binary message with its bytes reversed.
"""

import argparse
import asyncio
import ssl
import sys

from websockets.asyncio.server import serve


async def reverse(connection):
    async for message in connection:
        if isinstance(message, bytes):
            await connection.send(message[::-1])


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    arguments = parser.parse_args()
    context = None
    if arguments.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(*arguments.tls)
    async with serve(reverse, "127.0.0.1", 0, subprotocols=["eacp.v1"], ssl=context) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main())
