import Foundation

extension HarnessHandlers {
    /// Returns whether `body` contains the end line of a PEM private key, such as `-----END EC PRIVATE KEY-----`.
    static func containsPrivateKey(_ body: [UInt8]) -> Bool {
        Data(body).range(of: Data("PRIVATE KEY-----".utf8)) != nil
    }
}
