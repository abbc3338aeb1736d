/// One lexical token of a `.proto` file.
struct Token: Sendable {
    enum Kind: Hashable, Sendable {
        case identifier(String)
        case integer(UInt64)
        case string(String)
        case symbol(Character)
        case endOfFile
    }

    var kind: Kind
    var location: SourceLocation

    /// Lines of the comment block that ends on the line above the token, with no blank line in between.
    var leadingComment: [String] = []

    /// Lines of comments that start on the same line as the token, after it.
    var trailingComment: [String] = []

    /// The token as an error message shows it after "found".
    var quoted: String {
        switch kind {
        case .identifier(let name): "'\(name)'"
        case .integer(let value): "'\(value)'"
        case .string(let text): "string \"\(text)\""
        case .symbol(let symbol): "'\(symbol)'"
        case .endOfFile: "end of file"
        }
    }

    func isIdentifier(_ name: String) -> Bool {
        if case .identifier(name) = kind { return true }
        return false
    }

    func isSymbol(_ symbol: Character) -> Bool {
        if case .symbol(symbol) = kind { return true }
        return false
    }
}
