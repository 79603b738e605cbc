// Int8 dot-product kernels for quantized weight matrices (the C half of `Kernels`).
//
// Every supported weight format is repacked at load into one form: unsigned integer codes u
// with value = d*u + m per block of 32 (per half-block of 16 for Q6_K), where
//   Q4_1: u = nibble,                  m = m                 (record kind 4)
//   Q4_0: u = nibble,                  m = -8 d              (kind 4)
//   Q8_0: u = q + 128 (u8),            m = -128 d            (kind 8)
//   Q5_0: u = q + 112 (q 5-bit),       m = -128 d            (kind 8: u - 128 = q - 16)
//   Q4_K: u = nibble, d = d*sc_j,      m = -(dmin*m_j)       (kind 5: float32 d and m)
//   Q6_K: u = q (0..63), d = d*sc_i,   m = -32 d per half    (kind 6: float32 d per 16)
// Each of these is exact: kc_dequantize gives GGML's values bit for bit.
// Activations are quantized per block of 32 to int8 (scale dx, codes qx), as llama.cpp does,
// so a block's dot product is  d*dx*sum(u*qx) + m*(dx*sum(qx)):  sum(u*qx) is exact integer
// arithmetic (unsigned x signed bytes: VNNI vpdpbusd, or AVX2 vpmaddubsw + vpmaddwd) and
// dx*sum(qx) is computed once per activation block. Kind 6 has a scale per half-block and
// takes the offset into the integer sums:
//   dx*(d_lo*(sum_{e<16}(u*qx) - 32 h_lo) + d_hi*(sum_{e>=16}(u*qx) - 32 h_hi)),
// with the integer half sums h_lo = sum_{e<16}(qx), h_hi = sum_{e>=16}(qx) (kc_qactivations.h).
//
// Layout: rows are interleaved in groups of 16 (one int32 lane of a zmm register per row, or
// of two ymm registers), so a block's 32 codes of 16 rows are 8 registers of 4 codes per lane,
// and the integer block sums of 16 rows come out in one register (two) with no horizontal
// reduction. Every kernel variant reads the same layout. Per group and block, one
// record (its kind is kc_qweights.bits; every record size is a multiple of 64, so with a
// 64-byte aligned base every code chunk and float32 array is 64-byte aligned):
//   codes: 4-bit codes (kinds 4, 5): 4 chunks of 64 bytes; chunk t, byte 4l+i (row l, i < 4)
//          holds element 4t+i in its low nibble and element 16+4t+i in its high nibble.
//          8-bit codes (kinds 8, 6): 8 chunks of 64 bytes; chunk j, byte 4l+i holds element 4j+i.
//   kind 4 (320 bytes): 256 code bytes | d: 16 fp16 scales (row l at index l) | m: 16 fp16 offsets
//   kind 8 (576 bytes): 512 code bytes | d: 16 fp16 | m: 16 fp16 (always -128 d)
//   kind 5 (384 bytes): 256 code bytes | d: 16 float32 | m: 16 float32
//   kind 6 (640 bytes): 512 code bytes | d_lo: 16 float32 (elements 0-15) | d_hi: 16 float32
//          (elements 16-31); the offsets are -32 d_lo and -32 d_hi (not stored)
// A group's records for blocks 0..k/32-1 are consecutive, and groups follow each other, so a
// pass over the matrix is one sequential stream. Rows are padded to a multiple of 16 (d = m = 0).
#ifndef KERNELS_C_H
#define KERNELS_C_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Rows per interleaved group.
#define KC_GROUP_ROWS 16

/// A repacked quantized weight matrix W[n, k] (k a multiple of 32).
typedef struct {
    const uint8_t *base;
    /// Output rows (before padding to a multiple of 16).
    int32_t n;
    /// Inputs per row.
    int32_t k;
    /// Record kind (see the layout above; kc_format_bits gives it for a source format):
    /// 4 (4-bit codes, fp16 d/m), 8 (8-bit codes, fp16 d/m), 5 (4-bit codes, float32 d/m) or
    /// 6 (8-bit codes, float32 scale per half-block).
    int32_t bits;
} kc_qweights;

