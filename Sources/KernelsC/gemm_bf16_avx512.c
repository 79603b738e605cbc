// Matrix products with bfloat16 operands and float32 accumulation (AVX-512 BF16: vdpbf16ps),
// for training: twice the multiply-adds per instruction of a float32 FMA, the arithmetic
// PyTorch's bf16 autocast uses. Operands are rounded to bfloat16 (to nearest even) as they are
// packed; accumulation and the result stay float32.
//
// Blocking as in BLIS: for each slice of k (at most KC_MAX deep), B is packed into panels of NR columns
// ([k/2][NR] dwords, each dword the bf16 pair (k, k+1) of one column) and A into micro-panels
// of MR rows ([k/2][MR] dwords); the microkernel keeps an MR x NR tile of C in 24 registers and
// per pair of k does 2 panel loads, 12 broadcasts and 24 vdpbf16ps.
#include "kernels_c.h"
#include <stdlib.h>
#include <string.h>

enum { MR = 12, NR = 32, KC_MAX = 1024, MC = 144, NC = 1536 };

// float32 -> bfloat16 bits, rounded to nearest even. The vector packers use the same formula, so
// a result does not depend on which packer read an operand. (A NaN whose payload is only in
// the low 16 bits becomes infinity: still not finite, which is all training checks.)
static inline uint32_t bf16_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    return (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
}

void kc_round_bf16(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        const uint32_t u = bf16_bits(x[i]) << 16;
        memcpy(y + i, &u, 4);
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,avx2,fma,f16c"))), apply_to = function)

// 16 floats -> their bf16 bits in the low half of 16 dwords (bf16_bits, vectorized).
static inline __m512i bf16_bits16(__m512 x) {
    const __m512i u = _mm512_castps_si512(x);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    return _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(u, _mm512_set1_epi32(0x7fff)), lsb), 16);
}

// dwords[t] = the bf16 pair (x[2t], x[2t+1]) for t < (count + 1) / 2, x contiguous; an odd
// count is padded with a zero.
static void pairs_of_contiguous(const float *x, int32_t count, uint32_t *dwords) {
    int32_t i = 0;
    for (; i + 32 <= count; i += 32) {
        const __m512i lo = bf16_bits16(_mm512_loadu_ps(x + i));
        const __m512i hi = bf16_bits16(_mm512_loadu_ps(x + i + 16));
        // bf16 values in memory order are already the pairs.
        _mm256_storeu_si256((__m256i *)((uint16_t *)dwords + i), _mm512_cvtepi32_epi16(lo));
        _mm256_storeu_si256((__m256i *)((uint16_t *)dwords + i + 16), _mm512_cvtepi32_epi16(hi));
    }
    for (; i < count; i += 2) {
        const uint32_t lo = bf16_bits(x[i]), hi = i + 1 < count ? bf16_bits(x[i + 1]) : 0;
        dwords[i / 2] = lo | (hi << 16);
    }
}

// dwords[t] = the bf16 pair (x0[t], x1[t]) for the `count` (<= 16) lanes, x0 and x1
// contiguous; x1 == NULL pads the pair with zeros.
static inline __m512i pairs_of_two_rows(const float *x0, const float *x1, int32_t count) {
    const __mmask16 mask = count >= 16 ? 0xffff : (__mmask16)((1u << count) - 1);
    const __m512i lo = bf16_bits16(_mm512_maskz_loadu_ps(mask, x0));
    const __m512i hi = x1 ? bf16_bits16(_mm512_maskz_loadu_ps(mask, x1)) : _mm512_setzero_si512();
    return _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16));
}

// One row of A (or column of B) along k, element p at x[p * stride], as the bf16 pairs of
// dst[q * lanes] for q < (kc + 1) / 2 (x == NULL: zeros, a padding row). `scratch` holds
// (kc + 1) / 2 dwords.
static void pack_line(const float *x, int64_t stride, int32_t kc, uint32_t *dst, int32_t lanes,
                      uint32_t *scratch) {
    const int32_t pairs = (kc + 1) / 2;
    if (!x) {
        for (int32_t q = 0; q < pairs; q++) dst[q * lanes] = 0;
    } else if (stride == 1) {
        pairs_of_contiguous(x, kc, scratch);
        for (int32_t q = 0; q < pairs; q++) dst[q * lanes] = scratch[q];
    } else {
        for (int32_t q = 0; q < pairs; q++) {
            const uint32_t hi = 2 * q + 1 < kc ? bf16_bits(x[(2 * q + 1) * stride]) : 0;
            dst[q * lanes] = bf16_bits(x[2 * q * stride]) | (hi << 16);
        }
    }
}

