import Testing

@Test func placeholderRuns() { #expect(1 + 1 == 2) }
