import Foundation

/// The notBefore and notAfter times of a certificate to be issued.
public struct CertificateValidity: Hashable, Sendable {
    /// How far notBefore is set back from "now" by `days(_:from:)`, so a peer whose clock is a little
    /// behind still accepts a certificate issued a moment ago.
    public static let clockSkewAllowance: TimeInterval = 5 * 60

    public var notBefore: Date
    public var notAfter: Date

    public init(notBefore: Date, notAfter: Date) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Valid from a few minutes before `now` until `days` days after it.
    public static func days(_ days: Int, from now: Date = Date()) -> CertificateValidity {
        CertificateValidity(
            notBefore: now.addingTimeInterval(-clockSkewAllowance),
            notAfter: now.addingTimeInterval(TimeInterval(days) * 86_400))
    }

    func validate() throws {
        guard notAfter > notBefore else {
            throw CertificateError(
                code: .invalidArgument,
                message: "validity notAfter (\(notAfter)) must be later than notBefore (\(notBefore))")
        }
    }
}
