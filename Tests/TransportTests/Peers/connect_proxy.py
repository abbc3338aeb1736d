"""A small HTTP CONNECT proxy for the transport tests, using only the standard library.

Usage: connect_proxy.py [--credentials USER:PASSWORD]

It listens on 127.0.0.1 on a free port and prints the port on the first line of stdout. For each tunnel
it prints "TUNNEL host:port" once the tunnel is open. Only targets on 127.0.0.1, ::1 and localhost are
allowed, so the tests cannot reach another host through it. With --credentials, a CONNECT without the
matching Proxy-Authorization gets 407.
"""

import argparse
import base64
import select
import socket
import socketserver
import sys
import threading

ALLOWED_HOSTS = {"127.0.0.1", "::1", "localhost"}
MAX_HEAD_BYTES = 16 * 1024


class TunnelHandler(socketserver.BaseRequestHandler):
    def handle(self):
        head = self.read_head()
        if head is None:
            return
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or parts[0] != "CONNECT":
            self.reply("405 Method Not Allowed")
            return
        if not self.authorized(lines[1:]):
            self.reply("407 Proxy Authentication Required", 'Proxy-Authenticate: Basic realm="test"\r\n')
            return
        host, _, port = parts[1].rpartition(":")
        host = host.strip("[]")
        if host not in ALLOWED_HOSTS or not port.isdigit():
            self.reply("403 Forbidden")
            return
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.reply("502 Bad Gateway")
            return
        self.request.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        print(f"TUNNEL {parts[1]}", flush=True)
        self.relay(upstream)

    def read_head(self):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(1)
            if not chunk or len(data) > MAX_HEAD_BYTES:
                return None
            data += chunk
        return data.decode("latin-1")

    def authorized(self, header_lines):
        expected = self.server.credentials
        if expected is None:
            return True
        token = base64.b64encode(expected.encode()).decode()
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "proxy-authorization" and value.strip() == f"Basic {token}":
                return True
        return False

    def reply(self, status, extra=""):
        self.request.sendall(f"HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n".encode())

    def relay(self, upstream):
        sockets = [self.request, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 30)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.request else self.request).sendall(data)
        finally:
            upstream.close()


class ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials")
    arguments = parser.parse_args()
    server = ProxyServer(("127.0.0.1", 0), TunnelHandler)
    server.credentials = arguments.credentials
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # The test ends the proxy by closing stdin or terminating the process.
    server.shutdown()


if __name__ == "__main__":
    main()
