import Foundation

/// One measured product shape.
public struct BenchmarkRow: Sendable, CustomStringConvertible {
    /// What was measured (a layer name, or "decode step").
    public let name: String
    /// Output rows N, inputs K, activation rows M.
    public let n: Int, k: Int, m: Int
    /// Worker threads.
    public let threads: Int
    /// Wall-clock seconds per call (best of several repetitions).
    public let seconds: Double
    /// Process CPU seconds per call and thread in the same repetition: close to `seconds` on a
    /// quiet machine; when other processes take the cores, wall time grows and this does not.
    public var cpuSecondsPerThread: Double = 0
    /// Floating-point operations per call (2·M·N·K for one product).
    public let flops: Double
    /// flops / seconds, in GFLOP/s.
    public var gflops: Double { flops / seconds / 1e9 }

    public init(name: String, n: Int, k: Int, m: Int, threads: Int, seconds: Double, flops: Double? = nil) {
        self.name = name
        self.n = n
        self.k = k
        self.m = m
        self.threads = threads
        self.seconds = seconds
        self.flops = flops ?? 2 * Double(m * n * k)
    }

    public var description: String {
        let name = self.name.padding(toLength: 12, withPad: " ", startingAt: 0)
        return "\(name) \(String(format: "%6d %5d %4d %2d %10.3f ms %8.1f GFLOP/s %10.3f ms", n, k, m, threads, seconds * 1e3, gflops, cpuSecondsPerThread * 1e3))"
    }
}

/// Measures the shapes of one SmolLM2-135M decode step on random weights (Q4_1 layers,
/// Q8_0 output head), for `s2d bench engine`.
public enum KernelBenchmark {
    /// SmolLM2-135M: hidden 576, kv 192 (3 heads × 64), FFN 1536, vocab 49152, 30 layers.
    static let shapes: [(name: String, n: Int, k: Int, format: QuantFormat)] = [
        ("q/o", 576, 576, .q4_1), ("k/v", 192, 576, .q4_1), ("gate/up", 1536, 576, .q4_1),
        ("down", 576, 1536, .q4_1), ("output head", 49152, 576, .q8_0),
    ]

