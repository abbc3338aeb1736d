import EACPProtocol
import EACPTransport
import Foundation

/// Limits the agent keeps as a sender, and a digest of the wrong length that it must not trust.
enum AgentLimitCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [eventBatchesSplit(harness), shortDigestRejected(harness)]
    }

    /// More events than one batch may carry (500).
    static let backlog = 600

    static func eventBatchesSplit(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.limits.event-batches-split",
               "A backlog of 600 events goes in batches of at most 500, and every POST body stays within its limit",
               ["EACP-LIMIT-002"], harness, timeout: .seconds(60)) { harness, context in
            let sizes = LockedValue<[Int]>([])
            let holding = LockedValue(true)
            let written = LockedValue(false)
            let watched = harness.watchDirectory
            let handler = AgentRetryCases.answer(harness) { batch in
                sizes.update { $0.append(batch.events.count) }
                // The first request waits until the runner wrote every file and the watcher took them all,
                // so the backlog builds up behind it.
                _ = try? await waitFor(timeout: .seconds(10), interval: .milliseconds(100)) {
                    guard holding.value else { return true }
                    let left = (try? FileManager.default.contentsOfDirectory(atPath: watched))?.count ?? 0
                    return written.value && left == 0 ? true : nil
                }
                holding.update { $0 = false }
                return AgentRetryCases.acknowledge(batch, harness)
            }
            harness.handlers.script.update { $0.overrides[AgentRetryCases.eventsPath] = Array(repeating: handler, count: 20) }
            defer { harness.handlers.script.update { $0.overrides[AgentRetryCases.eventsPath] = nil } }

            let stored = harness.handlers.observations.value.events.count
            try "first\n".write(toFile: watched + "/limit-first.txt", atomically: false, encoding: .utf8)
            guard try await waitFor(timeout: .seconds(10), { sizes.value.first }) != nil else {
                throw CaseStop.notChecked("no security event arrived for a new file in EACP_WATCH_DIR, so no backlog could be built")
            }
            for index in 0..<backlog {
                try "\(index)\n".write(toFile: watched + "/limit-\(index).txt", atomically: false, encoding: .utf8)
            }
            written.update { $0 = true }
            context.transcript.note("holding the first events request while \(backlog) files appear in the watched folder")
            guard try await waitFor(timeout: .seconds(40), {
                harness.handlers.observations.value.events.count >= stored + backlog + 1 ? true : nil
            }) != nil else {
                throw CaseStop.failed("the \(backlog + 1) events were not all sent within 40 s; batch sizes \(sizes.value)")
            }
            context.transcript.note("batch sizes \(sizes.value)")
            try context.require(sizes.value.allSatisfy { $0 <= 500 }, "an events request carried \(sizes.value.max() ?? 0) events, above 500")
            for head in harness.handlers.observations.value.postHeads.map(\.value) {
                let limit = head.path == AgentUploadCases.chunksPath ? 4_194_304 : 1_048_576
                try context.require(head.bodyCount <= limit, "a POST to \(head.path) had a \(head.bodyCount)-byte body, above \(limit)")
            }
        }
    }

    static func shortDigestRejected(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.limits.short-digest-rejected",
               "A content offer whose SHA-256 is 31 bytes long is not acted on: the package is not downloaded",
               ["EACP-LIMIT-008", "EACP-ERROR-013"], harness) { harness, context in
            let reported = harness.handlers.observations.value.heartbeats.last?.value.contentVersion
            let revision = (reported?.revision ?? 0) + 1_000
            let package = Array("conformance content with a short digest \(revision)\n".utf8)
            var version = ContentVersion()
            version.revision = revision
            version.sha256 = Array(SHA256Digest.of(package).prefix(31))
            var offer = ContentOffer()
            offer.version = version
            offer.sizeBytes = UInt64(package.count)
            harness.handlers.script.update { script in
                script.contentOffer = offer
                script.contentPackages[revision] = package
            }
            defer { harness.handlers.script.update { $0.contentOffer = nil } }
            context.transcript.note("offering revision \(revision) with a 31-byte SHA-256 in two heartbeat replies")
            for _ in 0..<2 {
                guard try await harness.requestHeartbeatNow() != nil else {
                    throw CaseStop.failed("no heartbeat within 10 s")
                }
            }
            try await Task.sleep(for: .seconds(1))
            let downloads = harness.handlers.observations.value.contentDownloads.filter { $0.value == revision }.count
            try context.require(downloads == 0, "the agent downloaded revision \(revision) \(downloads) times although its SHA-256 is 31 bytes long")
            let now = harness.handlers.observations.value.heartbeats.last?.value.contentVersion
            try context.require(now?.revision != revision, "the agent reports revision \(revision) as installed")
        }
    }
}
