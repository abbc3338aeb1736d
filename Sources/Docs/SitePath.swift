/// Relative links between files of the specification folder.
///
/// Paths are relative to the specification folder and use `/`: `transport.md`, `docs/messages.md`,
/// `diagrams/isolation.md`. A folder is written without a trailing `/`, and the specification folder itself is "".
public enum SitePath {
    /// A link target split into the file it names, relative to the specification folder, and its fragment.
    public struct Target: Hashable, Sendable {
        /// The file, or "" for a link to an anchor in the same page.
        public var path: String
        /// The fragment after `#`, or nil.
        public var fragment: String?

        public init(path: String, fragment: String?) {
            self.path = path
            self.fragment = fragment
        }
    }

    /// Returns whether a link leaves the site: a URL with a scheme, a protocol-relative URL or an absolute path.
    public static func isExternal(_ href: String) -> Bool {
        href.hasPrefix("//") || href.hasPrefix("/") || href.contains("://") || href.hasPrefix("mailto:")
    }

    /// Resolves `href`, written in a file inside `directory`, to a path relative to the specification folder.
    /// Returns nil for external links and for links that climb above the specification folder.
    public static func resolve(_ href: String, in directory: String) -> Target? {
        guard !isExternal(href) else { return nil }
        let parts = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let file = String(parts[0])
        let fragment = parts.count > 1 ? String(parts[1]) : nil
        if file.isEmpty { return Target(path: "", fragment: fragment) }

        var components = directory.isEmpty ? [] : directory.split(separator: "/").map(String.init)
        for component in file.split(separator: "/") {
            switch component {
            case ".": continue
            case "..":
                guard !components.isEmpty else { return nil }
                components.removeLast()
            default: components.append(String(component))
            }
        }
        return Target(path: components.joined(separator: "/"), fragment: fragment)
    }

    /// Returns the link from a file in `directory` to `path`; both are relative to the specification folder.
    public static func relative(to path: String, from directory: String) -> String {
        let from = directory.isEmpty ? [] : directory.split(separator: "/").map(String.init)
        let to = path.split(separator: "/").map(String.init)
        var shared = 0
        while shared < from.count, shared < to.count - 1, from[shared] == to[shared] { shared += 1 }
        let ups = Array(repeating: "..", count: from.count - shared)
        return (ups + to[shared...]).joined(separator: "/")
    }

    /// Returns the folder part of a path: `docs` for `docs/messages.md`, "" for `README.md`.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Rewrites every `[text](href)` target in Markdown source with `transform`; a nil result keeps the text and
    /// drops the link.
    static func rewriteLinks(in markdown: String, _ transform: (String) -> String?) -> String {
        var output = ""
        var rest = Substring(markdown)
        while let open = rest.range(of: "](") {
            guard let close = rest[open.upperBound...].firstIndex(of: ")") else { break }
            let href = String(rest[open.upperBound..<close])
            if let replacement = transform(href) {
                output += rest[..<open.lowerBound] + "](" + replacement + ")"
            } else {
                // Drop the link but keep its text: remove the `[` that opened it.
                var before = String(rest[..<open.lowerBound])
                if let bracket = before.lastIndex(of: "[") { before.remove(at: bracket) }
                output += before
            }
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}
