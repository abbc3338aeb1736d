/// The limits an HTTP/1.1 parser enforces before it buffers anything, so a peer cannot make it hold more
/// than these sizes per connection.
public struct HTTPParserLimits: Hashable, Sendable {
    /// The maximum length of a request line or status line, CRLF included. 8 KiB because RFC 9112 asks parsers to
    /// accept request lines of at least 8000 octets, and EACP's own targets are under 100 bytes.
    public var maxStartLineBytes: Int = 8 * 1024

    /// The maximum number of header fields in one message. Trailer fields count separately against the
    /// same limit. EACP requests carry about ten and proxies add a few, so 100 leaves ample room without
    /// letting a peer make thousands of entries.
    public var maxHeaderCount: Int = 100

    /// The maximum bytes of header fields in one message, CRLFs included, start line excluded. 64 KiB fits
    /// large cookies or tokens that intermediaries add while keeping one connection's head small.
    public var maxHeaderBytes: Int = 64 * 1024

    /// The maximum bytes of the start line and the header section together, CRLFs included. The default is
    /// the sum of the two limits above, so only a caller that lowers it adds a check. EACP lowers it to
    /// 16 KiB for its servers.
    public var maxHeadBytes: Int = 8 * 1024 + 64 * 1024

    /// The largest body accepted unless the route sets its own limit. 1 MiB fits every EACP message but
    /// upload chunks, whose route raises it.
    public var maxBodyBytes: Int = 1024 * 1024

    /// The maximum length of a chunk-size line, extensions and CRLF included. Chunk extensions carry
    /// nothing EACP uses, so 1 KiB only guards against a line that never ends.
    public var maxChunkLineBytes: Int = 1024

    public init() {}

    public static let `default` = HTTPParserLimits()
}
