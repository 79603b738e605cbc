import KernelsC

/// The kernel variant the int8 products, activation quantization and vector max run: one per
/// CPU feature set, chosen at run time, so one binary runs everywhere at the best speed the
/// CPU allows (the build targets x86-64-v3; AVX-512 code lives only in C functions compiled
/// for it).
///
/// `S2D_CPU=portable|avx2|avx512` forces a variant for the whole process, so tests and
/// benchmarks can cover every variant the CPU can run; code that must name its variant (tests
/// looping over all of them) passes one explicitly to `MatMul` and `KVCache`.
public enum KernelPath: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Plain C that the compiler vectorizes for the build's baseline.
    case portable
    /// AVX2 + FMA + F16C: int8 products by vpmaddubsw / vpmaddwd.
    case avx2
    /// AVX-512 F/BW/VL + VNNI: int8 products by vpdpbusd.
    case avx512

    /// The C dispatch value.
    @inlinable public var raw: kc_path {
        switch self {
        case .portable: KC_PATH_PORTABLE
        case .avx2: KC_PATH_AVX2
        case .avx512: KC_PATH_AVX512
        }
    }

    /// Whether this CPU can run the variant.
    public var isSupported: Bool { kc_path_supported(raw) != 0 }

    /// Every variant this CPU can run, slowest first.
    public static var supported: [KernelPath] { allCases.filter(\.isSupported) }

    /// The fastest variant this CPU can run.
    public static var best: KernelPath { KernelPath(kc_best_path()) }

    /// The variant used where none is named: `S2D_CPU` when it is set and valid, else `best`
    /// (or what `activate` chose before first use).
    public static var active: KernelPath { KernelPath(kc_active_path()) }

    /// What is wrong with `S2D_CPU` (an unknown name, or a variant this CPU cannot run), or nil.
    /// Commands check it at start so that a forced variant is never silently replaced.
    public static var environmentProblem: String? {
        guard let problem = kc_environment_problem() else { return nil }
        return String(cString: problem)
    }

    /// Makes `path` the process-wide default (a command's `--cpu`); call before any kernel runs.
    public static func activate(_ path: KernelPath) throws(KernelsError) {
        guard kc_set_active_path(path.raw) == 0 else { throw KernelsError.unsupportedKernelPath(path.rawValue, cpu: CPUFeatures.current.description) }
    }

    init(_ raw: kc_path) {
        switch raw {
        case KC_PATH_AVX512: self = .avx512
        case KC_PATH_AVX2: self = .avx2
        default: self = .portable
        }
    }

    public var description: String { rawValue }
}

/// The CPU features that choose kernel variants, as detected (cpuid, and the OS's saved
/// register state).
public struct CPUFeatures: Sendable, CustomStringConvertible {
    /// Feature names present, e.g. ["avx2", "fma", "f16c", "avx512f", …].
    public let names: [String]

    public static var current: CPUFeatures {
        let bits = kc_cpu_features()
        let table: [(Int, String)] = [
            (KC_FEATURE_AVX2, "avx2"), (KC_FEATURE_FMA, "fma"),
            (KC_FEATURE_F16C, "f16c"), (KC_FEATURE_AVX512F, "avx512f"),
            (KC_FEATURE_AVX512BW, "avx512bw"), (KC_FEATURE_AVX512VL, "avx512vl"),
            (KC_FEATURE_AVX512VNNI, "avx512vnni"), (KC_FEATURE_AVX512BF16, "avx512bf16"),
        ]
        return CPUFeatures(names: table.filter { Int(bits) & $0.0 != 0 }.map(\.1))
    }

    public var description: String { names.isEmpty ? "(none of avx2/avx512)" : names.joined(separator: " ") }
}
