import EACPProtocol
import Foundation

/// Content offers to an agent: which it installs, which it ignores, and that it verifies a
/// package before installing it.
enum AgentContentCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [offers(harness)]
    }

    /// One step of the offer table: the offer, the package served for it, and whether the agent
    /// must install it.
    struct Step {
        var name: String
        var revision: UInt64
        var package: [UInt8]
        /// The digest the offer names; the package's own digest unless the step tests verification.
        var offeredDigest: [UInt8]
        var installs: Bool
    }

    static func offers(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.content.offer-table",
               "Offered content is installed when newer or equal with another digest, ignored otherwise, and verified first",
               ["EACP-CONTENT-004", "EACP-CONTENT-005", "EACP-CONTENT-006"], harness, timeout: .seconds(90)) { harness, context in
            let reported = harness.handlers.observations.value.heartbeats.last?.value.contentVersion?.revision ?? 0
            let base = reported + 100
            let first = Array("conformance content A \(base)\n".utf8)
            let second = Array("conformance content B \(base)\n".utf8)
            let older = Array("conformance content older \(base)\n".utf8)
            let damaged = Array("conformance content damaged \(base)\n".utf8)
            let steps = [
                Step(name: "a higher revision", revision: base, package: first, offeredDigest: SHA256Digest.of(first), installs: true),
                Step(name: "a lower revision without downgrade", revision: base - 1, package: older,
                     offeredDigest: SHA256Digest.of(older), installs: false),
                Step(name: "the same revision and digest", revision: base, package: first, offeredDigest: SHA256Digest.of(first),
                     installs: false),
                Step(name: "the same revision with another digest", revision: base, package: second,
                     offeredDigest: SHA256Digest.of(second), installs: true),
                Step(name: "a higher revision whose package does not match its digest", revision: base + 1, package: damaged,
                     offeredDigest: SHA256Digest.of(first), installs: false),
            ]
            // The shortest interval the specification allows, so the heartbeats each step waits for come quickly.
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            defer { harness.handlers.script.update { $0.heartbeatIntervalMs = 2_000 } }
            _ = try await harness.requestHeartbeatNow(timeout: .seconds(5))
            var installed = ContentVersionValue(revision: reported, digest: [])
            for step in steps {
                installed = try await run(step, installed: installed, harness, context)
            }
            harness.handlers.script.update { $0.contentOffer = nil }
        }
    }

    struct ContentVersionValue: Equatable {
        var revision: UInt64
        var digest: [UInt8]
    }

    /// Offers `step` until the agent shows the expected outcome in its heartbeats, and returns the
    /// content version it reports afterwards.
    static func run(_ step: Step, installed: ContentVersionValue, _ harness: AgentHarness, _ context: CaseContext) async throws
        -> ContentVersionValue
    {
        var offer = ContentOffer()
        var version = ContentVersion()
        version.revision = step.revision
        version.sha256 = step.offeredDigest
        offer.version = version
        offer.sizeBytes = UInt64(step.package.count)
        context.transcript.note("offering \(step.name): revision \(step.revision)")
        harness.handlers.script.update {
            $0.contentOffer = offer
            $0.contentPackages = [step.revision: step.package]
        }
        // The first heartbeat to carry the offer comes at once when a push channel is open.
        let start = harness.handlers.observations.value.heartbeats.count
        _ = try await harness.requestHeartbeatNow()

        if step.installs {
            let expected = ContentVersionValue(revision: step.revision, digest: step.offeredDigest)
            // Tolerance: two heartbeats at 1000 ms, one download and one install on a loaded machine.
            let reported = try await waitFor(timeout: .seconds(10)) { () -> ContentVersionValue? in
                let last = harness.handlers.observations.value.heartbeats.last?.value.contentVersion
                let value = ContentVersionValue(revision: last?.revision ?? 0, digest: last?.sha256 ?? [])
                return value == expected ? value : nil
            }
            try context.require(reported != nil, "the agent did not report \(step.name) as installed within 10 s of the offer")
            return expected
        }

        // Three heartbeats from the one that carried the offer show that the agent keeps reporting what it had.
        guard try await waitFor(timeout: .seconds(10), {
            harness.handlers.observations.value.heartbeats.count >= start + 3 ? true : nil
        }) != nil else { throw CaseStop.failed("fewer than 3 heartbeats arrived within 10 s") }
        for heartbeat in harness.handlers.observations.value.heartbeats.dropFirst(start) {
            let reported = heartbeat.value.contentVersion
            try context.require(
                reported?.revision ?? 0 == installed.revision && (installed.digest.isEmpty || reported?.sha256 == installed.digest),
                "after an offer of \(step.name) the agent reports content revision \(reported?.revision ?? 0), expected \(installed.revision)")
        }
        return installed
    }
}
