import EACPDocs
import Testing

/// Checks of the requirements page, built from the real conformance case list and from small made-up lists.
@Suite struct TraceabilityTests {
    private func requirementsPage(_ inputs: SpecInputs) throws -> String {
        try #require(try DocsGenerator.pages(from: inputs).first { $0.path == "docs/requirements.md" }).markdown
    }

    /// Returns the table row of requirement `id` on `page`.
    private func row(of id: String, in page: String) throws -> Substring {
        try #require(page.split(separator: "\n").first { $0.hasPrefix("| [\(id)](") }, "no row for \(id)")
    }

    @Test func everyCaseListedUnderEachID() throws {
        let inputs = try DocsFixture.inputs.get()
        let cases = try #require(inputs.cases)
        let page = try requirementsPage(inputs)
        for conformanceCase in cases {
            #expect(!conformanceCase.requirementIDs.isEmpty, "\(conformanceCase.id) names no requirement")
            for id in conformanceCase.requirementIDs {
                let cell = try #require(try row(of: id, in: page).split(separator: "|").last)
                #expect(cell.contains("`\(conformanceCase.id)`"), "\(conformanceCase.id) missing under \(id)")
            }
        }
    }

    @Test func variantListedUnderEachBrokenID() throws {
        let inputs = try DocsFixture.inputs.get()
        let variants = try #require(inputs.variants)
        let page = try requirementsPage(inputs)
        #expect(!variants.isEmpty)
        for variant in variants {
            for id in variant.requirementIDs {
                let cells = try row(of: id, in: page).split(separator: "|")
                let cell = try #require(cells.dropLast().last)
                #expect(cell.contains("`\(variant.name)`"), "\(variant.name) missing under \(id)")
            }
            let prefix = "| `\(variant.name)` | \(variant.role) | "
            #expect(page.split(separator: "\n").filter { $0.hasPrefix(prefix) }.count == 1, "\(variant.name) has no row")
        }
    }

    @Test func caseTableHasOneRowPerCase() throws {
        let inputs = try DocsFixture.inputs.get()
        let cases = try #require(inputs.cases)
        let page = try requirementsPage(inputs)
        for conformanceCase in cases {
            let prefix = "| `\(conformanceCase.id)` | \(conformanceCase.profile) | "
            let rows = page.split(separator: "\n").filter { $0.hasPrefix(prefix) }
            #expect(rows.count == 1, "\(conformanceCase.id) has \(rows.count) rows in the case table")
        }
    }

    @Test func coverageCountsMustsWithCase() throws {
        var inputs = try DocsFixture.inputs.get()
        let musts = inputs.requirements.filter { $0.level == "MUST" }
        let checked = try #require(musts.first)
        let unchecked = try #require(musts.first { $0.area != checked.area })
        let should = try #require(inputs.requirements.first { $0.level == "SHOULD" })
        inputs.cases = [
            ConformanceCaseReference(id: "demo.one", title: "One", requirementIDs: [checked.id, should.id]),
            ConformanceCaseReference(id: "demo.two", title: "Two", requirementIDs: [checked.id]),
        ]
        let page = try requirementsPage(inputs)

        #expect(page.contains("**Coverage: 1 of \(musts.count) MUST requirements (0%) have at least one "))
        #expect(page.contains("conformance case**, from 2 cases."))
        #expect(page.contains("**\(musts.count - 1) MUST requirements have no conformance case yet:**"))
        #expect(!page.contains("[\(checked.id)](../\(checked.section)), "))
        let uncheckedInArea = musts.filter { $0.area == unchecked.area }.count
        #expect(page.contains("- [\(unchecked.area)](#\(Anchor.slug(unchecked.area))) (\(uncheckedInArea)): "))
        #expect(try row(of: checked.id, in: page).hasSuffix("| `demo.one`, `demo.two` |"))
        #expect(try row(of: should.id, in: page).hasSuffix("| `demo.one` |"))
    }

    @Test func areaWithUncheckedMustListsThem() throws {
        var inputs = try DocsFixture.inputs.get()
        let area = try #require(inputs.requirements.first { $0.level == "MUST" }).area
        let musts = inputs.requirements.filter { $0.level == "MUST" && $0.area == area }
        let last = try #require(musts.last)
        inputs.cases = [
            ConformanceCaseReference(id: "demo.area", title: "Area", requirementIDs: musts.dropLast().map(\.id))
        ]
        let page = try requirementsPage(inputs)
        let section = try #require(page.components(separatedBy: "## \(area)\n\n").dropFirst().first)
        let expected = "**1 MUST requirement has no conformance case yet:** [\(last.id)](../\(last.section)).\n\n| id |"
        #expect(section.hasPrefix(expected))
    }

    @Test func optionalProfileIsMarked() throws {
        var inputs = try DocsFixture.inputs.get()
        let requirement = try #require(inputs.requirements.first { $0.level == "MUST" })
        inputs.cases = [
            ConformanceCaseReference(
                id: "demo.push", title: "Push", requirementIDs: [requirement.id], profile: "push-channel")
        ]
        let page = try requirementsPage(inputs)
        #expect(try row(of: requirement.id, in: page).hasSuffix("| `demo.push` (push-channel) |"))
        #expect(page.contains("| `demo.push` | push-channel | Push | \(requirement.id) |"))
    }

    @Test func fullCoverageSaysSo() throws {
        var inputs = try DocsFixture.inputs.get()
        let musts = inputs.requirements.filter { $0.level == "MUST" }
        inputs.cases = [ConformanceCaseReference(id: "demo.all", title: "All", requirementIDs: musts.map(\.id))]
        let page = try requirementsPage(inputs)
        #expect(page.contains("**Coverage: \(musts.count) of \(musts.count) MUST requirements (100%) have"))
        #expect(page.contains("Every MUST requirement has a conformance case."))
        #expect(!page.contains("no conformance case yet"))
        #expect(!page.contains("**no case yet**"))
    }
}
