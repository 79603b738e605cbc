import Kernels

/// The operations of the Llama block and head for training, each forward beside its
/// backward (llm.c style). Every function works on raw float32 buffers; shapes are in the
/// comment above it, N = batch · sequence rows. A backward ACCUMULATES (+=) into weight
/// gradients and, where it says so, into input gradients.
///
/// Public so that tests can check each backward against finite differences.
public enum TrainingOps {}

// MARK: - embedding

extension TrainingOps {
    /// tokens [N] → x [N, C] = table[token]
    public static func embeddingForward(
        tokens: UnsafePointer<Int32>, table: UnsafePointer<Float>, x: UnsafeMutablePointer<Float>, rows: Int, columns: Int
    ) {
        for row in 0..<rows {
            (x + row * columns).update(from: table + Int(tokens[row]) * columns, count: columns)
        }
    }

    /// dx [N, C] → dtable [V, C] += dx at each token's row. Serial: a token may repeat.
    /// `skipped`: a token whose row gets no lookup gradient (PyTorch's `padding_idx`).
    public static func embeddingBackward(
        tokens: UnsafePointer<Int32>, dx: UnsafePointer<Float>, dtable: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        skipped: Int32? = nil
    ) {
        for row in 0..<rows {
            if let skipped, tokens[row] == skipped { continue }
            let target = dtable + Int(tokens[row]) * columns
            RowOps.add(target, dx + row * columns, into: target, count: columns)
        }
    }
}

// MARK: - RMSNorm

extension TrainingOps {
    /// x [N, C], w [C] → y [N, C] = x · rstd · w, rstd [N] = 1 / sqrt(mean(x²) + eps)
    public static func rmsNormForward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        rstd: UnsafeMutablePointer<Float>, rows: Int, columns: Int, epsilon: Float, threads: Int = 1
    ) {
        parallelFor(splitting: rows, parts: threads, align: 8) { block in
            for row in block {
                rstd[row] = RowOps.rmsNorm(x + row * columns, weight: weight, into: y + row * columns, count: columns, eps: epsilon)
            }
        }
    }

    /// dy [N, C] → dx [N, C] += rstd·(dy⊙w) − x·rstd³·mean((dy⊙w)⊙x);  dw [C] += Σ_rows dy⊙x·rstd
    public static func rmsNormBackward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?, rows: Int, columns: Int, threads: Int = 1
    ) {
        parallelFor(splitting: rows, parts: threads, align: 8) { block in
            for row in block {
                RowOps.rmsNormBackward(x + row * columns, weight: weight, scale: rstd[row], outputGradient: dy + row * columns,
                                       accumulateInputGradient: dx + row * columns, count: columns)
            }
        }
        // The weight gradient sums over rows: serial, in row order, so it is deterministic.
        if let dweight {
            for row in 0..<rows {
                RowOps.rmsNormWeightGradient(x + row * columns, scale: rstd[row], outputGradient: dy + row * columns,
                                             accumulateInto: dweight, count: columns)
            }
        }
    }
}

// MARK: - RoPE

extension TrainingOps {
    /// In place on x [N, heads·headDim], sequences of `lengths` rows one after another: row t of
    /// each sequence rotated for position t, every head (`Rope`, llama.cpp's NORM layout).
    /// Backward (`inverse`): the transpose, a rotation by −angle, applied to the gradient.
    public static func rope(
        _ x: UnsafeMutablePointer<Float>, lengths: [Int], heads: Int, rope: Rope, inverse: Bool
    ) {
        let width = heads * rope.headDimension
        var row = 0
        for length in lengths {
            for position in 0..<length {
                rope.apply(x + row * width, heads: heads, position: position, inverse: inverse)
                row += 1
            }
        }
    }
}

// MARK: - gated MLP activation

extension TrainingOps {
    /// gate, up [N, F] → h [N, F] = act(gate) ⊙ up (SiLU: SwiGLU; GELU-tanh: GeGLU)
    public static func gatedForward(
        gate: UnsafePointer<Float>, up: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, count: Int,
        activation: GateActivation = .silu, threads: Int = 1
    ) {
        parallelFor(splitting: count, parts: threads, align: 1024) { range in
            activation.forward(gate: gate + range.lowerBound, up: up + range.lowerBound, into: h + range.lowerBound, count: range.count)
        }
    }

    /// dh [N, F] → dgate = dh ⊙ up ⊙ act'(g), dup = dh ⊙ act(g)  (overwritten)
    public static func gatedBackward(
        dh: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
        dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, count: Int,
        activation: GateActivation = .silu, threads: Int = 1
    ) {
        parallelFor(splitting: count, parts: threads, align: 1024) { range in
            activation.backward(gate: gate + range.lowerBound, up: up + range.lowerBound, outputGradient: dh + range.lowerBound,
                                gateGradient: dgate + range.lowerBound, upGradient: dup + range.lowerBound, count: range.count)
        }
    }
}
