// Program-aided distillation (PaD; Zhu et al. 2023): a small model learns to answer by
// writing a program that the sandboxed interpreter (`ProgramSandbox`) runs.
//
// The pieces, in pipeline order:
// - `ProgramExtraction` reads a program out of a reply; `ProgramVerifier` runs it and judges
//   the result with the task's answer comparison (`ProgramCheck`, `ProgramVerdict`).
// - `ProgramSynthesizer` samples k programs per question from a `ProgramTeacher` (a model, or
//   the gold programs offline) and keeps the verified, deduplicated ones (`VerifiedProgram`);
//   `PaDSynthesisStage` runs it into a run directory and records every attempt in the run
//   store (`s2d pad synthesize`).
// - `ProgramPrompting` words every request, so training records and inference prompts match.
// - `RefinementDataBuilder` pairs the student's faulty programs with verified ones, with the
//   interpreter's feedback (`RefinementPair`); `RefiningSolver` repairs at inference.
// - `StepwiseBeamSearch` decodes line by line, dropping lines that break or raise; its text
//   prompts end on the training text's token boundaries (see its documentation).
// - `SolverEvaluation` scores any `Solver`; `ChainOfThoughtSolver` is the baseline.
// - `PaDPipeline` runs it all, resumably, into a run directory (`PaDReport` in eval.json;
//   `s2d pad distill`).
// - `ProgramRunner` runs a file for `s2d pad run`. (PaD as a System 2 method for `s2d distill`
//   is the built-in `program` method in Distillation: `answer_from: program`.)
