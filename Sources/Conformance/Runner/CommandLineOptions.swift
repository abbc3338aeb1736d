/// The parsed command line of `eacp-conformance`.
public struct CommandLineOptions: Sendable {
    /// Which implementation the run tests.
    public enum Mode: Hashable, Sendable {
        /// The reference server and agent of this package, started by the runner, plus the codec vectors.
        case reference
        /// A third-party agent, started with this command; the runner plays the server.
        case agent(command: [String])
        /// A third-party server at this URL; the runner plays agents.
        case server(url: String, adminToken: String, caFile: String)
    }

    public var mode: Mode = .reference
    public var run = RunOptions()
    /// The specification folder holding eacp.proto and vectors/, found from the current folder when nil.
    public var specFolder: String?
    /// A shell command that makes the agent under test record one security event.
    public var eventCommand: String?
    /// Print the case list instead of running it.
    public var listOnly = false

    public static let usage = """
        Usage: eacp-conformance [reference] [OPTIONS]
               eacp-conformance agent [OPTIONS] -- COMMAND [ARGUMENT...]
               eacp-conformance server --url URL --admin-token TOKEN --ca FILE [OPTIONS]

        reference (the default) starts the package's eacp-server and eacp-agent, found beside this
        program, and runs every case against them over TLS on loopback, plus the codec vector checks.
        agent starts COMMAND as the agent under test; the runner plays the server and passes
        EACP_SERVER_URL, EACP_CA_FILE, EACP_ENROLLMENT_TOKEN and EACP_STATE_DIR (spec/agent-contract.md).
        server tests the server at URL (a loopback address) through its administrator API; the runner
        plays agents.

        Options:
          --profiles LIST       optional profiles the implementation declares, comma-separated:
                                push-channel, live-terminal, uploads, upgrades, proxy, or all
                                (core is always included; reference mode declares all)
          --strict              a refusal with another alert than the specification names fails its case
          --report-dir FOLDER   where the JUnit XML and JSON reports go (default ./conformance-reports)
          --known-failures FILE cases expected to fail, one "CASE-ID REASON" per line
          --case PREFIX         run only cases whose id starts with PREFIX; repeatable
          --event-command CMD   agent mode: shell command that makes the agent record a security event
          --spec FOLDER         specification folder with eacp.proto and vectors/ (default: found upward)
          --list                print the cases with their requirement ids and exit

        Exit status: 0 every required case passed, 1 a required case failed, 2 the runner could not run,
        3 the known-failures file is stale. spec/conformance.md describes the reports.
        """

    public init() {}

    public init(arguments: [String]) throws(RunnerError) {
        var words = arguments[...]
        var command: [String] = []
        if let separator = words.firstIndex(of: "--") {
            command = Array(words[(separator + 1)...])
            words = words[..<separator]
        }
        var url: String?
        var token: String?
        var caFile: String?
        var modeName = "reference"
        if let first = words.first, !first.hasPrefix("--") {
            modeName = first
            words = words.dropFirst()
        }
        run.profiles = modeName == "reference" ? Set(Profile.allCases) : [.core]

        while let flag = words.popFirst() {
            func value() throws(RunnerError) -> String {
                guard let value = words.popFirst() else { throw RunnerError(.usage, "option \(flag) needs a value") }
                return value
            }
            switch flag {
            case "--profiles": run.profiles = try Profile.parseList(try value())
            case "--strict": run.strict = true
            case "--report-dir": run.reportDirectory = try value()
            case "--known-failures": run.knownFailuresPath = try value()
            case "--case": run.caseFilters.append(try value())
            case "--event-command": eventCommand = try value()
            case "--spec": specFolder = try value()
            case "--list": listOnly = true
            case "--url": url = try value()
            case "--admin-token": token = try value()
            case "--ca": caFile = try value()
            default: throw RunnerError(.usage, "unknown option \"\(flag)\"")
            }
        }

        switch modeName {
        case "reference":
            guard command.isEmpty, url == nil else { throw RunnerError(.usage, "reference mode takes no command or --url") }
        case "agent":
            guard !command.isEmpty else { throw RunnerError(.usage, "agent mode needs the agent command after --") }
            mode = .agent(command: command)
        case "server":
            guard let url, let token, let caFile else {
                throw RunnerError(.usage, "server mode needs --url, --admin-token and --ca")
            }
            mode = .server(url: url, adminToken: token, caFile: caFile)
        default:
            throw RunnerError(.usage, "unknown mode \"\(modeName)\"; expected reference, agent or server")
        }
    }
}
