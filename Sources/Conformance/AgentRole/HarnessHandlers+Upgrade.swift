import EACPProtocol
import EACPTransport

extension HarnessHandlers {
    /// Serves GET /eacp/v1/upgrades/{version}: the package the script holds for a version that
    /// compares equal to `{version}`, whole, or 404 with an `ErrorReply`.
    func upgradePackage(_ request: HTTPRequest) -> HTTPResponse {
        let requested = request.pathParameters["version"] ?? ""
        observations.update { $0.upgradeDownloads.append(.init(at: .now, value: requested)) }
        log("agent->server", "GET /eacp/v1/upgrades/\(requested)")
        let requestedVersion = try? AgentVersion(parsing: requested)
        let package = script.value.upgradePackages.first { version, _ in
            requestedVersion != nil && (try? AgentVersion(parsing: version)) == requestedVersion
        }?.value
        guard let package else {
            var reply = ErrorReply()
            reply.code = .notFound
            reply.message = "no upgrade package for version \(requested)"
            return HTTPResponse(status: .notFound, headers: ["Content-Type": Self.mediaType], body: reply.wireBytes())
        }
        log("server->agent", "200 upgrade \(requested)", "\(package.count) bytes")
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: package)
    }
}
