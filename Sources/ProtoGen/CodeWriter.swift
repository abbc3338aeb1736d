/// Lines of Swift source with the current indentation (4 spaces a level).
struct CodeWriter {
    private(set) var text = ""
    private var level = 0

    mutating func line(_ content: String = "") {
        text += content.isEmpty ? "\n" : String(repeating: "    ", count: level) + content + "\n"
    }

    /// Writes `/// ...` lines for a `.proto` comment; an empty line of the comment stays as `///`.
    mutating func documentation(_ lines: [String]) {
        for docLine in lines { line(docLine.isEmpty ? "///" : "/// \(docLine)") }
    }

    /// Writes `switch subject {`, the cases at the same level as `switch`, as Swift style has it, then `}`.
    mutating func switchBlock(_ subject: String, _ body: (inout CodeWriter) -> Void) {
        line("switch \(subject) {")
        body(&self)
        line("}")
    }

    /// Writes `opening {`, the body one level deeper, then `}`.
    mutating func block(_ opening: String, _ body: (inout CodeWriter) -> Void) {
        line("\(opening) {")
        level += 1
        body(&self)
        level -= 1
        line("}")
    }
}
