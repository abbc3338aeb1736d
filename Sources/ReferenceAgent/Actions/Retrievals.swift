import EACPProtocol
import Foundation

/// The three retrieval actions: endpoint files, security event data and the support file.
struct Retrievals {
    /// The default cap when `max_total_bytes` is 0: 1 GiB.
    static let defaultMaximumTotalBytes: UInt64 = 1 << 30

    let agent: Agent
    let actionID: String

    func endpointFiles(_ parameters: RetrieveEndpointFilesParameters) async -> ActionOutcome {
        let roots = EndpointFileRoots(agent.options.quarantineRoots)
        if let outside = parameters.paths.first(where: { !roots.contains($0) }) {
            return .failed(.permissionDenied, roots.rejectionDetail(for: outside, action: "file retrieval"))
        }
        var existing: [(String, UInt64)] = []
        var missing: [String] = []
        for path in parameters.paths {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
                let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber
            {
                existing.append((path, size.uint64Value))
            } else {
                missing.append(path)
            }
        }
        guard !existing.isEmpty else { return .failed(.notFound, "none of the \(missing.count) files exists") }
        let cap = parameters.maxTotalBytes == 0 ? Self.defaultMaximumTotalBytes : parameters.maxTotalBytes
        let total = existing.reduce(UInt64(0)) { $0 + $1.1 }
        guard total <= cap || BrokenVariant.isActive(.ignoresMaxTotalBytes) else {
            return .rejected(.invalidParameters, "the files add up to \(total) bytes, above max_total_bytes \(cap)")
        }
        return await upload(existing.map { ($0.0, Upload.Source.file($0.0)) }, missing: missing, what: "files missing")
    }

    func securityEventData(_ parameters: RetrieveSecurityEventDataParameters) async -> ActionOutcome {
        let folder = EventData.folder(agent.options.stateDirectory)
        var found: [(String, Upload.Source)] = []
        var missing: [String] = []
        for eventID in parameters.eventIds {
            let path = folder + "/" + eventID
            if FileManager.default.fileExists(atPath: path) { found.append((eventID, .file(path))) } else { missing.append(eventID) }
        }
        guard !found.isEmpty else { return .failed(.notFound, "the agent keeps data for none of the events") }
        if BrokenVariant.isActive(.failsOnMissingEventData), !missing.isEmpty {
            return .failed(.notFound, "the agent keeps no data for " + missing.joined(separator: ", "))
        }
        return await upload(found, missing: missing, what: "events without data")
    }

    func supportFile(_ parameters: RetrieveSupportFileParameters) async -> ActionOutcome {
        let bundle: [UInt8]
        do {
            bundle = try SupportBundle(agent: agent).build(includeLogs: parameters.includeLogs)
        } catch {
            return .failed(.internal, "the support file could not be built: \(error)")
        }
        return await upload([("support-bundle.json", .bytes(bundle))], missing: [], what: "")
    }

    private func upload(_ sources: [(String, Upload.Source)], missing: [String], what: String) async -> ActionOutcome {
        var references: [UploadReference] = []
        for (name, source) in sources {
            do {
                references.append(try await Upload(link: agent.link, log: agent.log, actionID: actionID, name: name, source: source).run())
            } catch {
                return .failed(.uploadFailed, error.message)
            }
        }
        let detail = missing.isEmpty ? "" : "\(what): " + missing.joined(separator: ", ")
        return .succeeded(detail, uploads: references)
    }
}

/// The folder of security event data: one file per event id, for events that have data.
enum EventData {
    static func folder(_ stateDirectory: String) -> String { stateDirectory + "/event-data" }
}

/// A JSON summary of the agent's configuration and state for support staff. It never contains the
/// private key or the enrollment token.
struct SupportBundle {
    let agent: Agent

    func build(includeLogs: Bool) throws -> [UInt8] {
        var summary: [String: Any] = [
            "agent_version": AgentIdentity.version,
            "server_url": agent.options.serverURL.description,
            "state_dir": agent.options.stateDirectory,
            "watch_dir": agent.options.watchDirectory ?? "",
            "quarantine_roots": agent.options.quarantineRoots,
            "isolation_backend": agent.options.isolationBackend,
            "generated_unix_ms": AgentClock.nowUnixMs(),
        ]
        if BrokenVariant.isActive(.supportFileHasToken) { summary["enrollment_token"] = agent.options.enrollmentToken ?? "" }
        let snapshot = try StatusSnapshot.capture(agent)
        summary["status"] = try JSONSerialization.jsonObject(with: try StatusSnapshot.encoder.encode(snapshot))
        if includeLogs {
            let batch = try agent.store.peekLogRecords(limit: 1_000)
            summary["logs"] = batch.records.map { "\($0.timeUnixMs) \($0.component) \($0.message)" }
        }
        return Array(try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .prettyPrinted]))
    }
}
