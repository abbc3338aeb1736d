import EACPProtocol
import EACPTransport
import Foundation
import Testing
@testable import ReferenceServer

/// Content revisions and agent upgrades, from the administrator API to the agent's download.
@Suite(.serialized)
struct ContentAndUpgradeTests {
    static let content = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    static let build = Array("#!/bin/sh\necho eacp-agent 1.5\n".utf8)

    private func publish(_ harness: ServerTestHarness, revision: Int, _ bytes: [UInt8]) async throws -> Int {
        try await harness.endpoint.adminRaw(
            .put, "/admin/v1/content/\(revision)", body: bytes, contentType: "application/octet-stream"
        ).status.code
    }

    private func contentVersion(_ revision: UInt64, _ sha256: [UInt8]) -> ContentVersion {
        var version = ContentVersion()
        version.revision = revision
        version.sha256 = sha256
        return version
    }

    @Test func contentOfferFollowsRevisionAndHash() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        #expect(try await publish(harness, revision: 5, Self.content) == 201)
        let digest = SHA256.digest(Self.content)
        let otherDigest = SHA256.digest([1, 2, 3])

        let none = try await agent.heartbeat()
        let lower = try await agent.heartbeat(content: contentVersion(4, otherDigest))
        let equal = try await agent.heartbeat(content: contentVersion(5, digest))
        let equalOtherHash = try await agent.heartbeat(content: contentVersion(5, otherDigest))
        let higher = try await agent.heartbeat(content: contentVersion(6, otherDigest))

        var expected = ContentOffer()
        expected.version = contentVersion(5, digest)
        expected.sizeBytes = UInt64(Self.content.count)
        #expect(none.contentOffer == expected)
        #expect(lower.contentOffer == expected)
        #expect(equal.contentOffer == nil)
        #expect(equalOtherHash.contentOffer == expected)
        #expect(higher.contentOffer == nil)
        await harness.stop()
    }

    @Test func contentDownloadResumesWithRange() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        #expect(try await publish(harness, revision: 5, Self.content) == 201)

        let head = try await agent.get("/eacp/v1/content/5", range: "bytes=0-1999")
        let tail = try await agent.get("/eacp/v1/content/5", range: "bytes=2000-")
        let beyond = try await agent.get("/eacp/v1/content/5", range: "bytes=5000-")

        #expect(head.status.code == 206)
        #expect(head.headers.first(name: "Content-Range") == "bytes 0-1999/5000")
        #expect(tail.status.code == 206)
        #expect(tail.headers.first(name: "Content-Range") == "bytes 2000-4999/5000")
        #expect(SHA256.digest(head.body + tail.body) == SHA256.digest(Self.content))
        #expect(beyond.status.code == 416)
        #expect(beyond.headers.first(name: "Content-Range") == "bytes */5000")
        #expect(try await agent.get("/eacp/v1/content/6").status.code == 404)
        await harness.stop()
    }

    @Test func assignedUpgradeIsOfferedAndDownloadable() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.4")
        let stored = try await harness.endpoint.adminRaw(
            .put, "/admin/v1/builds/1.5", body: Self.build, contentType: "application/octet-stream")
        #expect(stored.status.code == 201)
        let assigned = try await harness.admin(
            .put, "/admin/v1/upgrade-assignment", json: #"{"version":"1.5","agent_id":"\#(agent.agentID)"}"#)
        #expect(assigned.status == 200)

        let offer = try #require(try await agent.heartbeat().upgradeOffer)
        #expect(offer.version == "1.5")
        let package = try await agent.get("/eacp/v1/upgrades/1.5")
        #expect(package.status.code == 200)
        #expect(UInt64(package.body.count) == offer.sizeBytes)
        #expect(SHA256.digest(package.body) == offer.sha256)

        let members = try TarMembers(package.body)
        #expect(members.names == ["manifest.json", "eacp-agent"])
        #expect(members.contents["eacp-agent"] == Self.build)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(members.contents["manifest.json"] ?? [])) as? [String: Any])
        #expect(manifest["format"] as? String == "eacp-upgrade-package-1")
        #expect(manifest["version"] as? String == "1.5")
        #expect(manifest["build_sha256"] as? String == Hex.encode(SHA256.digest(Self.build)))

        let resumed = try await agent.get("/eacp/v1/upgrades/1.5", range: "bytes=512-")
        #expect(resumed.status.code == 206)
        #expect(resumed.body == Array(package.body[512...]))
        #expect(try await agent.get("/eacp/v1/upgrades/1.6").status.code == 404)
        await harness.stop()
    }

    @Test func upgradedAgentGetsNoOffer() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.5")
        _ = try await harness.endpoint.adminRaw(
            .put, "/admin/v1/builds/1.5", body: Self.build, contentType: "application/octet-stream")
        _ = try await harness.admin(.put, "/admin/v1/upgrade-assignment", json: #"{"version":"1.5"}"#)

        #expect(try await agent.heartbeat().upgradeOffer == nil)
        await harness.stop()
    }
}

/// The members of a POSIX ustar archive, enough to read an upgrade package.
struct TarMembers {
    var names: [String] = []
    var contents: [String: [UInt8]] = [:]

    init(_ archive: [UInt8]) throws {
        var offset = 0
        while offset + 512 <= archive.count, archive[offset] != 0 {
            let header = Array(archive[offset..<offset + 512])
            let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            let sizeText = String(decoding: header[124..<136].prefix { $0 != 0 && $0 != 0x20 }, as: UTF8.self)
            guard let size = Int(sizeText, radix: 8), offset + 512 + size <= archive.count else {
                throw TestFailure("tar header at \(offset) has an invalid size \"\(sizeText)\"")
            }
            names.append(name)
            contents[name] = Array(archive[offset + 512..<offset + 512 + size])
            offset += 512 + (size + 511) / 512 * 512
        }
    }
}
