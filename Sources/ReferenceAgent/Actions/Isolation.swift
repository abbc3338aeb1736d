import EACPProtocol
import EACPTransport
import Foundation

/// Puts network isolation in force on the endpoint and lifts it. `management` contains the server's
/// and the proxy's hosts, which always stay reachable.
protocol IsolationBackend: Sendable {
    var name: String { get }
    func apply(allowedHosts: [String], management: [String]) async throws
    func remove() async throws
}

/// Isolation of the agent's own connections: while it is in force the agent opens no connection
/// except to the server and the proxy in use (`ServerLink.restrictConnections`). It needs no
/// privileges, so it is the default; other programs on the endpoint are not blocked by it.
struct ReferenceIsolation: IsolationBackend {
    var name: String { "reference" }
    func apply(allowedHosts: [String], management: [String]) async throws {}
    func remove() async throws {}
}

/// Isolation of the whole endpoint with an nftables table `inet eacp_isolation`: loopback,
/// established flows, DNS and the management and allowed hosts pass; everything else is dropped.
/// Needs root and the `nft` command.
struct NFTablesIsolation: IsolationBackend {
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    let log: AgentLog
    var name: String { "nftables" }

    func apply(allowedHosts: [String], management: [String]) async throws {
        var addresses: [String] = []
        for host in management + allowedHosts {
            let (name, _) = Self.splitPrefix(host)
            let resolved = (try? SocketAddress.resolve(host: name, port: 0)) ?? []
            guard !resolved.isEmpty else {
                if management.contains(host) { throw Failure(message: "cannot resolve management host \(host)") }
                log.warning("isolation", "allowed_host.unresolved", ["host": host])
                continue
            }
            addresses += resolved.map { Self.withPrefix($0.host, host) }
        }
        let ipv4 = addresses.filter { !$0.contains(":") }
        let ipv6 = addresses.filter { $0.contains(":") }
        var rules = """
            table inet eacp_isolation {}
            delete table inet eacp_isolation
            table inet eacp_isolation {
              chain output {
                type filter hook output priority 0; policy drop;
                oif lo accept
                ct state established,related accept
                udp dport 53 accept
                tcp dport 53 accept

            """
        if !ipv4.isEmpty { rules += "    ip daddr { \(ipv4.joined(separator: ", ")) } accept\n" }
        if !ipv6.isEmpty { rules += "    ip6 daddr { \(ipv6.joined(separator: ", ")) } accept\n" }
        rules += """
              }
              chain input {
                type filter hook input priority 0; policy drop;
                iif lo accept
                ct state established,related accept
              }
            }

            """
        try run(rules)
    }

    func remove() async throws {
        try run("table inet eacp_isolation {}\ndelete table inet eacp_isolation\n")
    }

    private func run(_ rules: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nft")
        process.arguments = ["-f", "-"]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(message: "nft could not start: \(error)")
        }
        input.fileHandleForWriting.write(Data(rules.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure(message: "nft failed with status \(process.terminationStatus): \(text)")
        }
    }

    private static func splitPrefix(_ host: String) -> (String, String?) {
        let parts = host.split(separator: "/", maxSplits: 1)
        return (String(parts[0]), parts.count == 2 ? String(parts[1]) : nil)
    }

    private static func withPrefix(_ address: String, _ host: String) -> String {
        splitPrefix(host).1.map { "\(address)/\($0)" } ?? address
    }
}

extension Agent {
    func isolate(allowedHosts: [String], actionID: String) async -> ActionOutcome {
        if localState.current.isolation.isolated, BrokenVariant.isActive(.isolateAgainFails) {
            return .failed(.internal, "the endpoint is already isolated")
        }
        do {
            try await isolation.apply(allowedHosts: allowedHosts, management: managementHosts())
            link.restrictConnections(allowedHosts: allowedHosts)
            try localState.update { state in
                let wasIsolated = state.isolation.isolated
                state.isolation = LocalState.Isolation(
                    isolated: !BrokenVariant.isActive(.isolationNotReported), actionID: actionID,
                    sinceUnixMs: wasIsolated ? state.isolation.sinceUnixMs : AgentClock.nowUnixMs(),
                    allowedHosts: allowedHosts)
            }
        } catch {
            try? await isolation.remove()
            link.restrictConnections(allowedHosts: nil)
            return .failed(.internal, "isolation with the \(isolation.name) backend failed: \(error)")
        }
        log.info("isolation", "isolation.applied", ["backend": isolation.name, "allowed_hosts": allowedHosts.count])
        return .succeeded("isolated with the \(isolation.name) backend")
    }

    func cancelIsolation(actionID: String) async -> ActionOutcome {
        if !localState.current.isolation.isolated, BrokenVariant.isActive(.cancelFailsWhenNotIsolated) {
            return .failed(.internal, "the endpoint is not isolated")
        }
        do {
            try await isolation.remove()
            link.restrictConnections(allowedHosts: nil)
            try localState.update { state in
                state.isolation = LocalState.Isolation(
                    isolated: false, actionID: actionID, sinceUnixMs: AgentClock.nowUnixMs(), allowedHosts: [])
            }
        } catch {
            return .failed(.internal, "removing isolation failed: \(error)")
        }
        log.info("isolation", "isolation.removed")
        return .succeeded()
    }
}
