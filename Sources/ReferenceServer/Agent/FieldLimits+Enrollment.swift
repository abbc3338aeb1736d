import EACPProtocol

extension FieldLimits {
    /// Checks an `EnrollmentRequest`. The enrollment token's 16 to 256 bytes are left to the token
    /// check, because a token of any other length gets the same 403 as an unknown token.
    static func violation(in request: EnrollmentRequest) -> FieldLimitViolation? {
        var checker = FieldLimitChecker()
        switch request.certificateSigningRequest {
        case .csrPem(let pem)?: checker.bytes(pem, "csr_pem", max: 16_384)
        case .csrDer(let der)?: checker.bytes(der, "csr_der", max: 8_192)
        case nil: break
        }
        let minimumHostName = BrokenVariant.isActive(.acceptsEmptyHostName) ? 0 : 1
        checker.bytes(request.hostName, "host_name", in: minimumHostName...255)
        checker.platform(request.platform, "platform")
        return checker.violation
    }
}