/// Record kinds (values of kc_qweights.bits).
enum {
    KC_KIND_4 = 4,   ///< Q4_0, Q4_1: 320-byte records.
    KC_KIND_8 = 8,   ///< Q8_0, Q5_0: 576-byte records.
    KC_KIND_4F = 5,  ///< Q4_K: 384-byte records.
    KC_KIND_6H = 6,  ///< Q6_K: 640-byte records.
};

/// Bytes of one group's record for one block (codes + scales): 320 (kind 4), 576 (8),
/// 384 (5), 640 (6).
static inline int64_t kc_record_bytes(int32_t bits) {
    return bits == 4 ? 320 : bits == 5 ? 384 : bits == 6 ? 640 : 576;
}

/// Bytes of the repacked form of an n x k matrix.
static inline int64_t kc_packed_bytes(int32_t n, int32_t k, int32_t bits) {
    return (int64_t)((n + 15) / 16) * (k / 32) * kc_record_bytes(bits);
}

/// GGML source formats that kc_repack reads (values are GGML's type ids).
typedef enum {
    KC_Q4_0 = 2,
    KC_Q4_1 = 3,
    KC_Q5_0 = 6,
    KC_Q8_0 = 8,
    /// 256-element super-blocks: k must be a multiple of 256.
    KC_Q4_K = 12,
    /// 256-element super-blocks: k must be a multiple of 256.
    KC_Q6_K = 14,
} kc_format;

/// The record kind (kc_qweights.bits) that kc_repack writes for `format`, or 0 for a format
/// it does not read.
static inline int32_t kc_format_bits(kc_format format) {
    switch (format) {
    case KC_Q4_0: case KC_Q4_1: return KC_KIND_4;
    case KC_Q5_0: case KC_Q8_0: return KC_KIND_8;
    case KC_Q4_K: return KC_KIND_4F;
    case KC_Q6_K: return KC_KIND_6H;
    }
    return 0;
}

/// Elements per GGML block of `format` (k must be a multiple of it): 256 for Q4_K and Q6_K,
/// else 32.
static inline int32_t kc_format_block_elements(kc_format format) {
    return format == KC_Q4_K || format == KC_Q6_K ? 256 : 32;
}

/// Repacks n rows of GGML blocks (each row k/kc_format_block_elements(format) consecutive
/// blocks) into `dst`, which holds kc_packed_bytes(n, k, kc_format_bits(format)) bytes.
/// Returns 0; -1 when a Q8_0/Q5_0/Q4_0 scale is so large (|d| > 511) that the offset -128d
/// (-8d) overflows fp16 (dst is written, but the kernels' sums are not finite); -2 (dst not
/// written) when k is not a positive multiple of the format's block (256 for Q4_K and Q6_K,
/// 32 otherwise); -3 (dst not written) for a format it does not read.
int32_t kc_repack(const void *src, kc_format format, int32_t n, int32_t k, uint8_t *dst);

/// Kernel variants, one per CPU feature set. Each kernel below that takes a kc_path runs that
/// variant; a variant may only be run on a CPU that supports it (kc_path_supported).
typedef enum {
    /// Plain C that the compiler vectorizes for the build's baseline (every CPU; ARM until NEON
    /// kernels exist).
    KC_PATH_PORTABLE = 0,
    /// AVX2 + FMA + F16C (x86-64-v3): int8 products by vpmaddubsw / vpmaddwd.
    KC_PATH_AVX2 = 1,
    /// AVX-512 F/BW/VL + VNNI (+ F16C, FMA): int8 products by vpdpbusd on 512-bit registers.
    KC_PATH_AVX512 = 2,
} kc_path;

/// Number of kc_path values.
#define KC_PATH_COUNT 3

