import EACPTransport
import Foundation

/// A client of the administrator API for the `eacp-server admin` commands: HTTPS to the server in
/// `settings`, trusting only the CA of its data folder, with the administrator token from `tokens.json`.
public struct AdminClient: Sendable {
    private let client: HTTPClient
    private let group: EventLoopGroup
    private let token: String

    public init(settings: ServerSettings) throws {
        let folder = DataFolder(path: settings.dataDirectory)
        token = try ServerTokens.read(from: folder.tokensPath).adminToken
        let tlsContext = try TLSContext(configuration: .client(
            trustedCAPEM: try String(contentsOfFile: folder.caCertificatePath, encoding: .utf8),
            expectedHostName: settings.listenHost))
        group = try EventLoopGroup(loopCount: 1)
        let connector = ClientConnector(host: settings.listenHost, port: settings.listenPort) {
            try TLSSession(context: tlsContext)
        }
        client = HTTPClient(connector: connector, group: group)
    }

    /// Sends one request and returns the status and the body as text.
    public func send(method: HTTPMethod, path: String, body: [UInt8] = [], contentType: String = "application/json")
        async throws -> (status: Int, body: String)
    {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        if !body.isEmpty || method != .get { headers.add(name: "Content-Type", value: contentType) }
        let response = try await client.send(HTTPRequestHead(method: method, target: path, headers: headers), body: body)
        return (response.status.code, String(decoding: response.body, as: UTF8.self))
    }

    public func shutdown() {
        group.shutdown()
    }
}
