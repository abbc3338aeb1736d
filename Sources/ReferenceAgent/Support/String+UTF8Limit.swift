extension String {
    /// Returns the longest prefix that takes at most `maximumBytes` bytes of UTF-8 and ends on a
    /// Unicode scalar boundary, so a cut never leaves invalid UTF-8. The schema's string limits are
    /// in bytes.
    func truncated(toUTF8Bytes maximumBytes: Int) -> String {
        guard utf8.count > maximumBytes else { return self }
        var end = utf8.index(utf8.startIndex, offsetBy: maximumBytes)
        while end.samePosition(in: unicodeScalars) == nil { end = utf8.index(before: end) }
        return String(self[..<end])
    }
}
