import CEACPLinux
import Glibc

/// An IPv4 or IPv6 address with a port, stored as the sockaddr the kernel takes.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    private var storage: [UInt8]

    /// Creates the address of a numeric IPv4 or IPv6 host, such as "127.0.0.1" or "::1", or returns nil.
    public init?(ipAddress: String, port: UInt16) {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, ipAddress, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            storage = withUnsafeBytes(of: v4) { Array($0) }
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, ipAddress, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            storage = withUnsafeBytes(of: v6) { Array($0) }
            return
        }
        return nil
    }

    init(storage: UnsafeRawBufferPointer) { self.storage = Array(storage) }

    /// Resolves `host` with getaddrinfo (which may block on DNS) into its TCP addresses, in the order returned.
    public static func resolve(host: String, port: UInt16) throws(SystemError) -> [SocketAddress] {
        if let numeric = SocketAddress(ipAddress: host, port: port) { return [numeric] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SystemError(call: "getaddrinfo(\(host))", errno: status == EAI_SYSTEM ? errno : -status)
        }
        defer { freeaddrinfo(first) }

        var addresses: [SocketAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next?.pointee {
            let family = Int32(entry.ai_family)
            if let address = entry.ai_addr, family == AF_INET || family == AF_INET6 {
                addresses.append(SocketAddress(storage: UnsafeRawBufferPointer(start: address, count: Int(entry.ai_addrlen))))
            }
            next = entry.ai_next
        }
        return addresses
    }

    public var family: Int32 { Int32(storage.withUnsafeBytes { $0.load(as: sa_family_t.self) }) }

    public var port: UInt16 {
        storage.withUnsafeBytes { bytes in
            family == AF_INET
                ? UInt16(bigEndian: bytes.load(as: sockaddr_in.self).sin_port)
                : UInt16(bigEndian: bytes.load(as: sockaddr_in6.self).sin6_port)
        }
    }

    /// The numeric host, such as "127.0.0.1" or "::1".
    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        storage.withUnsafeBytes { bytes in
            if family == AF_INET {
                var address = bytes.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
            } else {
                var address = bytes.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            }
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with the sockaddr pointer and length for bind, connect and similar calls.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        storage.withUnsafeBytes { bytes in
            body(bytes.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(bytes.count))
        }
    }
}
