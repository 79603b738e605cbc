import CBLAS
import KernelsC

/// OpenBLAS runs single-threaded: the engine splits work across threads itself, and nested
/// threading (ours × OpenBLAS's) oversubscribes the cores (ENGINE-NOTES.md). Set once, by the
/// first product through `Gemm` or `MatMul`.
let openBLASSingleThreaded: Void = { openblas_set_num_threads(1) }()

/// Float32 matrix products through OpenBLAS (row-major): the engine's one BLAS wrapper, for
/// training and for the float parts of inference. For quantized weights use `MatMul`.
///
/// We split the output ourselves along its larger dimension into `threads` blocks, each one
/// single-threaded sgemm call. Each output element is computed by one call whatever the
/// split, so results do not depend on the machine's load, and with a fixed thread count a
/// training run is bitwise reproducible.
public enum Gemm {
    /// C[m, n] = alpha · op(A)[m, k] · op(B)[k, n] + beta · C.
    /// op(A) = A (stored [m, lda]) or Aᵀ (A stored [k, lda]); likewise for B.
    /// `arithmetic` .bfloat16 runs `kc_gemm_bf16` where `path` has it, else rounds copies of
    /// the operands and multiplies those in float32.
    public static func multiply(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int,
        arithmetic: GemmArithmetic = .float32, path: KernelPath = .active
    ) {
        guard m > 0, n > 0 else { return }
        if arithmetic == .bfloat16, k > 0, !GemmArithmetic.isNative(.bfloat16, on: path) {
            let roundedA = roundedToBFloat16(a, rows: transA ? k : m, columns: transA ? m : k, stride: lda)
            let roundedB = roundedToBFloat16(b, rows: transB ? n : k, columns: transB ? k : n, stride: ldb)
            defer { roundedA.deallocate(); roundedB.deallocate() }
            multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: roundedA, lda: transA ? m : k,
                     b: roundedB, ldb: transB ? k : n, beta: beta, c: c, ldc: ldc, threads: threads)
            return
        }
        _ = openBLASSingleThreaded
        let splitM = m >= n
        let extent = splitM ? m : n
        // Below 64 rows or columns per worker the fork/join costs more than it saves.
        let parts = threads > 1 && extent >= 64 * threads ? threads : 1
        parallelFor(splitting: extent, parts: parts, align: 16) { block in
            if splitM {
                let aBlock = transA ? a + block.lowerBound : a + block.lowerBound * lda
                call(transA, transB, block.count, n, k, alpha, aBlock, lda, b, ldb, beta, c + block.lowerBound * ldc, ldc,
                     arithmetic, path)
            } else {
                let bBlock = transB ? b + block.lowerBound * ldb : b + block.lowerBound
                call(transA, transB, m, block.count, k, alpha, a, lda, bBlock, ldb, beta, c + block.lowerBound, ldc,
                     arithmetic, path)
            }
        }
    }

    /// A [rows, columns] (row stride `stride`) rounded to bfloat16, contiguous; the caller
    /// deallocates it.
    private static func roundedToBFloat16(_ x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int) -> UnsafePointer<Float> {
        let rounded = UnsafeMutablePointer<Float>.allocate(capacity: max(1, rows * columns))
        for row in 0..<rows { kc_round_bf16(x + row * stride, rounded + row * columns, Int64(columns)) }
        return UnsafePointer(rounded)
    }

    /// y[m] = alpha · A[m, n] · x[n] + beta · y (sgemv, single-threaded): OpenBLAS's sgemm is
    /// several times slower for one row (ENGINE-NOTES.md).
    public static func multiplyVector(
        m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        guard m > 0 else { return }
        _ = openBLASSingleThreaded
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    private static func call(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int,
        _ arithmetic: GemmArithmetic, _ path: KernelPath
    ) {
        if k == 0 {
            for row in 0..<m { for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] } }
            return
        }
        if arithmetic == .bfloat16 {
            // Element (i, p) of op(A) at a[i·rsa + p·csa], (p, j) of op(B) at b[p·rsb + j·csb].
            let (rsa, csa) = transA ? (1, lda) : (lda, 1)
            let (rsb, csb) = transB ? (1, ldb) : (ldb, 1)
            let status = kc_gemm_bf16(path.raw, Int32(m), Int32(n), Int32(k), alpha, a, Int64(rsa), Int64(csa),
                                      b, Int64(rsb), Int64(csb), beta, c, Int64(ldc))
            precondition(status == 0, "kc_gemm_bf16 failed (\(status)): out of memory for its packed operands")
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
