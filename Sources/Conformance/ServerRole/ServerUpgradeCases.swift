import EACPProtocol
import EACPTransport
import Foundation

/// Upgrade offers in heartbeat replies and upgrade downloads, and the rule that agent versions are
/// the same when they compare equal, not when their text matches.
enum ServerUpgradeCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [offerUntilEqual(target), download(target)]
    }

    /// A build assigned to one agent: the version it was assigned under and the uploaded bytes.
    struct Assignment {
        let version: String
        let build: [UInt8]
        /// Another spelling of `version` that compares equal to it: a trailing `.0` added.
        var paddedVersion: String { version + ".0" }
        /// A version that differs from `version` in its last component.
        let otherVersion: String
    }

    /// Uploads a new agent build under a version no earlier run used and assigns it to `agent` alone.
    static func assignNewBuild(_ kit: ServerCaseKit, to agent: SimulatedAgent) async throws -> Assignment {
        // A build version is stored once per server, so each run takes one it has not used.
        let seconds = UInt32(Date().timeIntervalSince1970)
        let build = UInt32.random(in: 1...60_000)
        let version = "2.\(seconds).\(build)"
        let bytes = Array("conformance agent build \(version)\n".utf8) + (0..<64).map { _ in UInt8.random(in: 0...255) }

        let stored = try await kit.admin.call(.put, "/admin/v1/builds/\(version)", body: bytes)
        guard stored.status == 201 else {
            throw CaseStop.notChecked("the administrator API did not store an agent build (status \(stored.status))")
        }
        let assigned = try await kit.admin.call(
            .put, "/admin/v1/upgrade-assignment", json: ["version": version, "agent_id": agent.agentID])
        guard assigned.status == 200 else {
            throw CaseStop.notChecked("the administrator API did not assign version \(version) (status \(assigned.status))")
        }
        return Assignment(version: version, build: bytes, otherVersion: "2.\(seconds).\(build + 1)")
    }

    /// Sends a heartbeat that reports `version` and returns the reply's upgrade offer.
    static func offer(_ agent: SimulatedAgent, reporting version: String) async throws -> UpgradeOffer? {
        var heartbeat = agent.nextHeartbeat()
        heartbeat.agentVersion = version
        return try await agent.heartbeat(heartbeat).upgradeOffer
    }

    static func offerUntilEqual(_ target: ServerTarget) -> ConformanceCase {
        .server("server.upgrade.offer-until-version-equal",
                "Every heartbeat reply offers the assigned version, with the package's size and SHA-256, until the agent reports an equal version",
                ["EACP-UPGRADE-001", "EACP-VERSION-004", "EACP-HEARTBEAT-008"], target, profile: .upgrades) { kit in
            let agent = try await kit.enrolledAgent()
            let assignment = try await assignNewBuild(kit, to: agent)
            let assigned = try AgentVersion(parsing: assignment.version)

            var first: UpgradeOffer?
            for reported in ["1.4", "1.4", "99"] {
                guard let offer = try await offer(agent, reporting: reported) else {
                    throw CaseStop.failed("the reply to a heartbeat reporting \(reported) has no upgrade offer")
                }
                try kit.context.require(
                    (try? AgentVersion(parsing: offer.version)) == assigned,
                    "the upgrade offer names version \"\(offer.version)\", not the assigned \(assignment.version)")
                first = first ?? offer
            }
            guard let first else { return }

            let package = try await agent.get("/eacp/v1/upgrades/\(assignment.version)")
            try kit.context.require(package.status.code == 200, "GET of the offered package: expected 200, got \(package.status.code)")
            try kit.context.require(
                first.sizeBytes == UInt64(package.body.count),
                "the offer's size_bytes is \(first.sizeBytes), the package has \(package.body.count) bytes")
            try kit.context.require(
                first.sha256 == SHA256Digest.of(package.body), "the offer's sha256 is not the SHA-256 of the package")

            for reported in [assignment.version, assignment.paddedVersion, "0" + assignment.version] {
                let offer = try await offer(agent, reporting: reported)
                try kit.context.require(
                    offer == nil, "an agent reporting \(reported), equal to the assigned \(assignment.version), got an upgrade offer")
            }
        }
    }

    static func download(_ target: ServerTarget) -> ConformanceCase {
        .server("server.upgrade.download",
                "The offered package downloads under any equal version, with ranges, and other versions and agents get 404",
                ["EACP-UPGRADE-002", "EACP-VERSION-004", "EACP-TRANSPORT-012"], target, profile: .upgrades) { kit in
            let agent = try await kit.enrolledAgent()
            let assignment = try await assignNewBuild(kit, to: agent)
            guard let offer = try await offer(agent, reporting: "1.4") else {
                throw CaseStop.notChecked("the server made no upgrade offer, so there is no package to download")
            }

            let whole = try await agent.get("/eacp/v1/upgrades/\(assignment.version)")
            try kit.context.require(whole.status.code == 200, "GET of the offered version: expected 200, got \(whole.status.code)")
            try kit.context.require(
                whole.body.count == Int(offer.sizeBytes) && SHA256Digest.of(whole.body) == offer.sha256,
                "the downloaded package does not match the offer's size_bytes and sha256")

            let padded = try await agent.get("/eacp/v1/upgrades/\(assignment.paddedVersion)")
            try kit.context.require(
                padded.status.code == 200 && padded.body == whole.body,
                "GET under \(assignment.paddedVersion), equal to the offered version: expected 200 with the package, got \(padded.status.code)")

            let range = try await agent.get("/eacp/v1/upgrades/\(assignment.version)", headers: ["Range": "bytes=10-"])
            let count = whole.body.count
            try kit.context.require(
                range.status.code == 206 && range.body == Array(whole.body.dropFirst(10))
                    && range.headers.first(name: "Content-Range") == "bytes 10-\(count - 1)/\(count)",
                "GET with Range bytes=10-: expected 206 with bytes 10-\(count - 1), got \(range.status.code) \(range.headers.first(name: "Content-Range") ?? "")")

            for version in [assignment.otherVersion, "1.4"] {
                let answer = try await agent.get("/eacp/v1/upgrades/\(version)")
                try kit.expectError((answer.status.code, answer.body), status: 404, code: .notFound,
                                    "GET of version \(version), which was not offered")
            }
            let other = try await kit.enrolledAgent()
            let foreign = try await other.get("/eacp/v1/upgrades/\(assignment.version)")
            try kit.expectError((foreign.status.code, foreign.body), status: 404, code: .notFound,
                                "GET of \(assignment.version) by an agent it was not offered to")
        }
    }
}
