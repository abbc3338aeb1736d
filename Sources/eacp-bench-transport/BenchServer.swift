import EACPTransport
import Foundation

/// The TLS files both servers use: one ECDSA P-256 certificate for 127.0.0.1, issued in process by a
/// throwaway CA, so our server and nginx present the same chain and sign with the same key type.
struct BenchIdentity {
    let folder: String

    var certificatePath: String { folder + "/server.crt" }
    var privateKeyPath: String { folder + "/server.key" }
    var caPath: String { folder + "/ca.crt" }

    /// Creates the CA, the server key and the certificate, and writes them as PEM into `folder`.
    static func create(in folder: String) throws -> BenchIdentity {
        let authority = try CertificateAuthority.create(commonName: "EACP transport benchmark CA")
        let key = try PrivateKey.generateP256()
        let certificate = try authority.issueServerCertificate(dnsNames: [], ipAddresses: ["127.0.0.1"], key: key)
        let identity = BenchIdentity(folder: folder)
        try certificate.pem().write(toFile: identity.certificatePath, atomically: true, encoding: .utf8)
        try key.pem().write(toFile: identity.privateKeyPath, atomically: true, encoding: .utf8)
        try authority.certificate.pem().write(toFile: identity.caPath, atomically: true, encoding: .utf8)
        return identity
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
}

/// The server under test: EACP's HTTPServer on its event loop group, with TLS 1.2 and two routes.
/// `POST /eacp/v1/heartbeat` returns the same 200-byte body for every request from a synchronous
/// handler, which runs on the event loop thread as nginx replies from its worker, and `GET /eacp/v1/push`
/// accepts WebSockets and keeps them open without sending anything but the keep-alive pings.
enum BenchServer {
    static let responseBody = [UInt8](repeating: UInt8(ascii: "x"), count: 200)
    static let postPath = "/eacp/v1/heartbeat"
    static let pushPath = "/eacp/v1/push"

    /// Serves until standard input reaches its end, which happens when the process that started this
    /// one exits or closes the pipe. Prints `listening PORT` once the socket is bound.
    static func serve(identity: BenchIdentity, maxConnections: Int) async throws -> Never {
        let limit = try OpenFileLimit.raise(requested: UInt64(maxConnections) + 1000)
        if !limit.satisfiesRequest { FileHandle.standardError.write(Data((limit.description + "\n").utf8)) }

        let context = try TLSContext(
            configuration: .server(
                certificateChainPEM: try identity.read(identity.certificatePath),
                privateKeyPEM: try identity.read(identity.privateKeyPath)))
        var router = HTTPRouter()
        router.addSynchronous(.post, postPath) { _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/x-protobuf"], body: responseBody)
        }
        router.addWebSocket(pushPath) { _, _ in }

        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = maxConnections
        configuration.backlog = 4096
        let server = HTTPServer(configuration: configuration, router: router, group: try EventLoopGroup()) {
            try TLSSession(context: context)
        }
        let address = try await server.start()
        // Written unbuffered, because standard output is a pipe to the process that waits for this line.
        FileHandle.standardOutput.write(Data("listening \(address.port)\n".utf8))

        // A thread of its own waits on standard input, because the cooperative pool has only two threads
        // here and none of them may block.
        Thread.detachNewThread {
            while FileHandle.standardInput.availableData.count > 0 {}
            exit(0)
        }
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
