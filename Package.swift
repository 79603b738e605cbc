// swift-tools-version:6.0
// Build with the CPU target flags from the Makefile (`make build`): without them Swift SIMD
// compiles to scalar code and the engine runs 100x slower (../shared/ENGINE-NOTES.md).
import PackageDescription

let package = Package(
    name: "System2Distill",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "s2d", targets: ["s2d"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The engine: OpenBLAS, kernels, model files, tokenizer, transformer.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Int8 dot-product kernels behind the Swift `Kernels` module: one variant per CPU
        // feature set (AVX-512 VNNI, AVX2, portable C), chosen at run time (`KernelPath`).
        .target(name: "KernelsC"),
        .target(name: "Kernels", dependencies: ["CBLAS", "KernelsC"]),
        .target(name: "ModelFiles"),
        .target(name: "Tokenizers", dependencies: ["ModelFiles"]),
        .target(name: "Transformer", dependencies: ["ModelFiles", "Kernels"]),
        .target(
            name: "Inference",
            dependencies: [
                "Transformer", "Tokenizers", "Kernels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),

        // The pipeline above the `LanguageModel` / `FineTuner` seams.
        .target(
            name: "Distillation",
            dependencies: [
                "Inference", "ProgramSandbox", .product(name: "Yams", package: "Yams"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .target(name: "ProgramSandbox"),
        // The OpenAI-compatible HTTP server for the embedded engine (`s2d serve`).
        .target(
            name: "Server",
            dependencies: [
                "Inference",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "ProgramAided", dependencies: ["Distillation", "ProgramSandbox", "Inference"]),
        // `s2d fuzz`: mutated model files, JSONL, programs and templates through the real readers.
        .target(name: "Fuzzing", dependencies: ["Distillation", "ProgramAided", "ProgramSandbox", "Inference"]),

        .executableTarget(
            name: "s2d",
            dependencies: [
                "Inference", "Distillation", "ProgramAided", "Server", "Fuzzing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Writes to a RunStore until killed: the kill-safety test SIGKILLs it mid-write.
        .executableTarget(name: "s2d-store-stress", dependencies: ["Distillation", "Inference"]),

        .target(name: "TestSupport", dependencies: ["ModelFiles"], path: "Tests/TestSupport"),
        // Scripted doubles of the LanguageModel and FineTuner seams, for tests that need no real model.
        .target(name: "TestDoubles", dependencies: ["Inference"], path: "Tests/TestDoubles"),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "KernelsC", "ModelFiles", "TestSupport"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "TestSupport"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "TestSupport"]),
        .testTarget(name: "TransformerTests", dependencies: ["Transformer", "Kernels", "ModelFiles", "TestSupport"]),
        .testTarget(name: "TransformerTrainingTests", dependencies: ["Transformer", "Kernels", "ModelFiles", "TestSupport"]),
        .testTarget(
            name: "InferenceTests",
            dependencies: [
                "Inference", "Transformer", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "DistillationTests", dependencies: ["Distillation", "Inference", "TestSupport", "TestDoubles", "s2d-store-stress"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Inference", "Transformer", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(name: "ProgramSandboxTests", dependencies: ["ProgramSandbox", "TestSupport"]),
        // Runs the real `s2d` binary in subprocesses (kill-and-resume, budgets, errors); the
        // dependency on the executable makes `swift build --build-tests` / `swift test` build it.
        .testTarget(
            name: "S2DTests",
            dependencies: [
                "s2d", "Distillation", "Inference", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ProgramAidedTests",
            dependencies: ["ProgramAided", "Distillation", "ProgramSandbox", "Inference", "Tokenizers", "ModelFiles", "TestSupport", "TestDoubles"]),
        // Runs the built s2d as a subprocess (the whole pipeline on a few examples).
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["s2d", "Distillation", "TestSupport"]),
    ]
)
