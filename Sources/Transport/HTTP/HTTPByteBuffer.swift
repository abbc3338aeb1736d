/// Bytes received but not yet parsed, with a read index so consuming a prefix does not copy the rest.
///
/// The storage is released once everything is consumed, so an idle connection holds no buffer.
struct HTTPByteBuffer {
    private(set) var storage: [UInt8] = []
    private(set) var readIndex = 0

    var readableCount: Int { storage.count - readIndex }
    var isEmpty: Bool { readableCount == 0 }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        storage.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: some Sequence<UInt8>) {
        compactIfWorthwhile()
        storage.append(contentsOf: bytes)
    }

    subscript(offset: Int) -> UInt8 { storage[readIndex + offset] }

    /// Returns the readable bytes from `start` to `end`, both offsets from the read index.
    func slice(_ start: Int, _ end: Int) -> ArraySlice<UInt8> { storage[(readIndex + start)..<(readIndex + end)] }

    mutating func consume(_ count: Int) {
        precondition(count <= readableCount, "consumed more bytes than were buffered")
        readIndex += count
        if readIndex == storage.count {
            storage = []
            readIndex = 0
        }
    }

    mutating func read(_ count: Int) -> [UInt8] {
        let bytes = Array(slice(0, count))
        consume(count)
        return bytes
    }

    mutating func takeAll() -> [UInt8] { read(readableCount) }

    /// Returns the offset of the first CRLF at or after `offset`, or nil.
    func firstCRLF(from offset: Int) -> Int? {
        var index = max(offset, 0)
        while index + 1 < readableCount {
            if self[index] == 0x0D && self[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }

    /// Returns the offset of the first CRLF CRLF at or after `offset`, or nil.
    func firstEmptyLine(from offset: Int) -> Int? {
        var index = max(offset, 0)
        while let crlf = firstCRLF(from: index) {
            if crlf + 3 < readableCount, self[crlf + 2] == 0x0D, self[crlf + 3] == 0x0A { return crlf }
            if crlf + 3 >= readableCount { return nil }
            index = crlf + 1
        }
        return nil
    }

    private mutating func compactIfWorthwhile() {
        if readIndex > 4096 && readIndex * 2 > storage.count {
            storage.removeFirst(readIndex)
            readIndex = 0
        }
    }
}
