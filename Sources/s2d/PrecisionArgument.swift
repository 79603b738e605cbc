import ArgumentParser
import Inference

/// `--precision` values.
enum PrecisionArgument: String, ExpressibleByArgument, CaseIterable {
    case quantized, float32
    var precision: Precision { self == .quantized ? .quantized : .float32 }
}
