/// Progress of one resumable package download: detection content or an agent upgrade.
///
/// The agent downloads with HTTP Range requests starting at `receivedBytes`, so an interrupted
/// download resumes where it stopped.
struct PackageDownload: Hashable, Sendable {
    /// Size announced in the offer.
    let sizeBytes: UInt64
    /// SHA-256 announced in the offer, 32 bytes.
    let sha256: [UInt8]
    /// Bytes received and written so far.
    var receivedBytes: UInt64 = 0
    /// Failed attempts in a row for this package.
    var failures = 0

    /// Counts `count` more bytes. Returns false, and counts nothing, when the total would exceed
    /// the announced size.
    mutating func addReceived(_ count: UInt64) -> Bool {
        let (total, overflow) = receivedBytes.addingReportingOverflow(count)
        guard !overflow && total <= sizeBytes else { return false }
        receivedBytes = total
        return true
    }

    var isComplete: Bool { receivedBytes == sizeBytes }

    /// Records a failed attempt. A failure that leaves the partial file unusable starts the next
    /// attempt from byte 0.
    mutating func recordFailure(discardingReceivedBytes discard: Bool) {
        failures += 1
        if discard {
            receivedBytes = 0
        }
    }
}
