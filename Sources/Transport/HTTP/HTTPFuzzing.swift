/// Parses `bytes` as a stream of requests for a libFuzzer harness, and traps when an invariant breaks.
///
/// The first byte sets the size of the pieces the input is fed in, so the fuzzer also explores requests
/// split across reads. The invariants: no crash, no body larger than its limit, every error maps to a
/// 4xx or 5xx status, and an error is final.
public func fuzzHTTPRequestParser(_ bytes: [UInt8]) {
    var limits = HTTPParserLimits()
    limits.maxBodyBytes = 4096
    limits.maxHeaderBytes = 2048
    limits.maxStartLineBytes = 512
    var parser = HTTPRequestParser(limits: limits)
    let pieceSize = max(1, Int(bytes.first ?? 1))
    var bodyCount = 0

    for start in stride(from: 0, to: bytes.count, by: pieceSize) {
        parser.append(Array(bytes[start..<min(start + pieceSize, bytes.count)]))
        do {
            while let part = try parser.nextPart() {
                switch part {
                case .head: bodyCount = 0
                case .body(let body):
                    precondition(!body.isEmpty, "parser returned an empty body part")
                    bodyCount += body.count
                    precondition(bodyCount <= limits.maxBodyBytes, "body exceeded its limit")
                case .end: bodyCount = 0
                }
            }
        } catch {
            precondition((400..<600).contains(error.status.code), "error \(error.code) maps to \(error.status)")
            precondition((try? parser.nextPart()) == nil, "parser continued after an error")
            return
        }
    }
    try? parser.finish()
}
