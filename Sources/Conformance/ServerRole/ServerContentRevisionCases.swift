import EACPProtocol
import EACPTransport
import Foundation

/// The numbering of the content packages a server publishes.
enum ServerContentRevisionCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [revisionsOnlyGrow(target), downloadOnlyOffered(target)]
    }

    static func downloadOnlyOffered(_ target: ServerTarget) -> ConformanceCase {
        .server("server.content.download-only-offered",
                "Only the offered content revision downloads; an earlier published revision gets 404",
                ["EACP-CONTENT-007"], target) { kit in
            // Revisions only grow on a server, so a run picks ones above any earlier run's.
            let earlier = UInt64(Date().timeIntervalSince1970 * 1_000)
            let packages = [earlier: Array("earlier content \(earlier)\n".utf8), earlier + 1: Array("current content \(earlier + 1)\n".utf8)]
            for revision in [earlier, earlier + 1] {
                let published = try await kit.admin.call(.put, "/admin/v1/content/\(revision)", body: packages[revision] ?? [])
                guard published.status == 201 else {
                    throw CaseStop.notChecked("the administrator API did not publish content \(revision) (status \(published.status))")
                }
            }

            let agent = try await kit.enrolledAgent()
            let offered = try await agent.heartbeat().contentOffer?.version?.revision
            try kit.context.require(offered == earlier + 1, "the server offers revision \(offered ?? 0), expected \(earlier + 1)")
            let current = try await agent.get("/eacp/v1/content/\(earlier + 1)")
            try kit.context.require(
                current.status.code == 200 && current.body == packages[earlier + 1],
                "GET of the offered revision \(earlier + 1): expected 200 with its package, got \(current.status.code)")
            let old = try await agent.get("/eacp/v1/content/\(earlier)")
            try kit.expectError((old.status.code, old.body), status: 404, code: .notFound,
                                "GET of revision \(earlier), published before the offered one and never offered")
        }
    }

    static func revisionsOnlyGrow(_ target: ServerTarget) -> ConformanceCase {
        .server("server.content.revisions-only-grow",
                "A second package under a published revision, or a new package below it, is not published",
                ["EACP-CONTENT-001"], target) { kit in
            // Revisions only grow on a server, so a run picks one above any earlier run's.
            let revision = UInt64(Date().timeIntervalSince1970 * 1_000)
            let package = Array("conformance content \(revision)\n".utf8)
            let published = try await kit.admin.call(.put, "/admin/v1/content/\(revision)", body: package)
            guard published.status == 201 else {
                throw CaseStop.notChecked("the administrator API did not publish content (status \(published.status))")
            }

            let attempts: [(String, String)] = [
                ("another package under revision \(revision)", "/admin/v1/content/\(revision)"),
                ("a new package under the lower revision \(revision - 1)", "/admin/v1/content/\(revision - 1)"),
                ("a new package under the lower revision \(revision - 1) with the downgrade flag",
                 "/admin/v1/content/\(revision - 1)?downgrade=true"),
            ]
            for (what, path) in attempts {
                let answer = try await kit.admin.call(.put, path, body: Array("other conformance content \(path)\n".utf8))
                try kit.context.require(
                    !(200..<300).contains(answer.status), "publishing \(what) succeeded with \(answer.status); expected 409")
                if answer.status != 409 { try kit.context.warn("publishing \(what) got \(answer.status), not 409") }
            }

            let agent = try await kit.enrolledAgent()
            let reply = try await agent.heartbeat()
            guard let offer = reply.contentOffer, let version = offer.version else {
                throw CaseStop.failed("an agent without content got no content offer")
            }
            try kit.context.require(
                version.revision == revision && version.sha256 == SHA256Digest.of(package) && !offer.downgrade,
                "the offer names revision \(version.revision) with another package, expected the first package of \(revision)")
            let download = try await agent.get("/eacp/v1/content/\(revision)")
            try kit.context.require(
                download.status.code == 200 && download.body == package,
                "GET of revision \(revision): expected 200 with the first package published under it, got \(download.status.code)")
        }
    }
}
