// The AVX-512 variants (F, BW, VL, VNNI; F16C and FMA): compiled for those features whatever
// the build's baseline, and run only where kc_path_supported(KC_PATH_AVX512) says so.
//
// qgemm, per group of 16 rows, block b and activation row i:
//   isum[16]  = sum_j vpdpbusd(codes chunk j, broadcast 4 codes of x)   8 instructions
//   acc[16]  += float(isum) * (d[16] * dx) + m[16] * sx                  4 instructions
// i.e. 12 vector instructions per 512 multiply-adds, and the 16 outputs of a group end up in
// the lanes of one register: no horizontal sums. A tile of G groups x MR activation rows decodes
// each weight record once for MR rows. Kind 5 (Q4_K) is kind 4 with float32 d and m; kind 6
// (Q6_K: 8-bit codes u <= 63, a float32 scale per half-block) keeps the halves' sums apart and
// starts them at -32 times the activation half sums (kc_qactivations.h), so that they are the
// exact sums of (u - 32)*x:   acc += (d_lo * float(isum_lo) + d_hi * float(isum_hi)) * dx,
// as many instructions as kind 8.
#include "layout.h"
#include "variants.h"
#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"))), apply_to = function)

// The 8 code registers of one record: chunk j holds elements 4j..4j+3 of every row.
static inline __attribute__((always_inline)) void load_codes(const uint8_t *rec, int bits,
                                                             __m512i wv[8]) {
    if (bits == 4 || bits == 5) {
        const __m512i low = _mm512_set1_epi8(0x0f);
        for (int t = 0; t < 4; t++) {
            __m512i v = _mm512_load_si512(rec + 64 * t);
            wv[t] = _mm512_and_si512(v, low);
            wv[t + 4] = _mm512_and_si512(_mm512_srli_epi16(v, 4), low);
        }
    } else {
        for (int j = 0; j < 8; j++) wv[j] = _mm512_load_si512(rec + 64 * j);
    }
}

