import ArgumentParser

/// `s2d`: System 2 distillation from the command line. Each subcommand is a thin layer that
/// parses flags and calls the library modules.
@main
struct S2D: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2d",
        abstract: "Distil slow System 2 prompting into a fast System 1 model.",
        subcommands: [
            GenerateCommand.self, CurateCommand.self, TrainCommand.self, TeachCommand.self, DistillCommand.self,
            EvalCommand.self, ExportCommand.self, PadCommand.self, ServeCommand.self, BenchCommand.self, FuzzCommand.self,
        ]
    )
}
