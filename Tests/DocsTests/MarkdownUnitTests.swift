import EACPDocs
import Testing

@Suite struct MarkdownUnitTests {
    @Test func slugMatchesGitHub() {
        #expect(Anchor.slug("TLS profile") == "tls-profile")
        #expect(Anchor.slug("`Heartbeat.QueueDepths`") == "heartbeatqueuedepths")
        #expect(Anchor.slug("Timers and message classes") == "timers-and-message-classes")
        #expect(Anchor.slug("Push connection (agent)") == "push-connection-agent")
        #expect(Anchor.slug("See [errors](errors.md#x) now") == "see-errors-now")
    }

    @Test func repeatedHeadingsGetNumberedAnchors() {
        let anchors = Anchor.headingAnchors(
            inMarkdown: "# A\n\n## Notes\n\ntext\n\n## Notes\n\n```\n# not a heading\n```\n")
        #expect(anchors == ["a", "notes", "notes-1"])
    }

    @Test func resolveAndRelativeLinks() {
        #expect(SitePath.resolve("../README.md#encoding", in: "docs") == .init(path: "README.md", fragment: "encoding"))
        #expect(SitePath.resolve("transport.md", in: "") == .init(path: "transport.md", fragment: nil))
        #expect(SitePath.resolve("#paths", in: "docs") == .init(path: "", fragment: "paths"))
        #expect(SitePath.resolve("../../x.md", in: "docs") == nil)
        #expect(SitePath.resolve("https://example.com/", in: "") == nil)
        #expect(SitePath.relative(to: "README.html", from: "docs") == "../README.html")
        #expect(SitePath.relative(to: "docs/messages.html", from: "") == "docs/messages.html")
        #expect(SitePath.relative(to: "docs/enums.html", from: "docs") == "enums.html")
        #expect(SitePath.relative(to: "diagrams/isolation.html", from: "docs") == "../diagrams/isolation.html")
    }
}
