import EACPProtocol

extension Agent {
    /// Sends a heartbeat at start, then each interval plus jitter after the previous exchange ended;
    /// after a failure it retries with the heartbeat backoff. Every exchange, this loop's or one run
    /// elsewhere such as a PERFORM_HEARTBEAT action, sets the next due time from its own reply.
    func heartbeatLoop() async {
        while !Task.isCancelled {
            await heartbeatNow()
            while !Task.isCancelled {
                let dueUnixMs = runtime.withLock { $0.nextHeartbeatUnixMs } ?? 0
                let remaining = dueUnixMs - AgentClock.nowUnixMs()
                if remaining <= 0 { break }
                // An exchange run elsewhere signals after moving the due time, so this wait restarts.
                await heartbeatWake.wait(milliseconds: remaining)
            }
        }
    }

    /// Runs one heartbeat exchange now, after any exchange already running.
    @discardableResult
    func heartbeatNow() async -> Result<HeartbeatReply, RequestFailure> {
        await heartbeatRunner.run {
            let outcome = await self.exchangeHeartbeat()
            self.scheduleNextHeartbeat(after: outcome)
            return outcome
        }
    }

    /// Sets when the next heartbeat is due, counted from the end of the exchange that just ended,
    /// and wakes the heartbeat loop so it waits for that time instead of an older one.
    private func scheduleNextHeartbeat(after outcome: Result<HeartbeatReply, RequestFailure>) {
        let interval = BrokenVariant.isActive(.fixesHeartbeatInterval) ? 1_000 : localState.current.settings.heartbeatIntervalMs
        var delay: Int64
        switch outcome {
        case .success(let reply):
            let jitterMs = min(Int64(reply.heartbeatJitterMs), interval)
            delay = interval + (jitterMs > 0 ? Int64.random(in: 0...jitterMs) : 0)
        case .failure(let error):
            let failures = runtime.withLock { $0.heartbeatFailures }
            delay = Backoff.heartbeatRetry(
                failures: Int(failures), intervalMs: interval, retryAfterMs: error.retryAfterMs,
                factor: Backoff.randomFactor())
        }
        if localState.current.pendingProxyChange != nil {
            // While a proxy change waits for confirmation, retry through it every 10 s.
            delay = min(delay, 10_000)
        }
        runtime.withLock { $0.nextHeartbeatUnixMs = AgentClock.nowUnixMs() + delay }
        heartbeatWake.signal()
    }

    private func exchangeHeartbeat() async -> Result<HeartbeatReply, RequestFailure> {
        let heartbeat: Heartbeat
        do {
            heartbeat = try buildHeartbeat()
        } catch {
            log.error("heartbeat", "heartbeat.build_failed", ["error": error])
            return .failure(RequestFailure(.noResponse, "heartbeat could not be built: \(error)"))
        }
        runtime.withLock { $0.lastHeartbeatSentUnixMs = AgentClock.nowUnixMs() }
        let usedProxy = link.proxy
        do {
            let reply: HeartbeatReply = try await link.post("heartbeat", heartbeat)
            upgradeReported(heartbeat.lastUpgrade)
            try handleHeartbeatReply(reply, usedProxy: usedProxy)
            log.debug("heartbeat", "heartbeat.answered", ["sequence": heartbeat.sequenceNumber])
            return .success(reply)
        } catch let error as RequestFailure {
            runtime.withLock {
                $0.heartbeatFailures += 1
                $0.lastHeartbeatError = error.message
            }
            log.warning("heartbeat", "heartbeat.failed", ["sequence": heartbeat.sequenceNumber, "error": error.message])
            return .failure(error)
        } catch {
            log.error("heartbeat", "heartbeat.reply_failed", ["error": error])
            return .failure(RequestFailure(.badReply, "heartbeat reply could not be handled: \(error)"))
        }
    }

    /// Builds a heartbeat with the state as it is now and a new sequence number.
    func buildHeartbeat() throws -> Heartbeat {
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = BrokenVariant.isActive(.prefixesVersion) ? "v" + version : version
        heartbeat.sequenceNumber = UInt64(
            BrokenVariant.isActive(.restartsHeartbeatNumbering)
                ? BrokenVariant.nextHeartbeatNumberInMemory() : try store.nextHeartbeatSequenceNumber())
        heartbeat.agentTimeUnixMs = AgentClock.nowUnixMs()
        if let content = try store.installedContent() {
            var version = ContentVersion()
            version.revision = UInt64(content.revision)
            version.sha256 = content.sha256
            heartbeat.contentVersion = version
        }
        var capabilities = Heartbeat.Capabilities()
        capabilities.actionKinds = BrokenVariant.isActive(.omitsActionKinds) ? [] : ActionProcessor.supportedKinds
        heartbeat.capabilities = capabilities
        heartbeat.pushChannel = push.heartbeatState(runtime.withLock { $0.push.heartbeatState })

        let state = localState.current
        var isolation = Heartbeat.IsolationState()
        isolation.status = state.isolation.isolated ? .isolated : .notIsolated
        isolation.actionId = state.isolation.actionID
        isolation.sinceUnixMs = state.isolation.sinceUnixMs
        heartbeat.isolation = isolation

        var proxy = Heartbeat.ProxyState()
        proxy.mode = state.pendingProxyChange != nil ? .proxyPending : (state.proxy.isDirect ? .direct : .proxyConfirmed)
        proxy.host = state.proxy.host
        proxy.port = UInt32(state.proxy.port)
        proxy.actionId = state.proxyActionID
        heartbeat.proxy = proxy
        heartbeat.queueDepths = try queueDepths()
        heartbeat.lastUpgrade = BrokenVariant.upgradeRecordOnce(try upgradeRecordToReport())
        return heartbeat
    }

