/// The traceability page: every requirement with its level, roles and the conformance cases that check it.
struct RequirementsPage {
    let requirements: [Requirement]
    /// Nil when no conformance case list exists yet.
    let cases: [ConformanceCaseReference]?

    func page() -> DocPage {
        var casesByRequirement: [String: [String]] = [:]
        for conformanceCase in cases ?? [] {
            for id in conformanceCase.requirementIDs { casesByRequirement[id, default: []].append(conformanceCase.id) }
        }
        let uncheckedMusts = requirements.filter { $0.level == "MUST" && casesByRequirement[$0.id] == nil }

        var parts = [
            "# Requirements and conformance cases",
            "Every requirement of [`requirements.json`](../requirements.json), with the conformance cases that check "
                + "it. An id links to the section that states it. Levels follow RFC 2119: an implementation "
                + "conforms only if it meets every MUST of its role.",
        ]
        if cases == nil {
            parts.append("No conformance case list exists yet, so every requirement shows \"no case yet\".")
        }
        parts.append(summaryTable(casesByRequirement))
        if uncheckedMusts.isEmpty {
            parts.append("Every MUST requirement has at least one conformance case.")
        } else {
            let links = uncheckedMusts.map { idLink($0) }
            parts.append(
                "**\(uncheckedMusts.count) MUST requirements have no conformance case yet:** "
                    + links.joined(separator: ", ") + ".")
        }
        for area in areas() {
            parts.append("## \(area)")
            let rows = requirements.filter { $0.area == area }.map { requirement in
                [
                    idLink(requirement), requirement.level, requirement.roles.joined(separator: ", "),
                    requirement.title,
                    caseCell(requirement, casesByRequirement[requirement.id]),
                ]
            }
            parts.append(MarkdownText.table(["id", "level", "roles", "title", "conformance cases"], rows))
        }
        return DocPage(
            path: "docs/requirements.md", title: "Requirements", body: parts,
            sources: "spec/requirements.json and the conformance case list")
    }

    /// Returns one row per area: how many requirements of each level it has, and how many MUSTs have a case.
    private func summaryTable(_ casesByRequirement: [String: [String]]) -> String {
        var rows: [[String]] = []
        for area in areas() {
            let inArea = requirements.filter { $0.area == area }
            let musts = inArea.filter { $0.level == "MUST" }
            let checked = musts.filter { casesByRequirement[$0.id] != nil }
            rows.append([
                "[\(area)](#\(Anchor.slug(area)))", "\(musts.count)", "\(checked.count)",
                "\(musts.count - checked.count)", "\(inArea.filter { $0.level == "SHOULD" }.count)",
                "\(inArea.filter { $0.level == "MAY" }.count)",
            ])
        }
        return MarkdownText.table(
            ["area", "MUST", "MUST with a case", "MUST without a case", "SHOULD", "MAY"], rows)
    }

    private func caseCell(_ requirement: Requirement, _ caseIDs: [String]?) -> String {
        guard let caseIDs else { return requirement.level == "MUST" ? "**no case yet**" : "no case yet" }
        return caseIDs.map { "`\($0)`" }.joined(separator: ", ")
    }

    private func idLink(_ requirement: Requirement) -> String {
        "[\(requirement.id)](../\(requirement.section))"
    }

    /// Areas in the order of their first requirement.
    private func areas() -> [String] {
        var seen: [String] = []
        for requirement in requirements where !seen.contains(requirement.area) { seen.append(requirement.area) }
        return seen
    }
}
