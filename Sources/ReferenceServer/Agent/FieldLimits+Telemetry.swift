import EACPProtocol

extension FieldLimits {
    /// Checks a `StatusReport`.
    static func violation(in report: StatusReport) -> FieldLimitViolation? {
        var checker = FieldLimitChecker()
        checker.platform(report.platform, "platform")
        checker.entries(report.components.count, "components", max: 64)
        checker.entries(report.properties.count, "properties", max: 256)
        guard !BrokenVariant.isActive(.acceptsLongStatusFields) else { return checker.violation }

        for (index, component) in report.components.enumerated() {
            checker.bytes(component.name, "components[\(index)].name", in: 1...64)
            checker.bytes(component.detail, "components[\(index)].detail", max: 1_024)
        }
        for (index, property) in report.properties.enumerated() {
            checker.bytes(property.name, "properties[\(index)].name", in: 1...128)
            checker.bytes(property.value, "properties[\(index)].value", max: 4_096)
        }
        return checker.violation
    }

    /// Checks an `AgentLogBatch`. The whole batch is rejected for one record that breaks a limit,
    /// because the agent truncates long messages before it queues them.
    static func violation(in batch: AgentLogBatch) -> FieldLimitViolation? {
        var checker = FieldLimitChecker()
        checker.entries(batch.records.count, "records", in: 1...TelemetryHandlers.maximumLogRecordsPerBatch)
        guard !BrokenVariant.isActive(.truncatesLongLogMessage) else { return checker.violation }

        for (index, record) in batch.records.enumerated() {
            checker.bytes(record.component, "records[\(index)].component", max: 64)
            checker.bytes(record.message, "records[\(index)].message", max: 4_096)
        }
        return checker.violation
    }
}