    /// Times every shape at each M and thread count (y = x·Wᵀ), the training backward
    /// dX = dY·W of the layer shapes at M ≥ 64, then all 211 linear layers of a decode step
    /// (30 layers × q, k, v, o, gate, up, down + head, with q/k/v and gate/up fused) at M ≤ 32,
    /// and the attention of one position over 512 cached ones in all 30 layers;
    /// prints a table when `verbose`. Takes ~10–30 s on a quiet machine.
    public static func run(batchSizes: [Int] = [1, 8, 32, 512], threadCounts: [Int] = [1, 2],
                           sgemmMinRows: Int = MatMul.defaultSgemmMinRows,
                           verbose: Bool = true) -> [BenchmarkRow] {
        var rows: [BenchmarkRow] = []
        func emit(_ row: BenchmarkRow) {
            rows.append(row)
            if verbose { print(row) }
        }
        if verbose { print("shape             N     K    M  T  wall time    GFLOP/s (wall)  cpu time/thread") }
        let maxM = batchSizes.max() ?? 1
        var x = [Float](repeating: 0, count: maxM * 1536)
        var rng = SplitMix64(seed: 1)
        for i in x.indices { x[i] = rng.nextFloat() * 2 - 1 }
        var y = [Float](repeating: 0, count: maxM * 49152)
        for shape in shapes {
            let w = randomMatrix(rows: shape.n, columns: shape.k, format: shape.format, rng: &rng)
            for m in batchSizes {
                for t in threadCounts {
                    let mm = MatMul(threads: t, sgemmMinRows: sgemmMinRows)
                    let s = x.withUnsafeBufferPointer { xp in
                        y.withUnsafeMutableBufferPointer { yp in
                            time(work: 2 * Double(m * shape.n * shape.k)) {
                                mm.multiply(w, x: xp.baseAddress!, rows: m, into: yp.baseAddress!)
                            }
                        }
                    }
                    var row = BenchmarkRow(name: shape.name, n: shape.n, k: shape.k, m: m, threads: t, seconds: s.wall)
                    row.cpuSecondsPerThread = s.cpu / Double(t)
                    emit(row)
                }
            }
        }
        // Training backward through the frozen quantized layers: dX = dY · W (float32 panels).
        for m in batchSizes where m >= 64 {
            for shape in shapes where shape.n < 10_000 {
                let w = randomMatrix(rows: shape.n, columns: shape.k, format: shape.format, rng: &rng)
                for t in threadCounts {
                    let mm = MatMul(threads: t)
                    let s = x.withUnsafeBufferPointer { xp in
                        y.withUnsafeMutableBufferPointer { yp in
                            time(work: 0) { mm.multiplyTransposed(w, dy: xp.baseAddress!, rows: m, into: yp.baseAddress!) }
                        }
                    }
                    var row = BenchmarkRow(name: "dX " + shape.name, n: shape.n, k: shape.k, m: m, threads: t, seconds: s.wall)
                    row.cpuSecondsPerThread = s.cpu / Double(t)
                    emit(row)
                }
            }
        }
        // One decode step: distinct weights per layer, so the weights stream from memory.
        let layers = (0..<30).map { _ in
            (0..<7).map { i in
                let (n, k) = [(576, 576), (192, 576), (192, 576), (576, 576), (1536, 576), (1536, 576), (576, 1536)][i]
                return randomMatrix(rows: n, columns: k, format: .q4_1, rng: &rng)
            }
        }
        let head = randomMatrix(rows: 49152, columns: 576, format: .q8_0, rng: &rng)
        let stepFlops = 2.0 * Double(30 * (576 * 576 * 2 + 192 * 576 * 2 + 1536 * 576 * 3) + 49152 * 576)
        for m in batchSizes where m <= 32 {
            for t in threadCounts {
                let mm = MatMul(threads: t, sgemmMinRows: sgemmMinRows)
                let b = (0..<4).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: m * 1536) }
                defer { b.forEach { $0.deallocate() } }
                let s = x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        time(work: Double(m) * stepFlops) {
                            for layer in layers {
                                // q, k, v share x; o; gate, up share x; down reads 1536 inputs.
                                mm.multiply(Array(layer[0..<3]), x: xp.baseAddress!, rows: m,
                                            into: [b[0], b[1], b[2]])
                                mm.multiply(layer[3], x: xp.baseAddress!, rows: m, into: b[0])
                                mm.multiply(Array(layer[4..<6]), x: xp.baseAddress!, rows: m, into: [b[1], b[2]])
                                mm.multiply(layer[6], x: xp.baseAddress!, rows: m, into: b[3])
                            }
                            mm.multiply(head, x: xp.baseAddress!, rows: m, into: yp.baseAddress!)
                        }
                    }
                }
                var row = BenchmarkRow(name: "decode step", n: 0, k: 0, m: m, threads: t, seconds: s.wall,
                                       flops: Double(m) * stepFlops)
                row.cpuSecondsPerThread = s.cpu / Double(t)
                emit(row)
            }
        }
        // Attention of one decode position over 512 cached positions, all 30 layers.
        let (T, stride) = (512, 192)
        let cache = (0..<(2 * T * stride)).map { _ in rng.nextFloat() - 0.5 }
        for t in threadCounts {
            let s = cache.withUnsafeBufferPointer { c in
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        time(work: 0) {
                            for _ in 0..<30 {
                                Attention.decode(query: xp.baseAddress!, heads: 9, kvHeads: 3, headDimension: 64,
                                                 keys: c.baseAddress!, values: c.baseAddress! + T * stride, length: T,
                                                 stride: stride, scale: 0.125, into: yp.baseAddress!, threads: t)
                            }
                        }
                    }
                }
            }
            var row = BenchmarkRow(name: "attn 30x512", n: 9, k: 64, m: T, threads: t, seconds: s.wall,
                                   flops: 30 * 4 * 9 * 64 * Double(T))
            row.cpuSecondsPerThread = s.cpu / Double(t)
            emit(row)
        }
        return rows
    }

    // Best wall time of repeated calls, and the process CPU time of that call, repeating for
    // ≥ 0.2 s and ≥ 5 calls (after one warm-up call).
    static func time(work: Double, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()
        var best = (wall: Double.infinity, cpu: 0.0), spent = 0.0, reps = 0
        while spent < 0.2 || reps < 5 {
            let c0 = cpuSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
            body()
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, dc = cpuSeconds() - c0
            if dt < best.wall { best = (dt, dc) }
            spent += dt
            reps += 1
        }
        return best
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// A matrix of random blocks with sane fp16 scales.
    static func randomMatrix(rows: Int, columns: Int, format: QuantFormat, rng: inout SplitMix64) -> WeightMatrix {
        let bytes = randomBlocks(rows * columns / 32, format: format, rng: &rng)
        return bytes.withUnsafeBytes {
            try! WeightMatrix(quantized: $0.baseAddress!, byteCount: $0.count, format: format, rows: rows, columns: columns)
        }
    }

    static func randomBlocks(_ count: Int, format: QuantFormat, rng: inout SplitMix64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count * format.blockBytes)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: rng.next() >> 32) }
        for b in 0..<count {
            let o = b * format.blockBytes
            let d = floatToHalf(0.002 + 0.01 * rng.nextFloat())
            bytes[o] = UInt8(d & 0xff)
            bytes[o + 1] = UInt8(d >> 8)
            if format == .q4_1 {
                let m = floatToHalf(-0.1 * rng.nextFloat())
                bytes[o + 2] = UInt8(m & 0xff)
                bytes[o + 3] = UInt8(m >> 8)
            }
        }
        return bytes
    }
}