/// CPU features that select a variant (bits of kc_cpu_features()).
enum {
    KC_FEATURE_AVX2 = 1 << 0,
    KC_FEATURE_FMA = 1 << 1,
    KC_FEATURE_F16C = 1 << 2,
    KC_FEATURE_AVX512F = 1 << 3,
    KC_FEATURE_AVX512BW = 1 << 4,
    KC_FEATURE_AVX512VL = 1 << 5,
    KC_FEATURE_AVX512VNNI = 1 << 6,
    KC_FEATURE_AVX512BF16 = 1 << 7,
};

/// The CPU's features (cpuid, and xgetbv for the OS's register state), detected once.
uint32_t kc_cpu_features(void);

/// 1 when this CPU can run `path`, else 0.
int32_t kc_path_supported(kc_path path);

/// The fastest variant this CPU supports.
kc_path kc_best_path(void);

/// The variant the engine uses by default: S2D_CPU (portable | avx2 | avx512) when it is set
/// and the CPU supports it, else kc_best_path(); resolved on first use, or set by
/// kc_set_active_path before that.
kc_path kc_active_path(void);

/// Makes `path` the active variant. Returns 0, or -1 when the CPU cannot run it.
int32_t kc_set_active_path(kc_path path);

/// What was wrong with S2D_CPU when kc_active_path resolved it (an unknown name, or a variant
/// this CPU cannot run), or NULL when it was unset or valid.
const char *kc_environment_problem(void);

/// Activations x[rows, k] quantized per block of 32 (see kc_quantize_activations).
typedef struct {
    /// int8 codes, [rows, k].
    int8_t *q;
    /// Per-block scale dx, [rows, k/32].
    float *d;
    /// Per-block dx * sum(qx), [rows, k/32].
    float *s;
    /// Per block, the integer sums of qx over elements 0-15 and over elements 16-31,
    /// [rows, k/32, 2] (block b of row i: h[2(i*k/32 + b)] and h[2(i*k/32 + b) + 1]; each
    /// |sum| <= 16*127): read only by kc_qgemm on kind-6 (Q6_K) weights. May be NULL when no
    /// kind-6 weights use `a` (kc_quantize_activations then skips it).
    int16_t *h;
    int32_t k;
} kc_qactivations;

/// Quantizes x[rows, k] (row stride ldx floats) into `a`, whose buffers hold rows * k codes,
/// rows * k/32 floats each of d and s, and (unless a->h is NULL) rows * k/32 * 2 int16 of h
/// (as many bytes as d): per block of 32,
/// dx = max|x| / 127, qx = round(x / dx) (to nearest even). Every variant gives the same codes
/// and the same d, s and h.
void kc_quantize_activations(kc_path path, const float *x, int32_t rows, int32_t k, int64_t ldx,
                             kc_qactivations *a);

/// r[i, :] = x[i, :] - d * q for activations `a` quantized from x (r has row stride k): the
/// residual that a second quantization pass refines.
void kc_activation_residual(const float *x, int32_t rows, int32_t k, int64_t ldx,
                            const kc_qactivations *a, float *r);

/// y[i, r] = sum_k x[i, k] * W[r, k]  for i in [0, rows) and r in [n0, n1); y has row stride
/// ldy floats. Writes only those outputs, so callers may split [0, n) across threads at any
/// bounds (bounds that are multiples of 16 avoid decoding a group twice). The variants'
/// integer sums are exact; their float accumulation order differs (agreement to ~1e-6
/// relative), while within one variant an output never depends on the split or on `rows`.
/// Kind-6 (Q6_K) weights read a->h, which must then be filled.
void kc_qgemm(kc_path path, const kc_qweights *w, int32_t n0, int32_t n1,
              const kc_qactivations *a, int32_t rows, float *y, int64_t ldy);

/// out[r - n0, c - k0] = W[r, c] for r in [n0, n1), c in [k0, k1) (k0, k1 multiples of 32);
/// out has row stride ldo floats. Exact: GGML's dequantized values bit for bit, signed zeros
/// included (but for a Q4_1 block whose m is exactly -8d: it reads as Q4_0). One variant: nothing hot dequantizes (the embedding lookup reads one row per
/// token).
void kc_dequantize(const kc_qweights *w, int32_t n0, int32_t n1, int32_t k0, int32_t k1,
                   float *out, int64_t ldo);

