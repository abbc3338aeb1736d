import Testing

@testable import ReferenceAgent

/// Cutting strings to a byte limit of the schema: the result fits and stays valid UTF-8.
struct UTF8TruncationTests {
    @Test func shortTextIsUnchanged() {
        #expect("scanner".truncated(toUTF8Bytes: 7) == "scanner")
        #expect("".truncated(toUTF8Bytes: 0) == "")
    }

    @Test func asciiIsCutAtLimit() {
        #expect(String(repeating: "m", count: 4_097).truncated(toUTF8Bytes: 4_096) == String(repeating: "m", count: 4_096))
    }

    @Test func multibyteScalarIsNotSplit() {
        // "é" takes 2 bytes and "€" 3, so byte 4096 falls inside the last scalar.
        let twoByte = String(repeating: "m", count: 4_095) + "é"
        #expect(twoByte.truncated(toUTF8Bytes: 4_096) == String(repeating: "m", count: 4_095))
        let threeByte = String(repeating: "m", count: 4_094) + "€"
        #expect(threeByte.truncated(toUTF8Bytes: 4_096) == String(repeating: "m", count: 4_094))
        #expect(threeByte.truncated(toUTF8Bytes: 4_096).utf8.count == 4_094)
    }

    @Test func emojiAtLimitIsKeptWhole() {
        let text = String(repeating: "e", count: 508) + "😀" + "tail"
        #expect(text.truncated(toUTF8Bytes: 512) == String(repeating: "e", count: 508) + "😀")
        #expect(text.truncated(toUTF8Bytes: 511) == String(repeating: "e", count: 508))
    }
}
