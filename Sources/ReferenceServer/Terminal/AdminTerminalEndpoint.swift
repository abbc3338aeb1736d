import EACPTransport
import Foundation

/// GET /admin/v1/agents/{agent}/terminal?rows=R&columns=C&opened_by=NAME: the administrator's end
/// of a live terminal, as a WebSocket.
///
/// The administrator token comes in the upgrade request's `Authorization: Bearer` header. A client
/// that cannot set headers on a WebSocket (browsers cannot) sends the token as its first message
/// instead, as UTF-8. Without a valid token the socket closes with 1008.
struct AdminTerminalEndpoint {
    let admin: AdminAPI
    let terminals: TerminalRelay

    /// The terminal size when the request names none; the common default of terminal emulators.
    static let defaultSize: (rows: UInt32, columns: UInt32) = (24, 80)

    func accept(_ socket: WebSocket, _ request: HTTPRequest) async {
        let agentID = request.pathParameters["agent"] ?? ""
        let query = Self.queryItems(request.head.target)
        guard let rows = Self.size(query["rows"], default: Self.defaultSize.rows),
            let columns = Self.size(query["columns"], default: Self.defaultSize.columns)
        else {
            socket.close(code: .policyViolation, reason: "rows and columns must be integers from 1 to 1000")
            return
        }
        guard await isAuthorized(socket, request) else {
            admin.context.log.warning("admin.unauthorized", ["path": String(request.head.path)])
            socket.close(code: .policyViolation, reason: "a valid administrator token is required")
            return
        }
        let name = query["opened_by"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) } ?? "administrator"
        let address = request.remoteAddress.map { "\($0)" } ?? "unknown address"
        await terminals.serve(
            administrator: socket, agentID: agentID, rows: rows, columns: columns, openedBy: "\(name) from \(address)")
    }

    private func isAuthorized(_ socket: WebSocket, _ request: HTTPRequest) async -> Bool {
        if let header = request.head.headers.first(name: "Authorization") {
            return admin.isAuthorized(authorization: header)
        }
        var messages = socket.messages.makeAsyncIterator()
        guard let first = await messages.next() else { return false }
        return admin.isAuthorized(authorization: "Bearer " + String(decoding: first, as: UTF8.self))
    }

    static func size(_ text: String?, default fallback: UInt32) -> UInt32? {
        guard let text else { return fallback }
        guard let value = UInt32(text), (1...1_000).contains(value) else { return nil }
        return value
    }

    /// Parses the query parameters of a request target, percent-decoded. A repeated name keeps its last value.
    static func queryItems(_ target: String) -> [String: String] {
        guard let components = URLComponents(string: target) else { return [:] }
        var items: [String: String] = [:]
        for item in components.queryItems ?? [] {
            items[item.name] = item.value ?? ""
        }
        return items
    }
}
