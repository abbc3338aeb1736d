/// One block of a Markdown document, in the subset of GitHub Markdown that the specification uses.
enum MarkdownBlock: Equatable, Sendable {
    case heading(level: Int, text: String)
    /// The paragraph's lines joined by newlines.
    case paragraph(String)
    /// Each item's text, with continuation lines joined by newlines. `start` is the first number of an
    /// ordered list and nil for a bulleted one.
    case list(start: Int?, items: [String])
    case table(header: [String], rows: [[String]])
    case code(language: String, text: String)
}

/// A Markdown document split into blocks: ATX headings, paragraphs, flat lists, pipe tables and fenced code.
///
/// Nested lists, block quotes, setext headings and raw HTML blocks are not part of the subset; their lines read
/// as paragraph or list text.
struct MarkdownDocument: Sendable {
    var blocks: [MarkdownBlock]

    init(parsing source: String) {
        var parser = BlockParser(
            lines: source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        blocks = parser.parse()
    }
}

private struct BlockParser {
    let lines: [String]
    var index = 0
    var blocks: [MarkdownBlock] = []

    init(lines: [String]) {
        self.lines = lines
    }

    mutating func parse() -> [MarkdownBlock] {
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty {
                index += 1
            } else if trimmed.hasPrefix("```") {
                parseCode(opening: trimmed)
            } else if let heading = Self.heading(trimmed) {
                blocks.append(heading)
                index += 1
            } else if trimmed.hasPrefix("|"), index + 1 < lines.count, Self.isTableSeparator(lines[index + 1]) {
                parseTable()
            } else if Self.listMarker(line) != nil {
                parseList()
            } else {
                parseParagraph()
            }
        }
        return blocks
    }

    private mutating func parseCode(opening: String) {
        let language = String(opening.dropFirst(3)).trimmingSpaces()
        var body: [String] = []
        index += 1
        while index < lines.count, !lines[index].trimmingSpaces().hasPrefix("```") {
            body.append(lines[index])
            index += 1
        }
        index += 1  // the closing fence, or past the end when it is missing
        blocks.append(.code(language: language, text: body.joined(separator: "\n")))
    }

    private mutating func parseTable() {
        let header = Self.cells(lines[index])
        index += 2
        var rows: [[String]] = []
        while index < lines.count, lines[index].trimmingSpaces().hasPrefix("|") {
            rows.append(Self.cells(lines[index]))
            index += 1
        }
        blocks.append(.table(header: header, rows: rows))
    }

    private mutating func parseList() {
        var items: [String] = []
        var start: Int?
        while index < lines.count {
            let line = lines[index]
            if let marker = Self.listMarker(line) {
                if items.isEmpty { start = marker.number }
                items.append(String(line.dropFirst(marker.length)).trimmingSpaces())
            } else if line.trimmingSpaces().isEmpty || Self.startsBlock(line) {
                break
            } else {
                items[items.count - 1] += "\n" + line.trimmingSpaces()
            }
            index += 1
        }
        blocks.append(.list(start: start, items: items))
    }

    private mutating func parseParagraph() {
        var text: [String] = []
        while index < lines.count {
            let line = lines[index]
            if line.trimmingSpaces().isEmpty || (!text.isEmpty && Self.startsBlock(line)) { break }
            text.append(line.trimmingSpaces())
            index += 1
        }
        blocks.append(.paragraph(text.joined(separator: "\n")))
    }

    /// Returns whether a line begins a block other than a paragraph, which ends the paragraph or list item before it.
    private static func startsBlock(_ line: String) -> Bool {
        let trimmed = line.trimmingSpaces()
        return trimmed.hasPrefix("```") || heading(trimmed) != nil || listMarker(line) != nil || trimmed.hasPrefix("|")
    }

    private static func heading(_ trimmed: String) -> MarkdownBlock? {
        let level = trimmed.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(level), trimmed.dropFirst(level).first == " " else { return nil }
        return .heading(level: level, text: String(trimmed.dropFirst(level)).trimmingSpaces())
    }

    /// Returns the marker of a list item at the start of a line: `- ` or a number followed by `. `.
    private static func listMarker(_ line: String) -> (number: Int?, length: Int)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (nil, 2) }
        let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 3, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return (Int(digits), digits.count + 2)
    }

    private static func isTableSeparator(_ line: String) -> Bool {
        let trimmed = line.trimmingSpaces()
        return trimmed.hasPrefix("|") && trimmed.contains("-") && trimmed.allSatisfy { "|-: ".contains($0) }
    }

    /// Splits a table row on the `|` characters that are not escaped as `\|`.
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in line.trimmingSpaces() {
            if escaped {
                current.append(character == "|" ? "|" : "\\\(character)")
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                cells.append(current.trimmingSpaces())
                current = ""
            } else {
                current.append(character)
            }
        }
        cells.append(current.trimmingSpaces())
        // The leading and trailing pipes leave an empty first and last cell.
        return Array(cells.dropFirst().dropLast())
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return String(slice)
    }
}
