import Kernels

/// The engine's kernel variants, for the layers above `Inference` (which never import Kernels).
public typealias KernelPath = Kernels.KernelPath
/// The CPU features that choose among them.
public typealias CPUFeatures = Kernels.CPUFeatures

extension KernelPath {
    /// The variant a command runs: `name` (its `--cpu`) made the process default when given,
    /// else the active one; an invalid `S2D_CPU` is an error, never silently replaced.
    public static func choose(_ name: String?) throws -> KernelPath {
        if let name {
            guard let path = KernelPath(rawValue: name) else {
                throw KernelsError.unsupportedKernelPath(name, cpu: CPUFeatures.current.description)
            }
            try activate(path)
            return path
        }
        if let problem = environmentProblem { throw ModelLoader.Failure.kernelEnvironment(problem) }
        return active
    }

    /// "avx512 (cpu: avx2 fma f16c …)": what a benchmark ran on.
    public static var summary: String { "\(active) (cpu: \(CPUFeatures.current))" }
}
