/// Standard base64 with padding (RFC 4648, section 4), for the WebSocket handshake keys and Basic
/// proxy credentials.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                let sextet = Int((group >> (18 - 6 * UInt32(position))) & 0x3F)
                output.append(position <= count ? alphabet[sextet] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes padded base64, or returns nil for any other input, including non-zero padding bits.
    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        for start in stride(from: 0, to: characters.count, by: 4) {
            let quad = characters[start..<(start + 4)]
            let padding = quad.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard padding <= 2, start + 4 == characters.count || padding == 0 else { return nil }
            var group: UInt32 = 0
            for character in quad.prefix(4 - padding) {
                guard let value = alphabet.firstIndex(of: character) else { return nil }
                group = group << 6 | UInt32(value)
            }
            group <<= UInt32(6 * padding)
            let decoded = [UInt8(group >> 16), UInt8((group >> 8) & 0xFF), UInt8(group & 0xFF)]
            guard decoded.suffix(padding).allSatisfy({ $0 == 0 }) else { return nil }
            output += decoded.prefix(3 - padding)
        }
        return output
    }
}
