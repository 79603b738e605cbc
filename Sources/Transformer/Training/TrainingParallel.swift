import CBLAS
import Kernels

/// Matrix products for training, through OpenBLAS sgemm (row-major).
///
/// OpenBLAS runs single-threaded (`openblas_set_num_threads(1)`); we split the output
/// ourselves along its larger dimension into `threads` blocks. Each output element is
/// computed by one sgemm call whatever the split, so results do not depend on the machine's
/// load, and with a fixed thread count a run is bitwise reproducible.
public enum Gemm {
    /// Makes OpenBLAS single-threaded: our kernels split the work themselves.
    public static func useSingleThreadedBLAS() { openblas_set_num_threads(1) }

    /// C[m, n] = alpha · op(A)[m, k] · op(B)[k, n] + beta · C.
    /// op(A) = A (stored [m, lda]) or Aᵀ (A stored [k, lda]); likewise for B.
    public static func multiply(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        guard m > 0, n > 0 else { return }
        let splitM = m >= n
        let extent = splitM ? m : n
        let parts = threads > 1 && extent >= 64 * threads ? threads : 1
        parallelFor(splitting: extent, parts: parts, align: 16) { block in
            if splitM {
                let aBlock = transA ? a + block.lowerBound : a + block.lowerBound * lda
                call(transA, transB, block.count, n, k, alpha, aBlock, lda, b, ldb, beta, c + block.lowerBound * ldc, ldc)
            } else {
                let bBlock = transB ? b + block.lowerBound * ldb : b + block.lowerBound
                call(transA, transB, m, block.count, k, alpha, a, lda, bBlock, ldb, beta, c + block.lowerBound, ldc)
            }
        }
    }

    private static func call(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        if k == 0 {
            for row in 0..<m { for column in 0..<n { c[row * ldc + column] *= beta } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