// A[0 .. rows, 0 .. kc] (element (i, p) at a[i * rsa + p * csa]) into micro-panels of MR rows,
// [pairs][MR] dwords each, zero-padded to MR rows and to an even depth. `scratch` holds
// (kc + 1) / 2 dwords.
static void pack_a(const float *a, int64_t rsa, int64_t csa, int32_t rows, int32_t kc,
                   uint32_t *dst, uint32_t *scratch) {
    const int32_t pairs = (kc + 1) / 2;
    for (int32_t r0 = 0; r0 < rows; r0 += MR, dst += (size_t)pairs * MR) {
        const int32_t height = rows - r0 < MR ? rows - r0 : MR;
        if (rsa == 1) {  // the rows are contiguous for each p: two columns of A per pair
            for (int32_t q = 0; q < pairs; q++) {
                const float *x0 = a + r0 + 2 * q * csa;
                const __m512i v = pairs_of_two_rows(x0, 2 * q + 1 < kc ? x0 + csa : NULL, height);
                _mm512_mask_storeu_epi32(dst + q * MR, (__mmask16)((1u << MR) - 1), v);
            }
        } else {
            for (int32_t r = 0; r < MR; r++)
                pack_line(r < height ? a + (r0 + r) * rsa : NULL, csa, kc, dst + r, MR, scratch);
        }
    }
}

// B[0 .. kc, 0 .. cols] (element (p, j) at b[p * rsb + j * csb]) into panels of NR columns,
// [pairs][NR] dwords each, zero-padded. `scratch` holds (kc + 1) / 2 dwords.
static void pack_b(const float *b, int64_t rsb, int64_t csb, int32_t kc, int32_t cols,
                   uint32_t *dst, uint32_t *scratch) {
    const int32_t pairs = (kc + 1) / 2;
    for (int32_t j0 = 0; j0 < cols; j0 += NR, dst += (size_t)pairs * NR) {
        const int32_t width = cols - j0 < NR ? cols - j0 : NR;
        if (csb == 1) {  // rows of B are contiguous: two rows per pair
            for (int32_t q = 0; q < pairs; q++) {
                const float *x0 = b + 2 * q * rsb + j0, *x1 = 2 * q + 1 < kc ? x0 + rsb : NULL;
                _mm512_storeu_si512(dst + q * NR, pairs_of_two_rows(x0, x1, width));
                _mm512_storeu_si512(dst + q * NR + 16,
                                    width > 16 ? pairs_of_two_rows(x0 + 16, x1 ? x1 + 16 : NULL, width - 16)
                                               : _mm512_setzero_si512());
            }
        } else {
            for (int32_t j = 0; j < NR; j++)
                pack_line(j < width ? b + (j0 + j) * csb : NULL, rsb, kc, dst + j, NR, scratch);
        }
    }
}

// C tile [MR, NR] (row stride ldc) = first ? beta * C + alpha * A·B : C + alpha * A·B, for the
// rows and columns that exist (the rest of the tile is padding).
static void microkernel(const uint32_t *ap, const uint32_t *bp, int32_t pairs, float alpha,
                        float beta, int first, float *c, int64_t ldc, int32_t rows,
                        int32_t cols) {
    __m512 acc[MR][2];
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int32_t q = 0; q < pairs; q++) {
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(bp);
        const __m512bh b1 = (__m512bh)_mm512_loadu_si512(bp + 16);
        for (int r = 0; r < MR; r++) {
            const __m512bh av = (__m512bh)_mm512_set1_epi32((int32_t)ap[r]);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], av, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], av, b1);
        }
        ap += MR;
        bp += NR;
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    const __mmask16 m0 = cols >= 16 ? 0xffff : (__mmask16)((1u << cols) - 1);
    const __mmask16 m1 = cols >= 32 ? 0xffff : cols <= 16 ? 0 : (__mmask16)((1u << (cols - 16)) - 1);
    for (int r = 0; r < MR && r < rows; r++) {
        float *row = c + r * ldc;
        __m512 v0 = _mm512_mul_ps(acc[r][0], va), v1 = _mm512_mul_ps(acc[r][1], va);
        if (!first || beta != 0) {
            const __m512 s = first ? vb : _mm512_set1_ps(1);
            v0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m0, row), s, v0);
            v1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m1, row + 16), s, v1);
        }
        _mm512_mask_storeu_ps(row, m0, v0);
        _mm512_mask_storeu_ps(row + 16, m1, v1);
    }
}