    func queueDepths() throws -> Heartbeat.QueueDepths {
        var depths = Heartbeat.QueueDepths()
        depths.securityEvents = UInt64(try store.eventQueueDepth())
        depths.statusReports = try store.pendingStatusReport() == nil ? 0 : 1
        depths.agentLogRecords = UInt64(try store.logBufferDepth())
        depths.actionReplies = UInt64(try store.unacknowledgedResults().count)
        depths.oldestSecurityEventUnixMs = try store.oldestQueuedEventUnixMs() ?? 0
        depths.droppedSecurityEvents = UInt64(try store.droppedEventCount())
        return depths
    }

    /// Acts on a reply: settings, clock offset, proxy confirmation, pending actions, content offer.
    private func handleHeartbeatReply(_ reply: HeartbeatReply, usedProxy: LocalState.ProxySetting) throws {
        let now = AgentClock.nowUnixMs()
        runtime.withLock {
            $0.lastHeartbeatAnsweredUnixMs = now
            $0.heartbeatFailures = 0
            $0.lastHeartbeatError = ""
            if reply.serverTimeUnixMs > 0 { $0.clockOffsetMs = reply.serverTimeUnixMs - now }
        }
        let statusInterval = localState.current.settings.statusReportIntervalMs
        try applySettings(reply)
        // A shorter status interval applies now, not when the wait for the old, longer one ends.
        if localState.current.settings.statusReportIntervalMs < statusInterval { statusWake.signal() }
        confirmProxyChange(through: usedProxy)

        let isFirst = firstHeartbeat.withLock { first in
            defer { first = true }
            return !first
        }
        if isFirst {
            push.start(agent: self)
            statusWake.signal()
        }
        actions.flushReplies()
        actions.receive(reply.pendingActions, path: .heartbeat)
        if let offer = reply.contentOffer {
            start { await self.contentOffered(offer) }
        }
        if let offer = reply.upgradeOffer {
            start { await self.upgradeOffered(offer) }
        }
    }

    /// Stores each non-zero setting, clamped to its range.
    private func applySettings(_ reply: HeartbeatReply) throws {
        let changedLogging = try localState.update { state -> Bool in
            if reply.nextHeartbeatIntervalMs != 0 {
                state.settings.heartbeatIntervalMs = Int64(reply.nextHeartbeatIntervalMs).clamped(1_000, 86_400_000)
            }
            guard let settings = reply.settings else { return false }
            if settings.statusReportIntervalMs != 0 {
                let minimum: Int64 = BrokenVariant.isActive(.skipsSettingsClamp) ? 1 : 1_000
                state.settings.statusReportIntervalMs = Int64(settings.statusReportIntervalMs).clamped(minimum, 86_400_000)
            }
            if settings.pushPingIntervalMs != 0 {
                state.settings.pushPingIntervalMs = Int64(settings.pushPingIntervalMs).clamped(1_000, 300_000)
            }
            if settings.pushMissedPongLimit != 0 {
                state.settings.pushMissedPongLimit = Int64(settings.pushMissedPongLimit).clamped(1, 10)
            }
            let before = (state.settings.logCollectionEnabled, state.settings.logLevel)
            switch settings.logCollection {
            case .enabled: state.settings.logCollectionEnabled = true
            case .disabled: state.settings.logCollectionEnabled = false
            default: break
            }
            if case .unrecognized = settings.logLevel {
            } else if settings.logLevel != .unspecified {
                state.settings.logLevel = settings.logLevel.rawValue
            }
            return before != (state.settings.logCollectionEnabled, state.settings.logLevel)
        }
        if changedLogging {
            configureLogUpload()
            if !localState.current.settings.logCollectionEnabled, !BrokenVariant.isActive(.keepsLogQueueWhenDisabled) {
                // Collection off: the queued records are discarded and none are queued.
                try store.removeLogRecords(throughSequenceNumber: Int64.max, reportedDroppedCount: 0)
            }
        }
    }
}

extension Int64 {
    func clamped(_ lower: Int64, _ upper: Int64) -> Int64 { Swift.min(Swift.max(self, lower), upper) }
}
