import Foundation
import Glibc

/// nginx from Debian as the reference server: the same certificate, TLS 1.2 only, the same cipher suite
/// and key-exchange groups as our server, and a fixed 200-byte answer on the benchmark's POST path.
enum Nginx {
    /// Writes the configuration into `folder` and starts nginx in the foreground on `port`.
    static func start(identity: BenchIdentity, port: UInt16, workers: Int) throws -> ChildProcess {
        let folder = identity.folder + "/nginx"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let configurationPath = folder + "/nginx.conf"
        try configuration(identity: identity, folder: folder, port: port, workers: workers)
            .write(toFile: configurationPath, atomically: true, encoding: .utf8)
        let nginx = try ChildProcess(
            executable: "/usr/sbin/nginx", arguments: ["-p", folder, "-c", configurationPath, "-g", "daemon off;"])
        try waitUntilListening(port: port, timeout: .seconds(10))
        return nginx
    }

    /// The session cache and tickets are off, as they are in our server's TLS context, so every new
    /// connection runs a full handshake; wrk would otherwise resume sessions when it reconnects.
    /// keepalive_requests is raised from its default of 1000 so that keep-alive connections are never
    /// closed mid-run, since our server has no such limit.
    private static func configuration(identity: BenchIdentity, folder: String, port: UInt16, workers: Int) -> String {
        let body = String(decoding: BenchServer.responseBody, as: UTF8.self)
        return """
            worker_processes \(workers);
            pid \(folder)/nginx.pid;
            error_log \(folder)/error.log warn;
            worker_rlimit_nofile 65536;
            events { worker_connections 8192; }
            http {
                access_log off;
                client_body_temp_path \(folder)/client-body;
                proxy_temp_path \(folder)/proxy;
                fastcgi_temp_path \(folder)/fastcgi;
                uwsgi_temp_path \(folder)/uwsgi;
                scgi_temp_path \(folder)/scgi;
                keepalive_requests 100000000;
                server {
                    listen 127.0.0.1:\(port) ssl;
                    ssl_certificate \(identity.certificatePath);
                    ssl_certificate_key \(identity.privateKeyPath);
                    ssl_protocols TLSv1.2;
                    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256;
                    ssl_prefer_server_ciphers on;
                    ssl_ecdh_curve X25519:prime256v1:secp384r1;
                    ssl_session_cache off;
                    ssl_session_tickets off;
                    location = \(BenchServer.postPath) {
                        default_type application/x-protobuf;
                        return 200 "\(body)";
                    }
                }
            }

            """
    }

    /// Returns a port that was free a moment ago on 127.0.0.1.
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw BenchError("bind to 127.0.0.1:0 failed: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }

    static func loopbackAddress(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    private static func waitUntilListening(port: UInt16, timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = loopbackAddress(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return }
            usleep(50_000)
        }
        throw BenchError("nginx did not listen on 127.0.0.1:\(port) within \(timeout)")
    }
}
