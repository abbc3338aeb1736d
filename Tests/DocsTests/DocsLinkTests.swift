import EACPDocs
import Foundation
import Testing

@Suite struct DocsLinkTests {
    /// Returns every Markdown page a link may point to: the specification's files and the generated pages.
    private func markdownPages() throws -> [String: String] {
        var pages = try DocsFixture.inputs.get().markdownFiles
        for page in try DocsFixture.pages.get() { pages[page.path] = page.markdown }
        return pages
    }

    @Test func markdownLinksResolve() throws {
        let pages = try markdownPages()
        var broken: [String] = []
        for page in try DocsFixture.pages.get() {
            let directory = SitePath.directory(of: page.path)
            for href in try DocsFixture.captures(of: #"\]\(([^)\s]+)\)"#, in: page.markdown) {
                if SitePath.isExternal(href) { continue }
                guard let target = SitePath.resolve(href, in: directory) else {
                    broken.append("\(page.path): \(href) leaves the specification folder")
                    continue
                }
                let path = target.path.isEmpty ? page.path : target.path
                let exists =
                    pages[path] != nil
                    || FileManager.default.fileExists(
                        atPath: DocsFixture.specDirectory.appendingPathComponent(path).path)
                if !exists {
                    broken.append("\(page.path): \(href) names a missing file")
                } else if let fragment = target.fragment, let markdown = pages[path],
                    !Anchor.headingAnchors(inMarkdown: markdown).contains(fragment)
                {
                    broken.append("\(page.path): \(href) names a missing heading")
                }
            }
        }
        #expect(broken == [])
    }

    @Test func htmlLinksAndAnchorsResolve() throws {
        let site = try DocsFixture.site.get()
        var ids: [String: Set<String>] = [:]
        for (path, text) in site where path.hasSuffix(".html") {
            ids[path] = Set(try DocsFixture.captures(of: #"\sid="([^"]+)""#, in: text))
        }
        var broken: [String] = []
        for (path, text) in site where path.hasSuffix(".html") {
            for href in try DocsFixture.captures(of: #"\shref="([^"]*)""#, in: text) {
                guard let target = SitePath.resolve(href, in: SitePath.directory(of: path)) else {
                    broken.append("\(path): \(href) leaves the site")
                    continue
                }
                let file = target.path.isEmpty ? path : target.path
                if site[file] == nil {
                    broken.append("\(path): \(href) names a missing file")
                } else if let fragment = target.fragment, ids[file]?.contains(fragment) != true {
                    broken.append("\(path): \(href) names a missing anchor")
                }
            }
        }
        #expect(broken == [])
    }

    @Test func htmlLoadsNothingFromOutside() throws {
        let site = try DocsFixture.site.get()
        #expect(site["index.html"] != nil)
        #expect(site["docs/messages.html"] != nil)
        for (path, text) in site where path.hasSuffix(".html") {
            let references = try DocsFixture.captures(of: #"\s(?:src|href)="([^"]*)""#, in: text)
            let outside = references.filter {
                $0.hasPrefix("http:") || $0.hasPrefix("https:") || $0.hasPrefix("//") || $0.hasPrefix("/")
            }
            #expect(outside == [], "\(path) references outside the site")
            #expect(!text.contains("<script"), "\(path) contains a script")
            #expect(!text.contains("@import"), "\(path) style sheet imports another")
            #expect(!text.contains("url("), "\(path) style sheet loads a resource")
        }
    }

    @Test func diagramsWithoutGraphvizAreTables() throws {
        let page = try #require(try DocsFixture.site.get()["docs/state-machines.html"])
        #expect(!page.contains("<svg"))
        #expect(page.contains("<tr><td>(start)</td><td></td><td><code>disconnected</code></td></tr>"))
        #expect(page.contains("<tr><td><code>disconnected</code></td><td><code>start</code></td>"))
    }
}
