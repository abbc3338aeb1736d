import EACPProtocol
import EACPTransport

extension ServerLink {
    /// POSTs `message` to `/eacp/v1/<path>` and decodes the success reply as `Reply`.
    func post<Reply: WireMessage>(_ path: String, _ message: some WireMessage, as _: Reply.Type = Reply.self)
        async throws(RequestFailure) -> Reply
    {
        let body = message.wireBytes()
        let response = try await send(path: path) { client in
            let response = try await client.post("/eacp/v1/" + path, body: body, contentType: Self.postContentType)
            guard let location = Self.redirectToFollow(response) else { return response }
            return try await client.post(location, body: body, contentType: Self.postContentType)
        }
        do {
            let reply = try Reply(wireBytes: response.body)
            try BrokenVariant.checkUnknownFields(reply)
            return BrokenVariant.keepingFirstInterval(reply, body: response.body)
        } catch {
            throw RequestFailure(.badReply, "reply to \(path) does not decode as \(Reply.protoName): \(error)")
        }
    }

    /// GETs `/eacp/v1/<path>` from `offset` on, for resumable downloads.
    func download(_ path: String, from offset: Int64) async throws(RequestFailure) -> HTTPResponse {
        let headers: HTTPHeaders = offset > 0 ? ["Range": "bytes=\(offset)-"] : [:]
        return try await send(path: path, forDownloads: true) { client in
            try await client.get("/eacp/v1/" + path, headers: headers)
        }
    }

    private func send(
        path: String, forDownloads: Bool = false, _ body: (HTTPClient) async throws -> HTTPResponse
    ) async throws(RequestFailure) -> HTTPResponse {
        let client = try client(forDownloads: forDownloads)
        let response: HTTPResponse
        do {
            response = try await body(client)
        } catch let error as HTTPError where error.code == .bodyTooLarge {
            throw RequestFailure(.badReply, "reply to \(path) failed: \(error)")
        } catch {
            throw RequestFailure(.noResponse, "request to \(path) got no response: \(error)")
        }
        guard response.status.isSuccess else {
            throw Self.failure(for: response, path: path)
        }
        return response
    }

    /// Turns an error response, redirects included, into a `RequestFailure`.
    static func failure(for response: HTTPResponse, path: String) -> RequestFailure {
        let code = response.status.code
        let reply = try? ErrorReply(wireBytes: response.body)
        var retryAfterMs = response.headers.first(name: "Retry-After").flatMap(Int64.init).map { $0 * 1_000 }
        if let fromReply = reply?.retryAfterMs, fromReply > 0 {
            retryAfterMs = max(retryAfterMs ?? 0, Int64(fromReply))
        }
        let detail = reply.map { ": \($0.message)" } ?? ""
        let what = (300..<400).contains(code) ? "a redirect, which the agent does not follow" : "status \(code)"
        return RequestFailure(
            .errorStatus, "\(path) answered with \(what)\(detail)", status: code, errorCode: reply?.code,
            retryAfterMs: retryAfterMs)
    }
}
