import EACPProtocol
import EACPTransport
import Foundation

/// The content offer table and content downloads of a server.
enum ServerContentCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [offerTable(target)]
    }

    static func offerTable(_ target: ServerTarget) -> ConformanceCase {
        .server("server.content.offer-table",
                "Content is offered for no content, a lower revision and an equal revision with another hash, only",
                ["EACP-CONTENT-002", "EACP-CONTENT-003", "EACP-CONTENT-007", "EACP-TRANSPORT-012", "EACP-TRANSPORT-013"],
                target) { kit in
            // Revisions only grow on a server, so a run picks one above any earlier run's.
            let revision = UInt64(Date().timeIntervalSince1970 * 1_000)
            let package = Array("conformance content \(revision)\n".utf8)
            let published = try await kit.admin.call(.put, "/admin/v1/content/\(revision)", body: package)
            guard published.status == 201 else {
                throw CaseStop.notChecked("the administrator API did not publish content (status \(published.status))")
            }
            let digest = SHA256Digest.of(package)
            let agent = try await kit.enrolledAgent()

            let rows: [(String, ContentVersion?, Bool)] = [
                ("no content", nil, true),
                ("revision 0", contentVersion(0, []), true),
                ("a lower revision", contentVersion(revision - 1, digest), true),
                ("the same revision and digest", contentVersion(revision, digest), false),
                ("the same revision, another digest", contentVersion(revision, Array(repeating: 0xAB, count: 32)), true),
                ("a higher revision", contentVersion(revision + 1, digest), false),
            ]
            for (name, version, offered) in rows {
                var heartbeat = agent.nextHeartbeat()
                heartbeat.contentVersion = version
                let reply = try await agent.heartbeat(heartbeat)
                if offered {
                    guard let offer = reply.contentOffer else { throw CaseStop.failed("no content offer for an agent with \(name)") }
                    try kit.context.require(
                        offer.version?.revision == revision && offer.version?.sha256 == digest,
                        "the offer for an agent with \(name) names another package")
                    try kit.context.require(!offer.downgrade, "the offer for an agent with \(name) has downgrade set")
                    try kit.context.require(offer.sizeBytes == UInt64(package.count), "the offer's size_bytes is \(offer.sizeBytes)")
                } else {
                    try kit.context.require(reply.contentOffer == nil, "an agent with \(name) was offered content")
                }
            }

            _ = try await agent.heartbeat()
            let whole = try await agent.get("/eacp/v1/content/\(revision)")
            try kit.context.require(whole.status.code == 200 && whole.body == package, "GET content: expected 200 with the package, got \(whole.status.code)")
            let range = try await agent.get("/eacp/v1/content/\(revision)", headers: ["Range": "bytes=5-"])
            try kit.context.require(
                range.status.code == 206 && range.body == Array(package[5...])
                    && range.headers.first(name: "Content-Range") == "bytes 5-\(package.count - 1)/\(package.count)",
                "GET content with Range bytes=5-: expected 206 with the rest, got \(range.status.code) \(range.headers.first(name: "Content-Range") ?? "")")
            let missing = try await agent.get("/eacp/v1/content/\(revision + 7)")
            try kit.context.require(missing.status.code == 404, "GET of a revision never offered: expected 404, got \(missing.status.code)")
        }
    }

    static func contentVersion(_ revision: UInt64, _ digest: [UInt8]) -> ContentVersion {
        var version = ContentVersion()
        version.revision = revision
        version.sha256 = digest
        return version
    }
}
