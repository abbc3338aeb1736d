/// The traceability page: every requirement with its level, roles, the conformance cases that check it and
/// the broken variants those cases catch, the MUST requirements that no case checks yet, and the list of cases.
struct RequirementsPage {
    let requirements: [Requirement]
    /// Nil when no conformance case list exists yet.
    let cases: [ConformanceCaseReference]?
    /// Nil when no broken variant list exists.
    var variants: [BrokenVariantReference]? = nil

    func page() -> DocPage {
        let casesByRequirement = casesByRequirementID()
        let variantsByRequirement = variantsByRequirementID()
        let musts = requirements.filter { $0.level == "MUST" }
        let uncheckedMusts = musts.filter { casesByRequirement[$0.id] == nil }

        var parts = [
            "# Requirements and conformance cases",
            "Every requirement of [`requirements.json`](../requirements.json), with the conformance cases that check "
                + "it. An id links to the section that states it. Levels follow RFC 2119: an implementation "
                + "conforms only if it meets every MUST of its role. A case outside the `core` profile is marked "
                + "with its profile in brackets, because it runs only when the implementation declares that profile.",
        ]
        if cases == nil {
            parts.append("No conformance case list exists yet, so every requirement shows \"no case yet\".")
        }
        let checkedCount = musts.count - uncheckedMusts.count
        let percent = musts.isEmpty ? 100 : checkedCount * 100 / musts.count
        parts.append(
            "**Coverage: \(checkedCount) of \(musts.count) MUST requirements (\(percent)%) have at least one "
                + "conformance case**, from \(cases?.count ?? 0) cases.")
        parts.append(uncheckedList(uncheckedMusts) ?? "Every MUST requirement has a conformance case.")
        if let variants {
            let broken = musts.filter { variantsByRequirement[$0.id] != nil }.count
            parts.append(
                "**\(broken) of \(musts.count) MUST requirements have a broken variant**: a reference server or agent "
                    + "changed to break that requirement, which the conformance cases naming it must catch. The "
                    + "suite's own tests run each of the \(variants.count) variants and expect those cases to fail; "
                    + "see [Broken variants](#broken-variants).")
            let unbroken = musts.filter { variantsByRequirement[$0.id] == nil }
            if !unbroken.isEmpty {
                parts.append("MUST requirements without a broken variant: " + unbroken.map { idLink($0) }.joined(separator: ", ") + ".")
            }
        }
        parts.append(summaryTable(casesByRequirement, variantsByRequirement))

        for area in areas() {
            parts.append("## \(area)")
            let inArea = requirements.filter { $0.area == area }
            if let sentence = uncheckedSentence(uncheckedMusts.filter { $0.area == area }) {
                parts.append(sentence)
            }
            let rows = inArea.map { requirement in
                var row = [idLink(requirement), requirement.level, requirement.roles.joined(separator: ", "), requirement.title]
                if variants != nil { row.append(variantCell(variantsByRequirement[requirement.id])) }
                row.append(caseCell(requirement, casesByRequirement[requirement.id]))
                return row
            }
            let headers = ["id", "level", "roles", "title"] + (variants == nil ? [] : ["broken variants"]) + ["conformance cases"]
            parts.append(MarkdownText.table(headers, rows))
        }
        if let cases, !cases.isEmpty {
            parts.append("## Conformance cases")
            parts.append(
                "Every case of the conformance suite, in the order of a run against the reference server and agent.")
            parts.append(caseTable(cases))
        }
        if let variants, !variants.isEmpty {
            parts.append("## Broken variants")
            parts.append(
                "Each variant is switched on in the reference implementation with `EACP_ALLOW_BROKEN_VARIANTS=1` and "
                    + "`EACP_BROKEN_VARIANT=<name>`. Run against it, the listed cases must fail.")
            parts.append(variantTable(variants))
        }
        return DocPage(
            path: "docs/requirements.md", title: "Requirements", body: parts,
            sources: "spec/requirements.json and the conformance case list")
    }

    /// Returns the cases that name each requirement id, in case-list order.
    private func casesByRequirementID() -> [String: [ConformanceCaseReference]] {
        var result: [String: [ConformanceCaseReference]] = [:]
        for conformanceCase in cases ?? [] {
            for id in conformanceCase.requirementIDs { result[id, default: []].append(conformanceCase) }
        }
        return result
    }

