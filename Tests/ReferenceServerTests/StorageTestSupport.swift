import Foundation
import ReferenceServer

/// A fresh folder under the system's temporary directory, removed with everything in it in `deinit`.
final class StorageTestFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("eacp-server-store-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String {
        path + "/" + name
    }
}

/// Returns a stand-in enrollment token digest, because any 32 bytes serve as a SHA-256 here.
func tokenDigest(_ seed: UInt8) -> [UInt8] {
    [UInt8](repeating: seed, count: 32)
}

func sampleAgent(_ agentID: String, enrolledUnixMs: Int64 = 1_000) -> AgentRecord {
    AgentRecord(
        agentID: agentID, certificateFingerprint: "fp-" + agentID, enrolledUnixMs: enrolledUnixMs,
        agentVersion: "1.2.0")
}

/// Opens a store and enrolls `agentIDs` with one shared token.
func makeServerStore(
    in folder: StorageTestFolder, agents agentIDs: [String] = ["agent-a"], limits: ServerStoreLimits = .init()
) throws -> SQLiteServerStore {
    let store = try SQLiteServerStore(path: folder.file("server.sqlite"), limits: limits)
    try store.insertEnrollmentToken(
        EnrollmentTokenRecord(
            tokenDigest: tokenDigest(0xEE), label: "test", createdUnixMs: 0, expiresUnixMs: .max, maximumUses: 1_000))
    for agentID in agentIDs {
        _ = try store.enrollAgent(sampleAgent(agentID), tokenDigest: tokenDigest(0xEE), nowUnixMs: 1_000)
    }
    return store
}
