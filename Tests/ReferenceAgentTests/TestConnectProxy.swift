import Foundation
import Glibc
import Synchronization

/// A minimal HTTP CONNECT proxy on 127.0.0.1 for tests: it accepts `CONNECT host:port`, opens the
/// tunnel with a blocking connect, replies 200 and copies bytes both ways on two threads. It
/// counts the tunnels it opened, which shows that traffic went through it.
final class TestConnectProxy: Sendable {
    let port: UInt16
    private let listener: Int32
    private let tunnels = Atomic<Int>(0)

    var tunnelCount: Int { tunnels.load(ordering: .relaxed) }

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw TestFailure("the test proxy cannot listen: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting; tunnels already open run until either side closes.
    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    /// Returns a loopback port with nothing listening on it, for a proxy setting that cannot work.
    static func unusedPort() throws -> UInt16 {
        let proxy = try TestConnectProxy()
        proxy.close()
        return proxy.port
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            Thread { self.serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        guard let head = readHead(client), let target = Self.connectTarget(head), target.host == "127.0.0.1" else {
            Self.send(client, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            Glibc.close(client)
            return
        }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: target.port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Self.send(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            Glibc.close(client)
            Glibc.close(upstream)
            return
        }
        tunnels.add(1, ordering: .relaxed)
        Self.send(client, "HTTP/1.1 200 Connection Established\r\n\r\n")
        Thread { Self.copy(from: upstream, to: client) }.start()
        Self.copy(from: client, to: upstream)
    }

    /// Reads one byte at a time up to the blank line, so no tunnelled byte is read here.
    private func readHead(_ client: Int32) -> String? {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while head.count < 8_192 {
            guard read(client, &byte, 1) == 1 else { return nil }
            head.append(byte)
            if head.suffix(4) == [13, 10, 13, 10] { return String(decoding: head, as: UTF8.self) }
        }
        return nil
    }

    private static func connectTarget(_ head: String) -> (host: String, port: UInt16)? {
        let words = head.split(separator: " ", maxSplits: 2)
        guard words.count == 3, words[0] == "CONNECT" else { return nil }
        let parts = words[1].split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { return nil }
        return (String(parts[0]), port)
    }

    private static func send(_ socket: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
    }

    /// Copies until either side closes, then shuts down both directions so the other thread ends too.
    /// NOTE: the two descriptors stay open until the test process exits, because neither copying
    /// thread can tell when the other is done with them. A test opens only a few tunnels.
    private static func copy(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
                guard written > 0 else { break }
                offset += written
            }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
    }
}