    /// Returns the names of the variants that break each requirement id, in list order.
    private func variantsByRequirementID() -> [String: [String]] {
        var result: [String: [String]] = [:]
        for variant in variants ?? [] {
            for id in variant.requirementIDs { result[id, default: []].append(variant.name) }
        }
        return result
    }

    /// Returns the count of `unchecked` in bold and a list of their ids with one line per area, or nil when it is
    /// empty.
    private func uncheckedList(_ unchecked: [Requirement]) -> String? {
        if unchecked.isEmpty { return nil }
        let noun = unchecked.count == 1 ? "MUST requirement has" : "MUST requirements have"
        var lines = ["**\(unchecked.count) \(noun) no conformance case yet:**", ""]
        for area in areas() {
            let inArea = unchecked.filter { $0.area == area }
            if inArea.isEmpty { continue }
            let links = inArea.map { idLink($0) }.joined(separator: ", ")
            lines.append("- [\(area)](#\(Anchor.slug(area))) (\(inArea.count)): " + links)
        }
        return lines.joined(separator: "\n")
    }

    /// Returns a sentence with the count of `unchecked` in bold and a link to each, or nil when it is empty.
    private func uncheckedSentence(_ unchecked: [Requirement]) -> String? {
        if unchecked.isEmpty { return nil }
        let noun = unchecked.count == 1 ? "MUST requirement has" : "MUST requirements have"
        return "**\(unchecked.count) \(noun) no conformance case yet:** "
            + unchecked.map { idLink($0) }.joined(separator: ", ") + "."
    }

    /// Returns one row per area: how many requirements of each level it has, and how many MUSTs have a case.
    private func summaryTable(
        _ casesByRequirement: [String: [ConformanceCaseReference]], _ variantsByRequirement: [String: [String]]
    ) -> String {
        var rows: [[String]] = []
        for area in areas() {
            let inArea = requirements.filter { $0.area == area }
            let musts = inArea.filter { $0.level == "MUST" }
            let checked = musts.filter { casesByRequirement[$0.id] != nil }
            let broken = musts.filter { variantsByRequirement[$0.id] != nil }
            rows.append([
                "[\(area)](#\(Anchor.slug(area)))", "\(musts.count)", "\(checked.count)",
                "\(musts.count - checked.count)", "\(broken.count)", "\(inArea.filter { $0.level == "SHOULD" }.count)",
                "\(inArea.filter { $0.level == "MAY" }.count)",
            ])
        }
        return MarkdownText.table(
            ["area", "MUST", "MUST with a case", "MUST without a case", "MUST with a broken variant", "SHOULD", "MAY"],
            rows)
    }

    private func variantTable(_ variants: [BrokenVariantReference]) -> String {
        let rows = variants.map { variant in
            [
                "`\(variant.name)`", variant.role, variant.summary, variant.requirementIDs.joined(separator: ", "),
                variant.caseIDs.map { "`\($0)`" }.joined(separator: ", "),
            ]
        }
        return MarkdownText.table(["variant", "role", "what it does wrong", "breaks", "caught by"], rows)
    }

    private func variantCell(_ names: [String]?) -> String {
        guard let names else { return "" }
        return names.map { "`\($0)`" }.joined(separator: ", ")
    }

    private func caseTable(_ cases: [ConformanceCaseReference]) -> String {
        let rows = cases.map { conformanceCase in
            [
                "`\(conformanceCase.id)`", conformanceCase.profile, conformanceCase.title,
                conformanceCase.requirementIDs.joined(separator: ", "),
            ]
        }
        return MarkdownText.table(["case", "profile", "title", "requirements"], rows)
    }

    private func caseCell(_ requirement: Requirement, _ checkingCases: [ConformanceCaseReference]?) -> String {
        guard let checkingCases else { return requirement.level == "MUST" ? "**no case yet**" : "no case yet" }
        return checkingCases.map(caseName).joined(separator: ", ")
    }

    /// Returns the case id in code style, followed by its profile in brackets when that is not `core`.
    private func caseName(_ conformanceCase: ConformanceCaseReference) -> String {
        let id = "`\(conformanceCase.id)`"
        return conformanceCase.profile == "core" ? id : "\(id) (\(conformanceCase.profile))"
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
