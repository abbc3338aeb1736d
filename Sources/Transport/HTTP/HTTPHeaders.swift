/// The header fields of one HTTP message, in the order they arrived or were added.
///
/// Lookups compare names case-insensitively (RFC 9110, section 5.1). Repeated fields stay separate entries,
/// so a caller can tell `Content-Length: 5` sent twice from one field.
public struct HTTPHeaders: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Field = (name: String, value: String)

    private(set) var names: [String] = []
    private(set) var values: [String] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements {
            add(name: name, value: value)
        }
    }

    public var count: Int { names.count }

    public mutating func add(name: String, value: String) {
        names.append(name)
        values.append(value)
    }

    /// Removes every field called `name`, then adds one with `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    public mutating func remove(name: String) {
        let indices = names.indices.filter { Self.sameName(names[$0], name) }
        for index in indices.reversed() {
            names.remove(at: index)
            values.remove(at: index)
        }
    }

    /// Returns the value of the first field called `name`, or nil when there is none.
    public func first(name: String) -> String? {
        names.indices.first { Self.sameName(names[$0], name) }.map { values[$0] }
    }

    /// Returns the values of every field called `name`, in order.
    public func values(name: String) -> [String] {
        names.indices.filter { Self.sameName(names[$0], name) }.map { values[$0] }
    }

    public func contains(name: String) -> Bool {
        names.contains { Self.sameName($0, name) }
    }

    /// Returns the comma-separated elements of every field called `name`, trimmed and lowercased, such as the
    /// tokens of `Connection: keep-alive, Upgrade`.
    public func tokens(name: String) -> [String] {
        values(name: name)
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingASCIIWhitespace().lowercasedASCII() }
            .filter { !$0.isEmpty }
    }

    /// Whether a field called `name` lists `token` among its comma-separated elements, compared without
    /// case. Returns the same as `tokens(name:).contains(token)` for a lowercase token, without building arrays.
    public func containsToken(_ token: String, name: String) -> Bool {
        for index in names.indices where Self.sameName(names[index], name) {
            for element in values[index].utf8.split(separator: UInt8(ascii: ",")) {
                if Self.equalIgnoringASCIICase(Self.trimmed(element), token.utf8) { return true }
            }
        }
        return false
    }

    public func makeIterator() -> AnyIterator<Field> {
        var index = 0
        return AnyIterator {
            guard index < names.count else { return nil }
            defer { index += 1 }
            return (names[index], values[index])
        }
    }

    static func sameName(_ left: String, _ right: String) -> Bool {
        left.utf8.count == right.utf8.count && equalIgnoringASCIICase(left.utf8, right.utf8)
    }

    static func equalIgnoringASCIICase(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> Bool {
        left.elementsEqual(right) { lowercased($0) == lowercased($1) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }
}

extension StringProtocol {
    /// Lowercases A–Z only, as HTTP tokens are ASCII and case-insensitive.
    func lowercasedASCII() -> String {
        String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Removes leading and trailing spaces and horizontal tabs, the optional whitespace of RFC 9110.
    func trimmingASCIIWhitespace() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
