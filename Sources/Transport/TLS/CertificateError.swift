/// A failure to parse, build, sign or verify a key, certificate or certificate signing request.
public struct CertificateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. New kinds may be added, so switch statements over it need a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// The PEM text is empty, not PEM, or contains a different object than expected.
        public static let invalidPEM = Code("invalid PEM")
        /// An argument is outside what a certificate may hold (an agent id with a space, a bad IP address).
        public static let invalidArgument = Code("invalid argument")
        /// A signature did not verify (a certificate signing request that was altered, say).
        public static let invalidSignature = Code("invalid signature")
        /// An OpenSSL call failed for a reason other than the input (out of memory, say).
        public static let openSSLFailure = Code("OpenSSL failure")

        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CertificateError(\(code)): \(message)" }
}
