/// Heading anchors as GitHub computes them, so that one `#fragment` works in the Markdown on GitHub and in the
/// HTML site.
public enum Anchor {
    /// Returns the anchor of a heading written in Markdown.
    ///
    /// GitHub takes the heading's text without inline markup, lowercases it, drops every character that is not a
    /// letter, digit, space, `-` or `_`, and turns each space into `-`.
    public static func slug(_ markdownHeading: String) -> String {
        var slug = ""
        for character in plainText(markdownHeading).lowercased() {
            if character == " " {
                slug.append("-")
            } else if character == "-" || character == "_" || character.isLetter || character.isNumber {
                slug.append(character)
            }
        }
        return slug
    }

    /// Returns heading text with link targets, code marks and emphasis marks removed.
    static func plainText(_ markdown: String) -> String {
        var text = ""
        var index = markdown.startIndex
        while index < markdown.endIndex {
            let character = markdown[index]
            if character == "]", markdown[markdown.index(after: index)...].hasPrefix("("),
                let close = markdown[index...].firstIndex(of: ")")
            {
                // The text of `[text](target)` stays and the target goes.
                index = markdown.index(after: close)
                continue
            }
            if character != "`" && character != "*" && character != "[" {
                text.append(character)
            }
            index = markdown.index(after: index)
        }
        return text
    }
}

extension Anchor {
    /// Returns the anchors of every heading of a Markdown page; a repeated heading gets `-1`, `-2`… as on GitHub.
    public static func headingAnchors(inMarkdown markdown: String) -> Set<String> {
        var counts: [String: Int] = [:]
        var anchors: Set<String> = []
        for case .heading(_, let text) in MarkdownDocument(parsing: markdown).blocks {
            let slug = slug(text)
            let count = counts[slug, default: 0]
            counts[slug] = count + 1
            anchors.insert(count == 0 ? slug : "\(slug)-\(count)")
        }
        return anchors
    }
}
