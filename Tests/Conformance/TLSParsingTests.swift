import EACPConformance
import Testing

@Suite struct TLSParsingTests {
    @Test func ssl3HelloParsesAsSSL3Only() throws {
        let records = TLSRecord.parse(SSL3ClientHello.record())
        #expect(records.leftover == 0)
        #expect(records.records.first?.version == 0x0300)
        let hello = try #require(TLSHello.first(in: records.records))
        #expect(hello.messageType == TLSHello.clientHelloType)
        #expect(hello.versions == [0x0300])
        #expect(hello.cipherSuites == SSL3ClientHello.cipherSuites)
        #expect(hello.compressionMethods == [0])
        #expect(hello.serverName == nil)
    }

    @Test func alertRecordNamesItsDescription() throws {
        let record = try #require(TLSRecord.parse([21, 3, 3, 0, 2, 2, 70]).records.first)
        let alert = try #require(TLSAlertRecord(record: record))
        #expect(alert.isFatal)
        #expect(alert.code == 70)
        #expect(alert.description == "fatal protocol_version(70)")
    }

    @Test func partialRecordIsLeftOver() {
        let parsed = TLSRecord.parse([22, 3, 3, 0, 10, 1, 2])
        #expect(parsed.records.isEmpty)
        #expect(parsed.leftover == 7)
    }

    @Test func plainHTTPIsNotTLS() {
        #expect(!TLSRecord.looksLikeTLS(Array("HTTP/1.1 400 Bad Request".utf8)))
        #expect(TLSRecord.looksLikeTLS([21, 3, 1]))
    }
}