/// max(x[0..n)), -infinity when n is 0 (vector max in C: Swift SIMD compiles lane-wise max and
/// compare-and-select to scalar loops).
float kc_max(kc_path path, const float *x, int64_t n);

/// Row ops built on e^x (rowops_template.h: ~2e-7 relative error; every variant gives the same
/// values, element for element).
/// y[i] = e^((x[i] - shift)·scale) for i < n, when y is not NULL (y may alias x); returns the
/// sum of the y[i], each vector's lanes summed in float and added in double.
double kc_exp_sum(kc_path path, const float *x, float shift, float scale, float *y, int64_t n);
/// x[i] = x[i]·σ(x[i]) (SiLU), in place.
void kc_silu(kc_path path, float *x, int64_t n);
/// out[i] = silu(gate[i])·up[i] (SwiGLU); out may alias gate or up.
void kc_swiglu(kc_path path, const float *gate, const float *up, float *out, int64_t n);
/// SwiGLU backward: dg = dout·up·silu'(gate), du = dout·silu(gate); dg and du may alias gate
/// and up.
void kc_swiglu_backward(kc_path path, const float *gate, const float *up, const float *dout,
                        float *dg, float *du, int64_t n);

/// Attention of one query position for `heads` query heads that share one key/value head:
/// out[h] = Σ_t softmax_t(scale · q[h]·k[t]) · v[t] over t < length (length ≥ 1). q[h] starts at
/// q + h·q_stride, k[t] and v[t] at keys/values + t·stride, out[h] at out + h·out_stride; each
/// is d floats, d a multiple of 16. `scores` is scratch for min(heads, 4)·length floats. Each
/// key and value row is read once for up to 4 heads.
void kc_attend_group(kc_path path, const float *q, int64_t q_stride, int32_t heads,
                     const float *keys, const float *values, int64_t stride, int32_t length,
                     int32_t d, float scale, float *scores, float *out, int64_t out_stride);

/// A job of a parallel region: runs job `index` of the region with the caller's context.
typedef void (*kc_job_fn)(void *ctx, int64_t index);

/// Runs fn(ctx, i) for every i in [0, count) on the calling thread and the pool's workers
/// (started as regions ask for them: count - 1, up to one per further CPU; they spin for 0.2 ms
/// after a region before sleeping).
/// Returns 0 when done, or -1 without running anything when the pool is taken (a region in
/// flight on another thread, or a job calling this) or has no workers: the caller then runs the
/// jobs itself some other way. Jobs must write disjoint memory.
int32_t kc_parallel_for(int64_t count, kc_job_fn fn, void *ctx);

/// 1 when `path` computes kc_gemm_bf16 in hardware (the AVX-512 variant on a CPU with AVX-512
/// BF16), else 0.
int32_t kc_gemm_bf16_native(kc_path path);

/// C[m, n] = alpha * A·B + beta * C (beta == 0: C is not read) with A and B rounded to
/// bfloat16 (to nearest even) and the products summed in float32 by vdpbf16ps; single-threaded.
/// Element (i, p) of A is a[i * rsa + p * csa], element (p, j) of B is b[p * rsb + j * csb]; C
/// is row-major with row stride ldc. Returns 0, -1 where `path` has no such instructions
/// (kc_gemm_bf16_native), -2 when out of memory.
int32_t kc_gemm_bf16(kc_path path, int32_t m, int32_t n, int32_t k, float alpha, const float *a,
                     int64_t rsa, int64_t csa, const float *b, int64_t rsb, int64_t csb,
                     float beta, float *c, int64_t ldc);

/// y[i] = x[i] rounded to bfloat16 (to nearest even, as kc_gemm_bf16 rounds its operands),
/// kept as float32; y may be x.
void kc_round_bf16(const float *x, float *y, int64_t n);

/// Converts IEEE fp16 bits to float.
float kc_half_to_float(uint16_t h);
/// Converts float to IEEE fp16 bits (round to nearest even).
uint16_t kc_float_to_half(float f);

#ifdef __cplusplus
}
#endif

#endif
