/// The rules that turn `.proto` names into Swift names.
enum SwiftNames {
    /// `agent_version` -> `agentVersion`. Underscores are dropped and the letter after each is capitalised.
    static func lowerCamelCase(_ snake: String) -> String {
        let upper = upperCamelCase(snake)
        guard let first = upper.first else { return upper }
        return first.lowercased() + upper.dropFirst()
    }

    /// `certificate_signing_request` -> `CertificateSigningRequest`.
    static func upperCamelCase(_ snake: String) -> String {
        snake.split(separator: "_").map { part in part.prefix(1).uppercased() + part.dropFirst() }.joined()
    }

    /// Returns the Swift case name of an enum value: the prefix derived from the enum name is removed and the
    /// rest is lowerCamelCased. `ActionKind` + `ACTION_KIND_QUARANTINE_FILE` -> `quarantineFile`.
    ///
    /// The prefix stays when the value lacks it or when removing it would leave a name that starts with a digit.
    static func enumCaseName(enumName: String, valueName: String) -> String {
        let prefix = upperSnakeCase(enumName) + "_"
        var rest = Substring(valueName)
        if valueName.hasPrefix(prefix), let next = valueName.dropFirst(prefix.count).first, !next.isNumber {
            rest = valueName.dropFirst(prefix.count)
        }
        return lowerCamelCase(rest.lowercased())
    }

    /// `ActionKind` -> `ACTION_KIND`, `HTTPStatus` -> `HTTP_STATUS`.
    static func upperSnakeCase(_ camel: String) -> String {
        let characters = Array(camel)
        var result = ""
        for (index, character) in characters.enumerated() {
            if index > 0 && character.isUppercase {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                    result += "_"
                }
            }
            result += character.uppercased()
        }
        return result
    }

    /// `name`, in backticks when Swift reserves it.
    static func identifier(_ name: String) -> String {
        keywords.contains(name) ? "`\(name)`" : name
    }

    private static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
        "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true",
        "try", "Type", "Protocol",
    ]
}