static inline __attribute__((always_inline)) __m512i broadcast4(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

// Tile of G groups (16 G rows from group g0) x MR activation rows from i0, 4- or 8-bit codes.
// Stores only rows in [n_lo, n_hi).
#define KC_DEFINE_TILE(BITS, G, MR)                                                            \
    static void tile_##BITS##_##G##x##MR(const kc_qweights *w, int32_t g0,                     \
                                         const kc_qactivations *a, int32_t i0, float *y,       \
                                         int64_t ldy, int32_t n_lo, int32_t n_hi) {            \
        const int nb = w->k / 32;                                                              \
        const int64_t rb = kc_record_bytes(BITS), cb = kc_codes_bytes(BITS);                   \
        const uint8_t *gp[G];                                                                  \
        for (int g = 0; g < G; g++) gp[g] = w->base + (int64_t)(g0 + g) * nb * rb;            \
        __m512 acc[G][MR];                                                                     \
        for (int g = 0; g < G; g++)                                                            \
            for (int c = 0; c < MR; c++) acc[g][c] = _mm512_setzero_ps();                      \
        for (int b = 0; b < nb; b++) {                                                         \
            __m512i wv[G][8];                                                                  \
            __m512 dw[G], mw[G];                                                               \
            for (int g = 0; g < G; g++) {                                                      \
                const uint8_t *rec = gp[g] + b * rb;                                           \
                /* Prefetch the same record of the next tile's groups, one tile ahead (A/B   \
                   runs: ~20% faster at M = 8, no change at M = 1 beyond noise). */           \
                const char *pf = (const char *)(rec + (int64_t)G * nb * rb);                   \
                for (int line = 0; line < rb / 64; line++)                                     \
                    _mm_prefetch(pf + 64 * line, _MM_HINT_T0);                                 \
                load_codes(rec, BITS, wv[g]);                                                  \
                if (BITS == 4 || BITS == 8) {                                                  \
                    dw[g] = _mm512_cvtph_ps(_mm256_load_si256((const __m256i *)(rec + cb)));   \
                    mw[g] = _mm512_cvtph_ps(_mm256_load_si256((const __m256i *)(rec + cb + 32))); \
                } else { /* kind 5: d, m; kind 6: d_lo, d_hi */                                \
                    dw[g] = _mm512_load_ps(rec + cb);                                          \
                    mw[g] = _mm512_load_ps(rec + cb + 64);                                     \
                }                                                                              \
            }                                                                                  \
            for (int c = 0; c < MR; c++) {                                                     \
                const int8_t *xb = a->q + (int64_t)(i0 + c) * w->k + b * 32;                   \
                const float dx = a->d[(int64_t)(i0 + c) * nb + b];                             \
                const float sx = a->s[(int64_t)(i0 + c) * nb + b];                             \
                __m512i s0[G], s1[G];                                                          \
                if (BITS == 6) { /* -32 times the activation's half sums */                    \
                    const int16_t *hb = a->h + 2 * ((int64_t)(i0 + c) * nb + b);               \
                    const __m512i h0 = _mm512_set1_epi32(-32 * hb[0]);                         \
                    const __m512i h1 = _mm512_set1_epi32(-32 * hb[1]);                         \
                    for (int g = 0; g < G; g++) {                                              \
                        s0[g] = h0;                                                            \
                        s1[g] = h1;                                                            \
                    }                                                                          \
                } else {                                                                       \
                    for (int g = 0; g < G; g++) s0[g] = s1[g] = _mm512_setzero_si512();        \
                }                                                                              \
                for (int j = 0; j < 4; j++) {                                                  \
                    __m512i x0 = broadcast4(xb + 4 * j), x1 = broadcast4(xb + 16 + 4 * j);     \
                    for (int g = 0; g < G; g++) {                                              \
                        s0[g] = _mm512_dpbusd_epi32(s0[g], wv[g][j], x0);                      \
                        s1[g] = _mm512_dpbusd_epi32(s1[g], wv[g][j + 4], x1);                  \
                    }                                                                          \
                }                                                                              \
                const __m512 vdx = _mm512_set1_ps(dx), vsx = _mm512_set1_ps(sx);               \
                if (BITS == 6) {                                                               \
                    for (int g = 0; g < G; g++) {                                              \
                        __m512 t = _mm512_mul_ps(dw[g], _mm512_cvtepi32_ps(s0[g]));            \
                        t = _mm512_fmadd_ps(mw[g], _mm512_cvtepi32_ps(s1[g]), t);              \
                        acc[g][c] = _mm512_fmadd_ps(t, vdx, acc[g][c]);                        \
                    }                                                                          \
                } else {                                                                       \
                    for (int g = 0; g < G; g++) {                                              \
                        __m512 f = _mm512_cvtepi32_ps(_mm512_add_epi32(s0[g], s1[g]));         \
                        acc[g][c] = _mm512_fmadd_ps(f, _mm512_mul_ps(dw[g], vdx), acc[g][c]);  \
                        acc[g][c] = _mm512_fmadd_ps(mw[g], vsx, acc[g][c]);                    \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
        for (int g = 0; g < G; g++) {                                                          \
            const int32_t r0 = (g0 + g) * 16;                                                  \
            const int lo = n_lo > r0 ? n_lo - r0 : 0, hi = n_hi - r0 < 16 ? n_hi - r0 : 16;    \
            const __mmask16 mask = (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1));          \
            for (int c = 0; c < MR; c++)                                                       \
                _mm512_mask_storeu_ps(y + (int64_t)(i0 + c) * ldy + r0, mask, acc[g][c]);      \
        }                                                                                      \
    }

#define KC_DEFINE_TILES(BITS)                                                                  \
    KC_DEFINE_TILE(BITS, 4, 1)                                                                 \
    KC_DEFINE_TILE(BITS, 2, 2)                                                                 \
    KC_DEFINE_TILE(BITS, 1, 1)                                                                 \
    KC_DEFINE_TILE(BITS, 1, 2)                                                                 \
    KC_DEFINE_TILE(BITS, 1, 3)                                                                 \
    KC_DEFINE_TILE(BITS, 1, 4)                                                                 \
    KC_DEFINE_TILE(BITS, 1, 5)                                                                 \
    KC_DEFINE_TILE(BITS, 1, 6)                                                                 \
    KC_DEFINE_TILE(BITS, 1, 7)                                                                 \
    KC_DEFINE_TILE(BITS, 1, 8)                                                                 \
    typedef void (*tile_fn_##BITS)(const kc_qweights *, int32_t, const kc_qactivations *,     \
                                   int32_t, float *, int64_t, int32_t, int32_t);               \
    static const tile_fn_##BITS rows_tiles_##BITS[9] = {                                       \
        0, tile_##BITS##_1x1, tile_##BITS##_1x2, tile_##BITS##_1x3, tile_##BITS##_1x4,         \
        tile_##BITS##_1x5, tile_##BITS##_1x6, tile_##BITS##_1x7, tile_##BITS##_1x8};           \
    static void qgemm_##BITS(const kc_qweights *w, int32_t n0, int32_t n1,                     \
                             const kc_qactivations *a, int32_t rows, float *y, int64_t ldy) {  \
        int32_t g = n0 / 16;                                                                   \
        const int32_t g_end = (n1 + 15) / 16;                                                  \
        if (rows == 1) {                                                                       \
            for (; g + 4 <= g_end; g += 4) tile_##BITS##_4x1(w, g, a, 0, y, ldy, n0, n1);      \
            for (; g < g_end; g++) tile_##BITS##_1x1(w, g, a, 0, y, ldy, n0, n1);              \
        } else if (rows == 2) {                                                                \
            for (; g + 2 <= g_end; g += 2) tile_##BITS##_2x2(w, g, a, 0, y, ldy, n0, n1);      \
            for (; g < g_end; g++) tile_##BITS##_1x2(w, g, a, 0, y, ldy, n0, n1);              \
        } else {                                                                               \
            for (; g < g_end; g++)                                                             \
                for (int32_t i = 0; i < rows; i += 8) {                                        \
                    const int mr = rows - i < 8 ? rows - i : 8;                                \
                    rows_tiles_##BITS[mr](w, g, a, i, y, ldy, n0, n1);                         \
                }                                                                              \
        }                                                                                      \
    }

KC_DEFINE_TILES(4)
KC_DEFINE_TILES(8)
KC_DEFINE_TILES(5)
KC_DEFINE_TILES(6)

void kc_qgemm_avx512(const kc_qweights *w, int32_t n0, int32_t n1, const kc_qactivations *a,
                     int32_t rows, float *y, int64_t ldy) {
    switch (w->bits) {
    case 4: qgemm_4(w, n0, n1, a, rows, y, ldy); return;
    case 5: qgemm_5(w, n0, n1, a, rows, y, ldy); return;
    case 6: qgemm_6(w, n0, n1, a, rows, y, ldy); return;
    default: qgemm_8(w, n0, n1, a, rows, y, ldy); return;
    }
}

void kc_quantize_activations_avx512(const float *x, int32_t rows, int32_t k, int64_t ldx,
                                    kc_qactivations *a) {
    const int nb = k / 32;
    for (int32_t i = 0; i < rows; i++) {
        for (int b = 0; b < nb; b++) {
            const float *xb = x + (int64_t)i * ldx + b * 32;
            int8_t *qb = a->q + (int64_t)i * k + b * 32;
            __m512 v0 = _mm512_loadu_ps(xb), v1 = _mm512_loadu_ps(xb + 16);
            float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
            const float d = amax / 127.0f;
            __m512 vid = _mm512_set1_ps(d != 0 ? 1.0f / d : 0.0f);
            // Round to nearest even (the MXCSR default), as the portable nearbyintf does.
            __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, vid));
            __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, vid));
            _mm_storeu_si128((__m128i *)qb, _mm512_cvtepi32_epi8(q0));
            _mm_storeu_si128((__m128i *)(qb + 16), _mm512_cvtepi32_epi8(q1));
            a->d[(int64_t)i * nb + b] = d;
            if (a->h) {
                const int32_t sum0 = _mm512_reduce_add_epi32(q0), sum1 = _mm512_reduce_add_epi32(q1);
                a->s[(int64_t)i * nb + b] = d * (float)(sum0 + sum1);
                a->h[2 * ((int64_t)i * nb + b)] = (int16_t)sum0;
                a->h[2 * ((int64_t)i * nb + b) + 1] = (int16_t)sum1;
            } else {
                a->s[(int64_t)i * nb + b] = d * (float)_mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
            }
        }
    }
}

float kc_max_avx512(const float *x, int64_t n) {
    int64_t i = 0;
    float m = -INFINITY;
    if (n >= 16) {
        __m512 v = _mm512_loadu_ps(x);
        for (i = 16; i + 16 <= n; i += 16) v = _mm512_max_ps(v, _mm512_loadu_ps(x + i));
        m = _mm512_reduce_max_ps(v);
    }
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

#pragma clang attribute pop

#else
KC_DEFINE_PORTABLE_FALLBACKS(avx512)
#endif
