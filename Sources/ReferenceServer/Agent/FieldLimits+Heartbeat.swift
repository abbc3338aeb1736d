import EACPProtocol

/// The count and length limits of the messages an agent sends. Each `violation(in:)` returns the
/// first field, in schema order, that breaks its limit, or nil when every field is within them.
enum FieldLimits {}

extension FieldLimits {
    /// Checks a `Heartbeat`. The agent version, the content digest and the proxy port have rules of
    /// their own: the handler rejects an invalid version itself, and an invalid digest gets the
    /// content offered again.
    static func violation(in heartbeat: Heartbeat) -> FieldLimitViolation? {
        var checker = FieldLimitChecker()
        if let capabilities = heartbeat.capabilities {
            checker.entries(capabilities.actionKinds.count, "capabilities.action_kinds", max: 64)
            checker.entries(capabilities.features.count, "capabilities.features", max: 64)
            for (index, feature) in capabilities.features.enumerated() {
                checker.bytes(feature, "capabilities.features[\(index)]", max: 64)
            }
        }
        if let pushChannel = heartbeat.pushChannel {
            checker.bytes(pushChannel.lastError, "push_channel.last_error", max: 512)
        }
        if let proxy = heartbeat.proxy {
            checker.bytes(proxy.host, "proxy.host", max: 255)
        }
        if let upgrade = heartbeat.lastUpgrade {
            checker.bytes(upgrade.detail, "last_upgrade.detail", max: 1_024)
        }
        return checker.violation
    }
}
