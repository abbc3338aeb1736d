import EACPProtocol
import Testing

@Suite struct VersionContentTests {
    static let digestA = [UInt8](repeating: 0xAA, count: 32)
    static let digestB = [UInt8](repeating: 0xBB, count: 32)

    static func content(_ revision: UInt64, _ digest: [UInt8]) -> ValidatedContentVersion {
        try! ValidatedContentVersion(revision: revision, sha256: digest)
    }

    @Test(arguments: [0, 1, 31, 33, 64])
    func rejectsDigestOfWrongLength(length: Int) {
        #expect(throws: ContentVersionError(revision: 7, digestByteCount: length)) {
            try ValidatedContentVersion(revision: 7, sha256: [UInt8](repeating: 1, count: length))
        }
    }

    @Test func acceptsDigestOf32Bytes() throws {
        let version = try ValidatedContentVersion(revision: 7, sha256: Self.digestA)
        #expect(version.revision == 7)
        #expect(version.sha256 == Self.digestA)
    }

    @Test func digestErrorNamesRevisionAndLength() {
        let error = ContentVersionError(revision: 7, digestByteCount: 31)
        #expect(error.description == "invalid content version 7: the SHA-256 digest has 31 bytes, expected 32")
    }

    @Test func descriptionShowsRevisionAndHexDigest() {
        let digest: [UInt8] = [0x00, 0x0F, 0xA0] + [UInt8](repeating: 0xFF, count: 29)
        let version = Self.content(42, digest)
        #expect(version.description == "42/sha256:000fa0" + String(repeating: "ff", count: 29))
    }

    // One row per line of the decision table in spec/versions.md.
    @Test(
        arguments: [
            (5, digestA, nil, false, ContentOfferDecision.offer),
            (5, digestA, nil, true, .offer),
            (6, digestA, (5, digestA), false, .offer),
            (6, digestB, (5, digestA), true, .offer),
            (5, digestB, (5, digestA), false, .offer),
            (5, digestB, (5, digestA), true, .offer),
            (5, digestA, (5, digestA), false, .upToDate),
            (5, digestA, (5, digestA), true, .upToDate),
            (4, digestA, (5, digestA), true, .offerDowngrade),
            (4, digestB, (5, digestA), true, .offerDowngrade),
            (4, digestA, (5, digestA), false, .withheld),
            (0, digestA, (UInt64.max, digestA), false, .withheld),
        ] as [(UInt64, [UInt8], (UInt64, [UInt8])?, Bool, ContentOfferDecision)])
    func offerRuleFollowsDecisionTable(
        serverRevision: UInt64, serverDigest: [UInt8], agent: (UInt64, [UInt8])?, downgradeAllowed: Bool,
        expected: ContentOfferDecision
    ) {
        let server = Self.content(serverRevision, serverDigest)
        let agentVersion = agent.map { Self.content($0.0, $0.1) }
        let decision = ContentOfferDecision(server: server, agent: agentVersion, downgradeAllowed: downgradeAllowed)
        #expect(decision == expected)
    }
}
