/// Every broken variant the reference implementations have, grouped by the area they break.
public enum BrokenVariantCatalog {
    public static var all: [BrokenVariantEntry] {
        serverSession + serverDelivery + agentContract + agentTelemetry + agentActions + agentFeatures
            + serverTransport + agentTransport
    }

    /// The MUST requirements that at least one variant breaks.
    public static var brokenRequirements: Set<String> {
        Set(all.flatMap(\.requirements))
    }
}
