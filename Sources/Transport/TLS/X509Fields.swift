import CEACPOpenSSL
import Foundation

/// Reading fields of an X509_NAME.
enum X509Name {
    /// Returns the name in RFC 2253 form, most specific attribute first ("CN=agent-1,O=EACP").
    static func rfc2253(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        let text = try? MemoryBIO.collectString("distinguished name") { bio in
            X509_NAME_print_ex(bio, name, 0, CEACP_XN_FLAG_RFC2253) >= 0
        }
        return text ?? ""
    }

    /// Returns the first commonName attribute as UTF-8, or nil when there is none.
    static func commonName(_ name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index),
            let data = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        return ASN1Text.utf8(data)
    }
}

/// Converting ASN1 strings and times to Swift values.
enum ASN1Text {
    /// Converts the string to UTF-8 from whatever ASN1 string type it has; returns nil when that fails.
    static func utf8(_ string: UnsafePointer<ASN1_STRING>) -> String? {
        var output: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&output, string)
        guard length >= 0, let output else { return nil }
        defer { ceacp_OPENSSL_free(output) }
        return String(decoding: UnsafeBufferPointer(start: output, count: Int(length)), as: UTF8.self)
    }

    /// Returns the raw bytes of an IA5String (DNS names and URIs in a subjectAltName) as text.
    static func ia5(_ string: UnsafePointer<ASN1_STRING>) -> String {
        let length = Int(ASN1_STRING_length(string))
        guard length > 0, let bytes = ASN1_STRING_get0_data(string) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
    }
}

enum ASN1Time {
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

extension SubjectAlternativeNames {
    /// Reads the subjectAltName extension of `certificate`. A certificate without one gives empty lists.
    init(certificate: OpaquePointer) {
        self.init()
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        for index in 0..<ceacp_sk_GENERAL_NAME_num(names) {
            guard let name = ceacp_sk_GENERAL_NAME_value(names, index) else { continue }
            add(name.pointee)
        }
    }

    private mutating func add(_ name: GENERAL_NAME) {
        switch name.type {
        case GEN_DNS:
            if let value = name.d.dNSName { dnsNames.append(ASN1Text.ia5(value)) }
        case GEN_URI:
            if let value = name.d.uniformResourceIdentifier { uris.append(ASN1Text.ia5(value)) }
        case GEN_IPADD:
            if let value = name.d.iPAddress, let text = IPAddressText.format(value) { ipAddresses.append(text) }
        default:
            break
        }
    }
}

/// Converting IP addresses between text and the 4- or 16-byte form a certificate holds.
enum IPAddressText {
    /// Parses `text` into address bytes ("127.0.0.1", "::1"), or nil when it is not an IP address.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// Returns the canonical text of `text` ("::0001" becomes "::1"), or nil when it is not an IP address.
    static func canonical(_ text: String) -> String? {
        guard let bytes = parse(text) else { return nil }
        return format(bytes)
    }

    static func format(_ string: UnsafePointer<ASN1_STRING>) -> String? {
        let length = Int(ASN1_STRING_length(string))
        guard let bytes = ASN1_STRING_get0_data(string) else { return nil }
        return format(Array(UnsafeBufferPointer(start: bytes, count: length)))
    }

    static func format(_ bytes: [UInt8]) -> String? {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, bytes, &text, socklen_t(text.count)) != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension SubjectAlternativeNames {
    /// Checks the names: DNS names must be letter-digit-hyphen labels (a leading "*." is allowed), and IP
    /// addresses are put in canonical form. Nothing else can reach the OpenSSL configuration string built from them.
    static func validated(dnsNames: [String], ipAddresses: [String]) throws -> SubjectAlternativeNames {
        for name in dnsNames where !isValidDNSName(name) {
            throw CertificateError(code: .invalidArgument, message: "invalid DNS name \"\(name)\" for a certificate")
        }
        let addresses = try ipAddresses.map { text in
            guard let canonical = IPAddressText.canonical(text) else {
                throw CertificateError(
                    code: .invalidArgument, message: "invalid IP address \"\(text)\" for a certificate")
            }
            return canonical
        }
        return SubjectAlternativeNames(dnsNames: dnsNames.map { $0.lowercased() }, ipAddresses: addresses)
    }

    /// The names as an OpenSSL subjectAltName configuration value ("DNS:a,IP:127.0.0.1,URI:eacp:agent:x").
    var configurationValue: String {
        (dnsNames.map { "DNS:" + $0 } + ipAddresses.map { "IP:" + $0 } + uris.map { "URI:" + $0 })
            .joined(separator: ",")
    }

    private static func isValidDNSName(_ name: String) -> Bool {
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.first == "*" && labels.count > 2 { labels.removeFirst() }
        guard name.utf8.count <= 253, !labels.isEmpty else { return false }
        return labels.allSatisfy { label in
            let letters = label.unicodeScalars
            return (1...63).contains(letters.count) && letters.first != "-" && letters.last != "-"
                && letters.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                }
        }
    }
}
