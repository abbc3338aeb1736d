import Foundation

/// The known-failures file: cases an implementation is known to fail, each with the reason.
///
/// One entry per line, `CASE-ID  REASON`, separated by at least one space; `#` starts a comment line.
/// A listed failure does not fail the run, but the list must stay true: an entry without a reason,
/// an entry for a case that now passes, or an unknown case id makes the run end with exit status 3.
public struct KnownFailures: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var caseID: String
        public var reason: String
        public var line: Int
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    public init(text: String) {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 1)
            let reason = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            entries.append(Entry(caseID: String(parts[0]), reason: reason, line: index + 1))
        }
        self.entries = entries
    }

    public static func load(path: String) throws(RunnerError) -> KnownFailures {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RunnerError(.staleKnownFailures, "known-failures file \(path) is missing or unreadable")
        }
        return KnownFailures(text: text)
    }

    public func reason(for caseID: String) -> String? {
        entries.first { $0.caseID == caseID }?.reason
    }

    /// Lists what makes the file stale against `results`: entries without a reason, entries for
    /// cases that passed (a warning passes unless the run is strict), and entries naming no case of
    /// the suite. Entries for cases that did not
    /// run in this selection are left alone.
    public func staleEntries(results: [CaseResult], allCaseIDs: Set<String>, strict: Bool) -> [String] {
        var problems: [String] = []
        for entry in entries {
            if entry.reason.isEmpty {
                problems.append("line \(entry.line): \(entry.caseID) has no reason")
            } else if !allCaseIDs.contains(entry.caseID) {
                problems.append("line \(entry.line): \(entry.caseID) is not a case of this suite")
            } else if let result = results.first(where: { $0.id == entry.caseID }),
                result.status == .passed || (result.status == .warning && !strict)
            {
                problems.append("line \(entry.line): \(entry.caseID) now passes; remove the entry")
            }
        }
        return problems
    }
}
