/// An agent version: one to four decimal numbers separated by dots, such as `8.5` or `1.4.2.117`.
///
/// Versions compare component by component as integers, and a missing component counts as 0, so
/// `8.5`, `8.5.0` and `8.5.0.0` are equal and hash equal. `description` keeps the number of
/// components that was parsed.
///
/// The syntax is strict, because a version decides which actions an agent may receive:
/// - Leading zeros are accepted and ignored: `08.5` equals `8.5`.
/// - Each component is an ASCII decimal number from 0 to 4294967295 (2^32 - 1).
/// - Empty components (`8..5`, `.8`, `8.`), signs (`+8`, `-8`), suffixes (`8.5-beta`, `8.5rc1`),
///   whitespace anywhere and the empty string are rejected. EACP has no pre-release versions.
/// - At most four components (major, minor, patch, build); more are rejected.
public struct AgentVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Four components cover major, minor, patch and a build number. A fifth has no meaning in
    /// EACP, so an input with one is more likely a mistake than a real version.
    public static let maximumComponentCount = 4

    /// The components in the order written, 1 to `maximumComponentCount` of them.
    public let components: [UInt32]

    /// Creates a version from its components.
    ///
    /// - Precondition: at most `maximumComponentCount` components in all.
    public init(_ first: UInt32, _ rest: UInt32...) {
        precondition(rest.count < Self.maximumComponentCount, "an agent version has at most 4 components")
        components = [first] + rest
    }

    /// Parses a dotted version string by the rules in the type's documentation.
    public init(parsing text: String) throws(VersionParseError) {
        components = try Self.parseComponents(text)
    }

    public var description: String {
        components.map(String.init).joined(separator: ".")
    }

    /// The components without trailing zeros; equal versions have equal significant components.
    private var significantComponents: ArraySlice<UInt32> {
        var end = components.count
        while end > 0 && components[end - 1] == 0 {
            end -= 1
        }
        return components[..<end]
    }

    public static func == (lhs: AgentVersion, rhs: AgentVersion) -> Bool {
        lhs.significantComponents.elementsEqual(rhs.significantComponents)
    }

    public func hash(into hasher: inout Hasher) {
        for component in significantComponents {
            hasher.combine(component)
        }
    }

    public static func < (lhs: AgentVersion, rhs: AgentVersion) -> Bool {
        let count = max(lhs.components.count, rhs.components.count)
        for index in 0..<count {
            let left = index < lhs.components.count ? lhs.components[index] : 0
            let right = index < rhs.components.count ? rhs.components[index] : 0
            if left != right {
                return left < right
            }
        }
        return false
    }
}

extension AgentVersion {
    private static func parseComponents(_ text: String) throws(VersionParseError) -> [UInt32] {
        var components: [UInt32] = []
        var current: UInt64? = nil  // nil until the current component has a digit
        var componentStart = 0
        var length = 0

        for (offset, scalar) in text.unicodeScalars.enumerated() {
            length = offset + 1
            if let digit = asciiDigitValue(scalar) {
                let value = (current ?? 0) * 10 + UInt64(digit)
                guard value <= UInt64(UInt32.max) else {
                    throw VersionParseError(input: text, position: componentStart, reason: .componentTooLarge)
                }
                current = value
            } else if scalar == "." {
                guard let finished = current else {
                    throw VersionParseError(input: text, position: offset, reason: .emptyComponent)
                }
                guard components.count + 1 < maximumComponentCount else {
                    throw VersionParseError(input: text, position: offset, reason: .tooManyComponents)
                }
                components.append(UInt32(finished))
                current = nil
                componentStart = offset + 1
            } else {
                throw VersionParseError(input: text, position: offset, reason: .unexpectedCharacter)
            }
        }

        guard length > 0 else {
            throw VersionParseError(input: text, position: 0, reason: .empty)
        }
        guard let last = current else {
            throw VersionParseError(input: text, position: length, reason: .emptyComponent)
        }
        components.append(UInt32(last))
        return components
    }

    private static func asciiDigitValue(_ scalar: Unicode.Scalar) -> UInt32? {
        guard scalar.value >= 0x30 && scalar.value <= 0x39 else { return nil }
        return scalar.value - 0x30
    }
}
