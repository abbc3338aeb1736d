import Dispatch
import Foundation
import Glibc

/// The `eacp-agent` command line: `run`, `event`, `status` and `--help`.
public enum AgentCommandLine {
    public static let usage: String = {
        var text = """
            Usage:
              eacp-agent run [options]        run the agent until SIGTERM or SIGINT
              eacp-agent event --type TYPE --severity SEVERITY [--detail TEXT] [--state-dir DIR]
                                              hand one security event to the running agent
              eacp-agent status [websocket] [--json] [--state-dir DIR]
                                              show what the running agent's connection is doing
              eacp-agent --help               show this text

            Options of run (a flag wins over its environment variable):

            """
        for option in AgentOptions.documented {
            text += "  \(option.flag) VALUE".padding(toLength: 30, withPad: " ", startingAt: 0) + "\(option.help)\n"
            text += "".padding(toLength: 30, withPad: " ", startingAt: 0) + "environment: \(option.variable)\n"
        }
        text += """

            Severities of event: informational, low, medium, high, critical.
            `event` and `status` find the agent through --state-dir or EACP_STATE_DIR.
            The agent writes its log to standard error.

            """
        return text
    }()

    /// Runs one command and returns the process exit status.
    public static func main(arguments: [String], environment: [String: String]) async -> Int32 {
        guard let command = arguments.first else {
            print(usage, terminator: "")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "--help", "-h", "help":
            print(usage, terminator: "")
            return 0
        case "run":
            if rest.contains("--help") {
                print(usage, terminator: "")
                return 0
            }
            return await run(rest, environment: environment)
        case "event":
            return event(rest, environment: environment)
        case "status":
            return status(rest, environment: environment)
        default:
            printError("unknown command \"\(command)\"; run `eacp-agent --help` for the list")
            return 2
        }
    }

    private static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        let agent: Agent
        do {
            agent = try Agent(options: try AgentOptions(arguments: arguments, environment: environment))
        } catch {
            printError("eacp-agent: \(error)")
            return error is AgentOptionsError && (error as! AgentOptionsError).code == .usage ? 2 : 1
        }
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { agent.stop() }
            source.resume()
            sources.append(source)
        }
        do {
            try await agent.run()
        } catch {
            agent.log.error("agent", "agent.failed", ["error": error])
            printError("eacp-agent: \(error)")
            return 1
        }
        withExtendedLifetime(sources) {}
        agent.log.info("agent", "agent.stopped")
        return BrokenVariant.isActive(.failsOnSIGTERM) ? 1 : 0
    }

    private static func event(_ arguments: [String], environment: [String: String]) -> Int32 {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            guard ["--type", "--severity", "--detail", "--state-dir"].contains(arguments[index]), index + 1 < arguments.count else {
                printError("invalid argument \"\(arguments[index])\"; usage: eacp-agent event --type TYPE --severity SEVERITY [--detail TEXT]")
                return 2
            }
            values[arguments[index]] = arguments[index + 1]
            index += 2
        }
        guard let type = values["--type"], let severity = values["--severity"] else {
            printError("event needs --type and --severity")
            return 2
        }
        guard let stateDirectory = values["--state-dir"] ?? environment["EACP_STATE_DIR"] else {
            printError("missing setting: set EACP_STATE_DIR or pass --state-dir")
            return 2
        }
        let request: [String: String] = ["type": type, "severity": severity, "detail": values["--detail"] ?? ""]
        do {
            let reply = try LocalSocket.exchange(
                path: LocalEventServer.socketPath(stateDirectory),
                request: Array(try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])))
            let object = try JSONSerialization.jsonObject(with: Data(reply)) as? [String: String] ?? [:]
            if let id = object["event_id"] {
                print(id)
                return 0
            }
            printError("the agent rejected the event: \(object["error"] ?? "no reason given")")
            return 1
        } catch {
            printError("no agent is running with state folder \(stateDirectory): \(error)")
            return 1
        }
    }

    private static func status(_ arguments: [String], environment: [String: String]) -> Int32 {
        var json = false
        var websocketOnly = false
        var stateDirectory = environment["EACP_STATE_DIR"]
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--json": json = true
            case "websocket": websocketOnly = true
            case "--state-dir" where index + 1 < arguments.count:
                stateDirectory = arguments[index + 1]
                index += 1
            default:
                printError("invalid argument \"\(arguments[index])\"; usage: eacp-agent status [websocket] [--json] [--state-dir DIR]")
                return 2
            }
            index += 1
        }
        guard let stateDirectory else {
            printError("missing setting: set EACP_STATE_DIR or pass --state-dir")
            return 2
        }
        switch StatusCommand.read(stateDirectory: stateDirectory) {
        case .running(let snapshot):
            if json {
                let data = (try? StatusSnapshot.encoder.encode(snapshot)) ?? Data()
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(StatusCommand.render(snapshot, websocketOnly: websocketOnly))
            }
            return 0
        case .notRunning(let reason):
            if json {
                print("{\n  \"running\" : false,\n  \"reason\" : \(jsonString(reason))\n}")
            } else {
                print(reason)
            }
            return 3
        }
    }

    private static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
