import EACPProtocol
import Foundation
import Synchronization

/// The agent's own log: one structured line per record on standard error, `time level component
/// event key=value…`, and, while collection is on, a copy for upload to the server.
public final class AgentLog: Sendable {
    /// Receives each record at or above the upload level; the agent points it at its store.
    public typealias UploadSink = @Sendable (AgentLogLevel, String, String) -> Void

    private let minimumLevel: AgentLogLevel
    private let write: @Sendable (String) -> Void
    private let upload = Mutex<(level: AgentLogLevel, sink: UploadSink)?>(nil)

    /// `write` receives each line without its newline; the default writes to standard error.
    public init(minimumLevel: AgentLogLevel = .info, write: (@Sendable (String) -> Void)? = nil) {
        self.minimumLevel = minimumLevel
        self.write = write ?? { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Starts or stops copying records at or above `level` to `sink`; nil stops it.
    public func setUpload(level: AgentLogLevel, sink: UploadSink?) {
        upload.withLock { $0 = sink.map { (level, $0) } }
    }

    public func error(_ component: String, _ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.error, component, event, fields)
    }

    public func warning(_ component: String, _ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.warning, component, event, fields)
    }

    public func info(_ component: String, _ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.info, component, event, fields)
    }

    public func debug(_ component: String, _ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.debug, component, event, fields)
    }

    /// Writes one record. Levels compare by severity: `.error` is the most severe.
    public func log(_ level: AgentLogLevel, _ component: String, _ event: String, _ fields: KeyValuePairs<String, Any>) {
        var message = event
        for (key, value) in fields {
            message += " \(key)=\(Self.quoted("\(value)"))"
        }
        if Self.rank(level) <= Self.rank(minimumLevel) {
            let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
            write("\(time) \(Self.name(level)) \(component) \(message)")
        }
        if let upload = upload.withLock({ $0 }), Self.rank(level) <= Self.rank(upload.level) {
            upload.sink(level, component, message)
        }
    }

    static func rank(_ level: AgentLogLevel) -> Int32 {
        switch level {
        case .unspecified, .unrecognized: 3
        default: level.rawValue
        }
    }

    static func name(_ level: AgentLogLevel) -> String {
        switch level {
        case .error: "error"
        case .warning: "warning"
        case .debug: "debug"
        case .trace: "trace"
        default: "info"
        }
    }

    /// Quotes a value that holds a space, quote or line break, so one record stays one line.
    private static func quoted(_ value: String) -> String {
        guard value.contains(where: { " \"\n\r=".contains($0) }) || value.isEmpty else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        return "\"\(escaped)\""
    }
}
