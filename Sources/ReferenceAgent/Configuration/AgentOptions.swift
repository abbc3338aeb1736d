import Foundation

/// The settings of `eacp-agent run`, from flags or, when a flag is absent, from the environment
/// variables of the launch contract.
public struct AgentOptions: Sendable {
    public var serverURL: ServerURL
    /// PEM file with the CA certificates to pin.
    public var caFile: String
    /// Needed only while the state folder holds no credentials.
    public var enrollmentToken: String?
    /// Folder for every piece of durable state; created when missing.
    public var stateDirectory: String
    /// Folder whose new files become security events, or nil for none.
    public var watchDirectory: String?
    /// Folders under which quarantine, restore and file retrieval may act. Empty means none, so
    /// those actions fail with PERMISSION_DENIED.
    public var quarantineRoots: [String]
    /// `reference` (the agent's own connections only) or `nftables`.
    public var isolationBackend: String

    /// Every option of `run`, in the order `--help` lists them: flag, environment variable, meaning.
    public static let documented: [(flag: String, variable: String, help: String)] = [
        ("--server-url", "EACP_SERVER_URL", "server origin, https://host[:port] (required)"),
        ("--ca-file", "EACP_CA_FILE", "PEM file of the CA certificates to pin (required)"),
        ("--enrollment-token", "EACP_ENROLLMENT_TOKEN", "token to enroll with; needed only without stored credentials"),
        ("--state-dir", "EACP_STATE_DIR", "folder for all durable state, created when missing (required)"),
        ("--watch-dir", "EACP_WATCH_DIR", "folder whose new files become security events (optional)"),
        ("--quarantine-root", "EACP_QUARANTINE_ROOTS", "folder that quarantine, restore and file retrieval may act in; repeat the flag or separate with ':' (default: none, so those actions are refused)"),
        ("--isolation-backend", "EACP_ISOLATION_BACKEND", "'reference' (blocks the agent's own connections) or 'nftables' (default: reference)"),
    ]

    /// Reads flags of the form `--name value` from `arguments` and fills the rest from `environment`.
    public init(arguments: [String], environment: [String: String]) throws(AgentOptionsError) {
        var flags: [String: [String]] = [:]
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            guard Self.documented.contains(where: { $0.flag == flag }) else {
                throw AgentOptionsError(.usage, "unknown option \"\(flag)\"; run `eacp-agent --help` for the list")
            }
            guard index + 1 < arguments.count else {
                throw AgentOptionsError(.usage, "option \(flag) needs a value")
            }
            flags[flag, default: []].append(arguments[index + 1])
            index += 2
        }

        func value(_ flag: String) -> String? {
            if let given = flags[flag]?.last { return given }
            let variable = Self.documented.first { $0.flag == flag }!.variable
            return environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        func required(_ flag: String) throws(AgentOptionsError) -> String {
            guard let found = value(flag) else {
                let variable = Self.documented.first { $0.flag == flag }!.variable
                let named = BrokenVariant.isActive(.hidesMissingVariable) ? "a required setting" : variable
                throw AgentOptionsError(.missingSetting, "missing setting: set \(named) or pass \(flag)")
            }
            return found
        }

        try BrokenVariant.checkUnknownVariables(environment)
        serverURL = try ServerURL(parsing: try required("--server-url"))
        caFile = try required("--ca-file")
        enrollmentToken = value("--enrollment-token")
        stateDirectory = try required("--state-dir")
        watchDirectory = value("--watch-dir")
        if let roots = flags["--quarantine-root"] {
            quarantineRoots = roots
        } else {
            quarantineRoots = (environment["EACP_QUARANTINE_ROOTS"] ?? "").split(separator: ":").map(String.init)
        }
        if let relative = quarantineRoots.first(where: { !$0.hasPrefix("/") }) {
            throw AgentOptionsError(
                .invalidValue, "quarantine root \"\(relative)\" is invalid: give an absolute folder path")
        }
        isolationBackend = value("--isolation-backend") ?? "reference"
        guard ["reference", "nftables"].contains(isolationBackend) else {
            throw AgentOptionsError(
                .invalidValue, "isolation backend \"\(isolationBackend)\" is invalid: use reference or nftables")
        }
    }

    /// Reads the pinned CA file; fails naming the file when it is missing, unreadable or holds no certificate.
    public func readPinnedCA() throws(AgentOptionsError) -> String {
        let file = BrokenVariant.isActive(.hidesCAFileName) ? "of EACP_CA_FILE" : caFile
        guard let text = try? String(contentsOfFile: caFile, encoding: .utf8) else {
            throw AgentOptionsError(.unreadableFile, "CA file \(file) is missing or unreadable")
        }
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            throw AgentOptionsError(.unreadableFile, "CA file \(file) contains no PEM certificate")
        }
        return text
    }
}
