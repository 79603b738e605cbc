import ArgumentParser

/// `s2d pad`: program-aided distillation (Zhu et al. 2023). The student learns to answer by
/// writing a program that the sandboxed interpreter runs.
struct PadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pad",
        abstract: "Program-aided distillation: synthesise verified programs, train a program-writing student, evaluate it.",
        discussion: """
            s2d pad distill --task coin-flip --run runs/pad      # the whole pipeline (the default subcommand)
            s2d pad synthesize --task last-letter --teacher gold --run runs/pad-ll
            s2d pad run program.py [--call solution] [--json]
            """,
        subcommands: [PadDistillCommand.self, PadSynthesizeCommand.self, PadRunCommand.self],
        defaultSubcommand: PadDistillCommand.self)
}
