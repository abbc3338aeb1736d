import CEACPOpenSSL

/// Reading and clearing OpenSSL's per-thread error queue. Every OpenSSL call in this module starts from
/// an empty queue (`clear()`), so the text read after a failure belongs to that call alone.
enum OpenSSLErrorQueue {
    static func clear() {
        ERR_clear_error()
    }

    struct Entry {
        /// The reason part of the packed error code (an SSL_R_* or X509_R_* value).
        let reason: Int32
        let text: String
    }

    /// Removes every entry from the queue and returns them, oldest first.
    static func drainEntries() -> [Entry] {
        var entries: [Entry] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            entries.append(Entry(reason: ERR_GET_REASON(code), text: text))
        }
        return entries
    }

    /// Removes every entry from the queue and returns their texts, oldest first.
    static func drain() -> [String] {
        drainEntries().map(\.text)
    }

    /// Returns `context`, followed by the queue's texts when there are any, and empties the queue.
    static func message(_ context: String) -> String {
        let texts = drain()
        if texts.isEmpty { return context }
        return context + ": " + texts.joined(separator: "; ")
    }
}

/// A memory BIO owned for the length of one scope: the bytes of a PEM text going into OpenSSL, or
/// the bytes OpenSSL writes out.
enum MemoryBIO {
    /// Calls `body` with a read-only BIO over `bytes`. The BIO does not copy, so it must not escape.
    static func withReading<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { buffer in
            OpenSSLErrorQueue.clear()
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw CertificateError(
                    code: .openSSLFailure, message: OpenSSLErrorQueue.message("BIO_new_mem_buf failed"))
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Calls `write` with an empty memory BIO and returns the bytes it wrote there. `write` returns
    /// false when its OpenSSL call failed.
    static func collect(_ objectName: String, _ write: (OpaquePointer) -> Bool) throws -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw CertificateError(
                code: .openSSLFailure, message: OpenSSLErrorQueue.message("BIO_new failed for \(objectName)"))
        }
        defer { BIO_free(bio) }
        guard write(bio) else {
            throw CertificateError(
                code: .openSSLFailure, message: OpenSSLErrorQueue.message("writing \(objectName) failed"))
        }
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = ceacp_BIO_get_mem_data(bio, &data)
        guard length > 0, let data else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }

    static func collectString(_ objectName: String, _ write: (OpaquePointer) -> Bool) throws -> String {
        String(decoding: try collect(objectName, write), as: UTF8.self)
    }
}

extension TLSAlertDescription {
    /// The alert's name as OpenSSL spells it ("protocol version"), or "unknown".
    public var name: String {
        String(cString: SSL_alert_desc_string_long(Int32(rawValue)))
    }
}
