import EACPDocs
import Foundation
import Testing

@Suite struct GeneratedDocsTests {
    @Test func checkedInMarkdownIsFresh() throws {
        let pages = try DocsFixture.pages.get()
        let stale = DocsGenerator.stalePaths(pages, in: DocsFixture.specDirectory)
        #expect(stale == [], "stale pages in spec/docs; run `swift run eacp-docs markdown`")
    }

    @Test func pagesCoverEveryTopic() throws {
        let paths = try DocsFixture.pages.get().map(\.path)
        for expected in [
            "docs/index.md", "docs/messages.md", "docs/enums.md", "docs/actions.md", "docs/errors.md",
            "docs/state-machines.md", "docs/requirements.md",
        ] {
            #expect(paths.contains(expected), "missing \(expected)")
        }
    }

    @Test func messagesPageListsEveryField() throws {
        let schema = try DocsFixture.inputs.get().schema
        let messages = try #require(try DocsFixture.pages.get().first { $0.path == "docs/messages.md" })
        for message in schema.messages {
            #expect(messages.markdown.contains("## `\(message.fullName)`"), "no section for \(message.fullName)")
            for field in message.fields {
                #expect(
                    messages.markdown.contains("| \(field.number) | `\(field.name)` |"),
                    "no row for \(message.fullName).\(field.name)")
            }
        }
    }

    @Test func actionsPageShowsGatingThresholds() throws {
        let actions = try #require(try DocsFixture.pages.get().first { $0.path == "docs/actions.md" })
        #expect(actions.markdown.contains("| 6 | `ACTION_KIND_START_LIVE_TERMINAL` | 1.4 | 1.4 |"))
        #expect(actions.markdown.contains("| 10 | `ACTION_KIND_RETRIEVE_SECURITY_EVENT_DATA` | 1.1 | 1.2 |"))
        #expect(actions.markdown.contains("| 12 | `ACTION_KIND_PERFORM_HEARTBEAT` | 1.2 | 1.2 |"))
    }

    @Test func errorsPageJoinsStatusAndCloseCode() throws {
        let errors = try #require(try DocsFixture.pages.get().first { $0.path == "docs/errors.md" })
        #expect(errors.markdown.contains("| 9 | `ERROR_CODE_MALFORMED_MESSAGE` | 400 | 1007 |"))
        #expect(errors.markdown.contains("| 8 | `ERROR_CODE_UNAVAILABLE` | 503, with `Retry-After` | 1013 |"))
    }

    @Test func requirementsWithoutCaseAreMarked() throws {
        let inputs = try DocsFixture.inputs.get()
        let requirement = try #require(inputs.requirements.first { $0.level == "MUST" })
        let other = try #require(inputs.requirements.first { $0.level == "MUST" && $0.id != requirement.id })
        var withCase = inputs
        withCase.cases = [ConformanceCaseReference(id: "demo.case", title: "Demo", requirementIDs: [requirement.id])]

        let page = try #require(try DocsGenerator.pages(from: withCase).first { $0.path == "docs/requirements.md" })
        let rows = page.markdown.split(separator: "\n")
        let checkedRow = try #require(rows.first { $0.hasPrefix("| [\(requirement.id)]") })
        let uncheckedRow = try #require(rows.first { $0.hasPrefix("| [\(other.id)]") })
        #expect(checkedRow.hasSuffix("| `demo.case` |"))
        #expect(uncheckedRow.hasSuffix("| **no case yet** |"))
    }

    @Test func staleDetectionNamesChangedAndExtraFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eacp-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pages = try DocsFixture.pages.get()
        #expect(try DocsGenerator.write(pages, to: folder).count == pages.count)
        #expect(DocsGenerator.stalePaths(pages, in: folder) == [])

        try "edited\n".write(to: folder.appendingPathComponent("docs/errors.md"), atomically: true, encoding: .utf8)
        try "old\n".write(to: folder.appendingPathComponent("docs/removed.md"), atomically: true, encoding: .utf8)
        #expect(DocsGenerator.stalePaths(pages, in: folder) == ["docs/errors.md", "docs/removed.md"])

        #expect(try DocsGenerator.write(pages, to: folder) == ["docs/errors.md", "docs/removed.md"])
        #expect(DocsGenerator.stalePaths(pages, in: folder) == [])
    }
}
