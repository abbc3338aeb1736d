/// Renders the inline Markdown of one block to HTML: code spans, `**strong**`, `*emphasis*`, `[links](target)`,
/// backslash escapes and character references.
struct InlineHTML {
    /// Maps a link target to the `href` to write, or nil to write the link's text without a link.
    var linkTarget: (String) -> String?

    func render(_ markdown: String) -> String {
        let characters = Array(markdown)
        var html = ""
        var index = 0
        var strongOpen = false
        var emphasisOpen = false

        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\" where index + 1 < characters.count && characters[index + 1].isPunctuation:
                html += HTMLText.escape(String(characters[index + 1]))
                index += 2
            case "`":
                index = renderCodeSpan(characters, from: index, into: &html)
            case "*" where index + 1 < characters.count && characters[index + 1] == "*":
                html += strongOpen ? "</strong>" : "<strong>"
                strongOpen.toggle()
                index += 2
            case "*" where emphasisOpen || (index + 1 < characters.count && characters[index + 1] != " "):
                html += emphasisOpen ? "</em>" : "<em>"
                emphasisOpen.toggle()
                index += 1
            case "[":
                index = renderLink(characters, from: index, into: &html)
            case "\n":
                html += "\n"
                index += 1
            default:
                html += HTMLText.escapeKeepingReferences(characters, at: &index)
            }
        }
        if emphasisOpen { html += "</em>" }
        if strongOpen { html += "</strong>" }
        return html
    }

    /// Writes the code span that starts at `start` and returns the index after it. An unmatched backtick run is
    /// written as text.
    private func renderCodeSpan(_ characters: [Character], from start: Int, into html: inout String) -> Int {
        var fenceLength = 0
        while start + fenceLength < characters.count, characters[start + fenceLength] == "`" { fenceLength += 1 }
        let fence = String(repeating: "`", count: fenceLength)
        let rest = String(characters[(start + fenceLength)...])
        guard let end = rest.range(of: fence) else {
            html += fence
            return start + fenceLength
        }
        let code = String(rest[..<end.lowerBound]).trimmingSpaces()
        html += "<code>" + HTMLText.escape(code) + "</code>"
        return start + fenceLength + rest.distance(from: rest.startIndex, to: end.upperBound)
    }

    /// Writes the link that starts at `start` and returns the index after it. A `[` that opens no link is text.
    private func renderLink(_ characters: [Character], from start: Int, into html: inout String) -> Int {
        guard let closeText = characters[start...].firstIndex(of: "]"),
            closeText + 1 < characters.count, characters[closeText + 1] == "(",
            let closeTarget = characters[(closeText + 1)...].firstIndex(of: ")")
        else {
            html += "["
            return start + 1
        }
        let text = render(String(characters[(start + 1)..<closeText]))
        let target = String(characters[(closeText + 2)..<closeTarget])
        if let href = linkTarget(target) {
            html += "<a href=\"\(HTMLText.escape(href))\">\(text)</a>"
        } else {
            html += text
        }
        return closeTarget + 1
    }
}

/// Escaping of text for HTML.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Escapes the character at `index` and advances past it, but copies a character reference such as `&lt;`
    /// or `&#124;` unchanged, because Markdown source may contain them.
    static func escapeKeepingReferences(_ characters: [Character], at index: inout Int) -> String {
        if characters[index] == "&" {
            var end = index + 1
            while end < characters.count, end - index <= 8,
                characters[end].isLetter || characters[end].isNumber
                    || characters[end] == "#"
            {
                end += 1
            }
            if end < characters.count, characters[end] == ";", end > index + 1 {
                let reference = String(characters[index...end])
                index = end + 1
                return reference
            }
        }
        let text = escape(String(characters[index]))
        index += 1
        return text
    }
}
