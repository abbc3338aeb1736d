/// Every case the runner plays against a server, in run order.
public enum ServerCases {
    public static func all(_ target: ServerTarget) -> [ConformanceCase] {
        ServerTLSCases.all(target) + ServerEnrollmentCases.all(target) + ServerContentCases.all(target)
            + ServerContentRevisionCases.all(target) + ServerHeartbeatStateCases.all(target) + ServerUpgradeCases.all(target)
            + ServerCredentialCases.all(target) + ServerEncodingCases.all(target) + ServerVersionCases.all(target)
            + ServerActionCases.all(target) + ServerDeliveryCases.all(target) + ServerTelemetryCases.all(target)
            + ServerAccessCases.all(target) + ServerRevocationCases.all(target)
            + ServerUploadCases.all(target) + ServerLogCases.all(target)
            + ServerLimitCases.all(target) + ServerPushCases.all(target) + ServerFieldLimitCases.all(target)
            + ServerErrorCases.all(target) + ServerTerminalCases.all(target)
            + ServerLogOrderCases.all(target) + ServerResponseCases.all(target)
    }
}
