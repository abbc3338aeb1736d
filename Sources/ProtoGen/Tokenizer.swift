/// Splits a `.proto` file into tokens and attaches each comment block to the token it documents.
///
/// A comment block documents the next token when no blank line separates them. A comment that starts on the
/// same line as a token, after it, is that token's trailing comment. Other comments, such as section
/// headers followed by a blank line, are dropped.
struct Tokenizer {
    private let file: String
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(file: String, source: String) {
        self.file = file
        self.bytes = Array(source.utf8)
    }

    /// Returns every token, ending with `.endOfFile`.
    mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        var pendingComment: [String] = []
        var lastTokenLine = 0

        while true {
            let gap = try skipTrivia(lastTokenLine: lastTokenLine)
            if !gap.trailing.isEmpty, !tokens.isEmpty {
                tokens[tokens.count - 1].trailingComment += gap.trailing
            }
            pendingComment = gap.blankLineAfterComments ? [] : gap.leading

            var token = try readToken()
            token.leadingComment = pendingComment
            tokens.append(token)
            if case .endOfFile = token.kind { return tokens }
            lastTokenLine = line
        }
    }

    // MARK: - Whitespace and comments

    private struct Trivia {
        var leading: [String] = []
        var trailing: [String] = []
        var blankLineAfterComments = false
    }

    /// Skips whitespace and comments before the next token and sorts the comments into trailing and leading.
    private mutating func skipTrivia(lastTokenLine: Int) throws -> Trivia {
        var trivia = Trivia()
        var newlinesSinceComment = 0

        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                newlinesSinceComment += 1
                if newlinesSinceComment >= 2 { trivia.leading = [] }
                advanceLine()
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "/"), let lines = try readComment() {
                let startsOnTokenLine = trivia.leading.isEmpty && line == lastTokenLine && newlinesSinceComment == 0
                if startsOnTokenLine && lastTokenLine > 0 {
                    trivia.trailing += lines
                } else {
                    if newlinesSinceComment >= 2 { trivia.leading = [] }
                    trivia.leading += lines
                }
                newlinesSinceComment = 0
            } else {
                break
            }
        }
        trivia.blankLineAfterComments = newlinesSinceComment >= 2
        return trivia
    }

    /// Reads a `//` or `/* */` comment at `index` and returns its lines, or nil when `/` starts no comment.
    private mutating func readComment() throws -> [String]? {
        guard index + 1 < bytes.count else { return nil }
        if bytes[index + 1] == UInt8(ascii: "/") {
            let start = index + 2
            while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            return [commentText(bytes[start..<index])]
        }
        guard bytes[index + 1] == UInt8(ascii: "*") else { return nil }

        let opening = location
        index += 2
        var lines: [String] = []
        var lineBegin = index
        while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
            if bytes[index] == UInt8(ascii: "\n") {
                lines.append(blockCommentLine(bytes[lineBegin..<index]))
                advanceLine()
                lineBegin = index
            } else {
                index += 1
            }
        }
        guard index + 1 < bytes.count else {
            throw ProtoGenError("expected '*/' to close the comment that starts here, found end of file", at: opening)
        }
        lines.append(blockCommentLine(bytes[lineBegin..<index]))
        index += 2
        return trimBlankEdges(lines)
    }

    private func commentText(_ raw: ArraySlice<UInt8>) -> String {
        var text = String(decoding: raw, as: UTF8.self)
        if text.hasPrefix(" ") { text.removeFirst() }
        while text.last == " " || text.last == "\r" { text.removeLast() }
        return text
    }

    /// Removes the indentation and the conventional leading `*` of one line inside `/* */`.
    private func blockCommentLine(_ raw: ArraySlice<UInt8>) -> String {
        var text = Substring(String(decoding: raw, as: UTF8.self))
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        if text.first == "*" { text.removeFirst() }
        return commentText(Array(text.utf8)[...])
    }

    private func trimBlankEdges(_ lines: [String]) -> [String] {
        var lines = lines
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    // MARK: - Tokens

    private var location: SourceLocation {
        SourceLocation(file: file, line: line, column: index - lineStart + 1)
    }

    private mutating func advanceLine() {
        index += 1
        line += 1
        lineStart = index
    }

    private mutating func readToken() throws -> Token {
        let start = location
        guard index < bytes.count else { return Token(kind: .endOfFile, location: start) }

        let byte = bytes[index]
        if isLetter(byte) {
            let begin = index
            while index < bytes.count && (isLetter(bytes[index]) || isDigit(bytes[index])) { index += 1 }
            return Token(kind: .identifier(String(decoding: bytes[begin..<index], as: UTF8.self)), location: start)
        }
        if isDigit(byte) { return Token(kind: .integer(try readInteger(at: start)), location: start) }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            return Token(kind: .string(try readString(at: start)), location: start)
        }
        if "{}[]()<>;=,.-+:".utf8.contains(byte) {
            index += 1
            return Token(kind: .symbol(Character(UnicodeScalar(byte))), location: start)
        }
        let found = String(decoding: bytes[index..<min(index + 1, bytes.count)], as: UTF8.self)
        throw ProtoGenError("expected a declaration, found unexpected character '\(found)'", at: start)
    }

    /// Reads a decimal, hexadecimal (`0x`) or octal (leading `0`) integer literal.
    private mutating func readInteger(at start: SourceLocation) throws -> UInt64 {
        let begin = index
        while index < bytes.count && (isLetter(bytes[index]) || isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".")) {
            index += 1
        }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)

        let parsed: UInt64?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            parsed = UInt64(text.dropFirst(2), radix: 16)
        } else if text.count > 1 && text.hasPrefix("0") {
            parsed = UInt64(text.dropFirst(), radix: 8)
        } else {
            parsed = UInt64(text, radix: 10)
        }
        guard let parsed else {
            throw ProtoGenError("expected an integer, found '\(text)'", at: start)
        }
        return parsed
    }

    /// Reads a quoted string. Escapes are limited to `\\`, `\"`, `\'`, `\n` and `\t`, enough for names.
    private mutating func readString(at start: SourceLocation) throws -> String {
        let quote = bytes[index]
        index += 1
        var text: [UInt8] = []
        while index < bytes.count && bytes[index] != quote && bytes[index] != UInt8(ascii: "\n") {
            if bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count {
                index += 1
                switch bytes[index] {
                case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
                default: text.append(bytes[index])
                }
            } else {
                text.append(bytes[index])
            }
            index += 1
        }
        guard index < bytes.count && bytes[index] == quote else {
            throw ProtoGenError("expected a closing quote for the string opened at \(start), found end of line",
                                at: location)
        }
        index += 1
        return String(decoding: text, as: UTF8.self)
    }

    private func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
