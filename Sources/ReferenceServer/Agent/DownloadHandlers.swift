import EACPProtocol
import EACPTransport

/// GET /eacp/v1/content/{revision} and /eacp/v1/upgrades/{version}, with single-range resume.
struct DownloadHandlers {
    let context: ServerContext
    let packages: UpgradePackages

    static let packageMediaType = "application/octet-stream"

    /// Serves the current content revision only, because it is the only one the server offers.
    func content(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        if request.peer != nil || !BrokenVariant.isActive(.servesContentWithoutCertificate) {
            _ = try context.authenticate(request)
        }
        let text = request.pathParameters["revision"] ?? ""
        guard let revision = Int64(text), revision > 0 else {
            throw ProtocolFailure(.notFound, "no content revision \(text)")
        }
        let record = try context.stored("content revision") { () throws(ServerStoreError) in
            try context.store.contentRevision(revision)
        }
        let current = try context.stored("current content") { () throws(ServerStoreError) in
            try context.store.currentContentRevision()
        }
        guard let record, record.revision == current?.revision || BrokenVariant.isActive(.servesEarlierContent) else {
            throw ProtocolFailure(.notFound, "content revision \(revision) is not the one offered")
        }
        return try serve(path: record.filePath, size: record.sizeBytes, request: request)
    }

    /// Serves the package offered to this agent only, and only under a version that compares equal
    /// to the offered one ("1.2" and "1.2.0" name the same package).
    func upgrade(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let agent = try context.authenticate(request)
        let text = request.pathParameters["version"] ?? ""
        guard let package = try packages.package(for: agent),
            (try? AgentVersion(parsing: text)) == package.version || BrokenVariant.isActive(.servesAnyUpgradeVersion)
        else {
            throw ProtocolFailure(.notFound, "no upgrade package \(text) for this agent")
        }
        return try serve(path: package.filePath, size: package.sizeBytes, request: request)
    }

    private func serve(path: String, size: Int64, request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        var headers: HTTPHeaders = ["Accept-Ranges": "bytes", "Content-Type": Self.packageMediaType]
        var first: Int64 = 0
        var count = size
        if let value = request.head.headers.first(name: "Range"), !BrokenVariant.isActive(.ignoresRangeHeader) {
            do {
                if let range = try HTTPByteRange.parse(value, length: Int(size)) {
                    first = Int64(range.first)
                    count = Int64(range.count)
                    headers.add(name: "Content-Range", value: "bytes \(range.first)-\(range.last)/\(size)")
                }
            } catch {
                var response = ProtocolFailure(.rangeNotSatisfiable, "the range \(value) starts past the \(size) bytes").response
                response.headers.add(name: "Content-Range", value: "bytes */\(size)")
                return response
            }
        }
        do {
            var body = try FileStore.read(path, offset: first, count: Int(count))
            let status: HTTPStatus = headers.contains(name: "Content-Range") ? .partialContent : .ok
            if status == .ok && BrokenVariant.isActive(.dropsLastPackageByte) { body = Array(body.dropLast()) }
            return ServerResponse(status: status, headers: headers, body: body)
        } catch {
            context.metrics.storageErrors.add(1)
            context.log.error("download.read_failed", ["path": path, "error": error])
            throw ProtocolFailure(.internal, "the package could not be read")
        }
    }
}
