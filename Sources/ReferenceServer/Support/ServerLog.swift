import Foundation
import Synchronization

/// The severity of one log line.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable {
    case debug = 0
    case info = 1
    case warning = 2
    case error = 3

    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A structured log: one line per event, `time=… level=… event=… key=value …`, written whole.
///
/// Values with spaces, quotes or `=` are quoted with backslash escapes, so every line splits back
/// into its pairs. Secrets (tokens, keys) are never passed in.
public final class ServerLog: Sendable {
    private let minimumLevel: LogLevel
    private let sink: @Sendable (String) -> Void

    public init(minimumLevel: LogLevel = .info, sink: (@Sendable (String) -> Void)? = nil) {
        self.minimumLevel = minimumLevel
        self.sink = sink ?? { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// A log that drops every line, for tests and the benchmark.
    public static let silent = ServerLog(minimumLevel: .error, sink: { _ in })

    public func log(_ level: LogLevel, _ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        guard level >= minimumLevel else { return }
        var line = "time=\(Self.timestamp()) level=\(level.name) event=\(Self.quoted(event))"
        for (key, value) in fields {
            line += " \(key)=\(Self.quoted(String(describing: value)))"
        }
        sink(line + "\n")
    }

    public func debug(_ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.debug, event, fields)
    }

    public func info(_ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.info, event, fields)
    }

    public func warning(_ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.warning, event, fields)
    }

    public func error(_ event: String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.error, event, fields)
    }

    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needsQuotes else { return value }
        var out = "\""
        for character in value {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out + "\""
    }

    private static func timestamp() -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())
    }
}

/// The wall clock in Unix milliseconds, replaceable in tests.
public struct ServerClock: Sendable {
    public let nowUnixMs: @Sendable () -> Int64

    public init(nowUnixMs: @escaping @Sendable () -> Int64) {
        self.nowUnixMs = nowUnixMs
    }

    public static let system = ServerClock { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