// Packing buffers, kept per thread (the engine's threads live as long as the process): a fresh
// multi-megabyte allocation per product was 4% of a training step in page faults and zeroing.
typedef struct {
    uint32_t *data;
    size_t capacity;
} buffer;
static _Thread_local buffer packed_a, packed_b, pack_scratch;

static uint32_t *thread_buffer(buffer *b, size_t dwords) {
    if (b->capacity < dwords) {
        free(b->data);
        b->data = aligned_alloc(64, (dwords * 4 + 63) / 64 * 64);
        b->capacity = b->data ? dwords : 0;
    }
    return b->data;
}

int32_t kc_gemm_bf16_native(kc_path path) {
    return path == KC_PATH_AVX512 && kc_path_supported(path) &&
           (kc_cpu_features() & KC_FEATURE_AVX512BF16) != 0;
}

int32_t kc_gemm_bf16(kc_path path, int32_t m, int32_t n, int32_t k, float alpha, const float *a,
                     int64_t rsa, int64_t csa, const float *b, int64_t rsb, int64_t csb,
                     float beta, float *c, int64_t ldc) {
    if (!kc_gemm_bf16_native(path)) return -1;
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) {
        for (int32_t i = 0; i < m; i++)
            for (int32_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
        return 0;
    }
    // Depth slices of at most KC_MAX, of equal even size: each slice re-reads and re-writes C,
    // so one slice covers the depths training uses (576, 1024) and 1536 takes two of 768.
    const int32_t slices = (k + KC_MAX - 1) / KC_MAX;
    const int32_t kcMax = ((k + slices - 1) / slices + 1) / 2 * 2;
    const int32_t pairsMax = kcMax / 2;
    const int32_t ncMax = n < NC ? (n + NR - 1) / NR * NR : NC;
    const int32_t mcMax = m < MC ? (m + MR - 1) / MR * MR : MC;
    uint32_t *bp = thread_buffer(&packed_b, (size_t)pairsMax * ncMax);
    uint32_t *ap = thread_buffer(&packed_a, (size_t)pairsMax * mcMax);
    uint32_t *scratch = thread_buffer(&pack_scratch, (size_t)pairsMax);
    if (!bp || !ap || !scratch) return -2;
    for (int32_t j1 = 0; j1 < n; j1 += NC) {
        const int32_t nc = n - j1 < NC ? n - j1 : NC;
        for (int32_t p0 = 0; p0 < k; p0 += kcMax) {
            const int32_t kc = k - p0 < kcMax ? k - p0 : kcMax;
            const int32_t pairs = (kc + 1) / 2;
            pack_b(b + p0 * rsb + j1 * csb, rsb, csb, kc, nc, bp, scratch);
            for (int32_t i0 = 0; i0 < m; i0 += MC) {
                const int32_t mc = m - i0 < MC ? m - i0 : MC;
                pack_a(a + i0 * rsa + p0 * csa, rsa, csa, mc, kc, ap, scratch);
                for (int32_t j0 = 0; j0 < nc; j0 += NR) {
                    const uint32_t *panel = bp + (size_t)(j0 / NR) * pairs * NR;
                    for (int32_t r0 = 0; r0 < mc; r0 += MR) {
                        microkernel(ap + (size_t)(r0 / MR) * pairs * MR, panel, pairs, alpha, beta,
                                    p0 == 0, c + (i0 + r0) * ldc + j1 + j0, ldc, mc - r0, nc - j0);
                    }
                }
            }
        }
    }
    return 0;
}

#pragma clang attribute pop

#else

int32_t kc_gemm_bf16_native(kc_path path) { return 0; }

int32_t kc_gemm_bf16(kc_path path, int32_t m, int32_t n, int32_t k, float alpha, const float *a,
                     int64_t rsa, int64_t csa, const float *b, int64_t rsb, int64_t csb,
                     float beta, float *c, int64_t ldc) {
    return -1;
}

#endif
