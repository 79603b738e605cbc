import ArgumentParser
import Distillation
import Foundation
import ProgramAided

/// `s2d pad synthesize`: PaD's data synthesis on its own. The teacher writes k programs per
/// labelled question, each is run in the sandbox, and those returning the gold answer are
/// kept (deduplicated). Every attempt, with its outcome and error class, goes to the run store.
struct PadSynthesizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Teacher writes k programs per labelled question; keep those that run and return the gold answer.",
        discussion: """
            Writes OUT/attempts.jsonl (every attempt with its outcome), OUT/programs.jsonl (verified, \
            deduplicated programs) and records the attempts in OUT/run.sqlite (stage pad-synthesize). \
            A finished synthesis is reused, and a teacher model's calls are cached in the run store, \
            so a re-run (or `s2d pad distill --run DIR`) makes no call twice.
            """)

    @OptionGroup var options: PadTaskOptions
    @OptionGroup var runDirectory: RunDirectoryOption
    @Option(help: "Embedded engine precision of a teacher model.") var precision: PrecisionArgument = .quantized
    @Option(help: "Threads of an embedded teacher model.") var threads = 2
    @Flag(help: "Only the results; no progress lines.") var quiet = false
    @Flag(help: "Print the statistics as JSON.") var json = false

    func validate() throws { _ = try runDirectory.path() }

    func run() async throws {
        let directory = URL(fileURLWithPath: try runDirectory.path())
        try PaDRunSettings.file(in: directory).record(PaDRunSettings(data: options.settings))
        let store = try RunStore(directory: directory)
        let configuration = try options.configuration()
        let teacher = try options.programTeacher(store: store, precision: precision, threads: threads)
        let stage = PaDSynthesisStage(configuration: configuration, teacher: teacher, artifacts: PaDPipeline.Artifacts(directory: directory),
                                      store: store)
        let result = try await stage.run(log: stderrLog(quiet: quiet))
        let stats = PaDSynthesisStage.statistics(result, questions: configuration.train.count)
        if json {
            try JSONOutput.print(stats)
            return
        }
        print("\(options.task), teacher \(teacher.source): \(stats.attempts) programs for \(stats.questions) questions, " +
              "\(stats.verifiedPrograms) verified (\(stats.verifiedQuestions) questions), \(stats.generatedTokens) teacher tokens")
        var table = TextTable(["outcome", "programs"])
        for (outcome, count) in stats.outcomes.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) { table.add([outcome, "\(count)"]) }
        print(table.rendered)
        print("wrote \(stage.artifacts.attempts.path), \(stage.artifacts.programs.path)")
        if stats.verifiedPrograms == 0, options.teacher == "gold" {
            print("the \(options.task) examples carry no gold programs: give --teacher MODEL_URI (e.g. openai:http://host:port/v1#model) to have a model write them")
        }
    }
}
