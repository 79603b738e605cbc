// The AVX2 variants (AVX2, FMA, F16C: x86-64-v3): compiled for those features whatever the
// build's baseline, and run only where kc_path_supported(KC_PATH_AVX2) says so.
//
// qgemm: without VNNI, an unsigned x signed byte dot product is vpmaddubsw (pairs into int16)
// then vpmaddwd by ones (pairs of int16 into int32). One 64-byte chunk of a record is two ymm
// registers: rows 0-7 and rows 8-15 of the group (half h = 0, 1), 4 codes per int32 lane.
//   4-bit codes: |u·x| pairs stay below 2·15·127, so the 8 chunks' vpmaddubsw results are summed
//   in int16 (8·3810 < 32767) and widened once per block: 8 maddubs + 7 adds + 1 madd per 8 rows.
//   8-bit codes (kind 8, from Q8_0 and Q5_0: u = q + 128, m = −128d): u·x would saturate
//   int16, so each chunk runs as |q| x sign(x, q) (llama.cpp's trick) and is widened on its own;
//   the block sum is then Σ q·x, and d·Σ u·x + m·Σ x = d·Σ q·x exactly, so the m term is left
//   out.
//   Kind 5 (Q4_K) is the 4-bit case with float32 d and m.
//   Kind 6 (Q6_K: 8-bit codes u <= 63, float32 scales per half-block): |u·x| pairs stay below
//   2·63·127, so two chunks' vpmaddubsw results are summed in int16 before widening, and the
//   block's halves (elements 0-15, 16-31) are kept apart, each starting from −32 times the
//   activation's half sum (kc_qactivations.h), so that they are the exact sums of (u − 32)·x:
//   4 maddubs + 2 adds + 2 madds + 2 adds per half; then acc += (d_lo·Σ_lo + d_hi·Σ_hi)·dx.
// The two halves of a group are separate passes over its records (they stay in L1), so a tile
// of MR activation rows holds 8 code registers and MR accumulators.
#include "layout.h"
#include "variants.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

static inline __attribute__((always_inline)) __m256i broadcast4(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

// Half h of a record's codes: w[t] holds elements 4t..4t+3 of each row, w[t + 4] elements
// 16+4t..16+4t+3 (4 bits); w[j] holds elements 4j..4j+3 as signed q (8 bits).
static inline __attribute__((always_inline)) void load_codes(const uint8_t *rec, int bits, int h,
                                                             __m256i w[8]) {
    if (bits == 4 || bits == 5) {
        const __m256i low = _mm256_set1_epi8(0x0f);
        for (int t = 0; t < 4; t++) {
            const __m256i v = _mm256_load_si256((const __m256i *)(rec + 64 * t + 32 * h));
            w[t] = _mm256_and_si256(v, low);
            w[t + 4] = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
        }
    } else if (bits == 6) {
        for (int j = 0; j < 8; j++) w[j] = _mm256_load_si256((const __m256i *)(rec + 64 * j + 32 * h));
    } else {
        const __m256i bias = _mm256_set1_epi8((char)0x80);
        for (int j = 0; j < 8; j++)
            w[j] = _mm256_xor_si256(_mm256_load_si256((const __m256i *)(rec + 64 * j + 32 * h)), bias);
    }
}

// Kind 6, per row of the half: Σ (u_e − 32)·x_e over elements 0-15 (*s0) and 16-31 (*s1), where
// hb holds the activation block's half sums Σ x_e.
static inline __attribute__((always_inline)) void half_block_sums(const __m256i w[8],
                                                                  const int8_t *xb,
                                                                  const int16_t *hb, __m256i *s0,
                                                                  __m256i *s1) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i s[2];
    for (int half = 0; half < 2; half++) {
        const __m256i *wh = w + 4 * half;
        const int8_t *xh = xb + 16 * half;
        const __m256i p01 = _mm256_add_epi16(_mm256_maddubs_epi16(wh[0], broadcast4(xh)),
                                             _mm256_maddubs_epi16(wh[1], broadcast4(xh + 4)));
        const __m256i p23 = _mm256_add_epi16(_mm256_maddubs_epi16(wh[2], broadcast4(xh + 8)),
                                             _mm256_maddubs_epi16(wh[3], broadcast4(xh + 12)));
        s[half] = _mm256_add_epi32(_mm256_add_epi32(_mm256_madd_epi16(p01, ones), _mm256_madd_epi16(p23, ones)),
                                   _mm256_set1_epi32(-32 * hb[half]));
    }
    *s0 = s[0];
    *s1 = s[1];
}

// Per row of the half: Σ_e u_e·x_e (4 bits) or Σ_e q_e·x_e (8 bits) over the block's 32 codes.
static inline __attribute__((always_inline)) __m256i block_sums(const __m256i w[8], int bits,
                                                                const int8_t *xb) {
    const __m256i ones = _mm256_set1_epi16(1);
    if (bits == 4) {
        __m256i s = _mm256_maddubs_epi16(w[0], broadcast4(xb));
        for (int t = 1; t < 4; t++) s = _mm256_add_epi16(s, _mm256_maddubs_epi16(w[t], broadcast4(xb + 4 * t)));
        for (int t = 0; t < 4; t++)
            s = _mm256_add_epi16(s, _mm256_maddubs_epi16(w[t + 4], broadcast4(xb + 16 + 4 * t)));
        return _mm256_madd_epi16(s, ones);
    }
    __m256i s = _mm256_setzero_si256();
    for (int j = 0; j < 8; j++) {
        const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w[j], w[j]),
                                               _mm256_sign_epi8(broadcast4(xb + 4 * j), w[j]));
        s = _mm256_add_epi32(s, _mm256_madd_epi16(p, ones));
    }
    return s;
}

// acc[c] holds outputs rh..rh+7 of activation row i0 + c (c < mr): stores those in [rh + lo,
// rh + hi).
static inline __attribute__((always_inline)) void store_rows(float *y, int64_t ldy, int32_t i0, int32_t rh,
                                                             int lo, int hi, const __m256 *acc, int mr) {
    if (lo == 0 && hi == 8) {
        for (int c = 0; c < mr; c++) _mm256_storeu_ps(y + (i0 + c) * ldy + rh, acc[c]);
    } else {
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256i mask = _mm256_and_si256(_mm256_cmpgt_epi32(lane, _mm256_set1_epi32(lo - 1)),
                                              _mm256_cmpgt_epi32(_mm256_set1_epi32(hi), lane));
        for (int c = 0; c < mr; c++) _mm256_maskstore_ps(y + (i0 + c) * ldy + rh, mask, acc[c]);
    }
}

// Group g (rows 16g..16g+15) x MR activation rows from i0; stores only rows in [n_lo, n_hi).
#define KC_DEFINE_TILE(BITS, MR)                                                               \
    static void tile_##BITS##_##MR(const kc_qweights *w, int32_t g, const kc_qactivations *a,  \
                                   int32_t i0, float *y, int64_t ldy, int32_t n_lo,            \
                                   int32_t n_hi) {                                             \
        const int nb = w->k / 32;                                                              \
        const int64_t rb = kc_record_bytes(BITS), cb = kc_codes_bytes(BITS);                   \
        const uint8_t *gp = w->base + (int64_t)g * nb * rb;                                    \
        const int32_t r0 = g * 16;                                                             \
        for (int h = 0; h < 2; h++) {                                                          \
            const int32_t rh = r0 + 8 * h;                                                     \
            const int lo = n_lo > rh ? n_lo - rh : 0, hi = n_hi - rh < 8 ? n_hi - rh : 8;      \
            if (lo >= hi) continue;                                                            \
            __m256 acc[MR];                                                                    \
            for (int c = 0; c < MR; c++) acc[c] = _mm256_setzero_ps();                         \
            for (int b = 0; b < nb; b++) {                                                     \
                const uint8_t *rec = gp + b * rb;                                              \
                __m256i wv[8];                                                                 \
                load_codes(rec, BITS, h, wv);                                                  \
                __m256 dw, mw; /* kind 6: d_lo, d_hi */                                        \
                if (BITS == 4 || BITS == 8) {                                                  \
                    dw = _mm256_cvtph_ps(_mm_load_si128((const __m128i *)(rec + cb + 16 * h))); \
                    mw = _mm256_cvtph_ps(_mm_load_si128((const __m128i *)(rec + cb + 32 + 16 * h))); \
                } else {                                                                       \
                    dw = _mm256_load_ps((const float *)(rec + cb + 32 * h));                   \
                    mw = _mm256_load_ps((const float *)(rec + cb + 64 + 32 * h));              \
                }                                                                              \
                for (int c = 0; c < MR; c++) {                                                 \
                    const int64_t row = i0 + c;                                                \
                    const __m256 dx = _mm256_set1_ps(a->d[row * nb + b]);                      \
                    if (BITS == 6) {                                                           \
                        __m256i s0, s1;                                                        \
                        half_block_sums(wv, a->q + row * w->k + b * 32, a->h + 2 * (row * nb + b), &s0, &s1); \
                        __m256 t = _mm256_mul_ps(dw, _mm256_cvtepi32_ps(s0));                  \
                        t = _mm256_fmadd_ps(mw, _mm256_cvtepi32_ps(s1), t);                    \
                        acc[c] = _mm256_fmadd_ps(t, dx, acc[c]);                               \
                    } else {                                                                   \
                        const __m256i s = block_sums(wv, BITS == 5 ? 4 : BITS, a->q + row * w->k + b * 32); \
                        acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(dw, dx), acc[c]); \
                        if (BITS != 8) acc[c] = _mm256_fmadd_ps(mw, _mm256_set1_ps(a->s[row * nb + b]), acc[c]); \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
            store_rows(y, ldy, i0, rh, lo, hi, acc, MR);                                       \
        }                                                                                      \
    }

#define KC_DEFINE_TILES(BITS)                                                                  \
    KC_DEFINE_TILE(BITS, 1)                                                                    \
    KC_DEFINE_TILE(BITS, 2)                                                                    \
    KC_DEFINE_TILE(BITS, 3)                                                                    \
    KC_DEFINE_TILE(BITS, 4)                                                                    \
    typedef void (*tile_fn_##BITS)(const kc_qweights *, int32_t, const kc_qactivations *,     \
                                   int32_t, float *, int64_t, int32_t, int32_t);               \
    static const tile_fn_##BITS tiles_##BITS[5] = {0, tile_##BITS##_1, tile_##BITS##_2,        \
                                                   tile_##BITS##_3, tile_##BITS##_4};          \
    static void qgemm_##BITS(const kc_qweights *w, int32_t n0, int32_t n1,                     \
                             const kc_qactivations *a, int32_t rows, float *y, int64_t ldy) {  \
        for (int32_t g = n0 / 16; g * 16 < n1; g++)                                            \
            for (int32_t i = 0; i < rows; i += 4) {                                            \
                const int mr = rows - i < 4 ? rows - i : 4;                                    \
                tiles_##BITS[mr](w, g, a, i, y, ldy, n0, n1);                                  \
            }                                                                                  \
    }

KC_DEFINE_TILES(4)
KC_DEFINE_TILES(8)
KC_DEFINE_TILES(5)
KC_DEFINE_TILES(6)

// Kind 8 for one activation row (kc_qgemm_avx2 takes it when rows == 1; A/B on Zen 4, 2048 x 2048:
// 1.3x the sign trick at M = 1, 0.96x at M = 8), both halves of a record per block and no
// per-record decoding: the codes u stay unsigned and the activations are split instead (|x| <= 127
// into two parts of at most 8, so 8 chunks of u·part pairs, <= 8·2·255·8 = 32640, sum in int16).
// Its integer sums equal the sign trick's, so the outputs are bit-identical to qgemm_8's. xs
// holds, per activation row and block, 64 bytes (lo[32] | hi[32]: x = 16·hi + lo, lo in [−8, 7],
// hi in [−8, 8]) and cs the int32 128·Σx of that block, so that Σ q·x = Σ u·lo + 16·Σ u·hi −
// 128·Σx exactly.
static void tile_split(const kc_qweights *w, int32_t g, const int8_t *xs, const int32_t *cs,
                       const kc_qactivations *a, int32_t i, float *y, int64_t ldy, int32_t n_lo,
                       int32_t n_hi) {
    const int nb = w->k / 32;
    const int64_t rb = kc_record_bytes(8), cb = kc_codes_bytes(8);
    const uint8_t *gp = w->base + (int64_t)g * nb * rb;
    const int32_t r0 = g * 16;
    const __m256i ones = _mm256_set1_epi16(1), sixteen = _mm256_set1_epi16(16);
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int b = 0; b < nb; b++) {
        const uint8_t *rec = gp + b * rb;
        const int64_t ib = (int64_t)i * nb + b;
        const __m256 dx = _mm256_set1_ps(a->d[ib]);
        const int8_t *xl = xs + 64 * ib, *xh = xl + 32;
        for (int h = 0; h < 2; h++) {
            __m256i wv[8];
            for (int j = 0; j < 8; j++) wv[j] = _mm256_load_si256((const __m256i *)(rec + 64 * j + 32 * h));
            const __m256 dw = _mm256_cvtph_ps(_mm_load_si128((const __m128i *)(rec + cb + 16 * h)));
            __m256i sl = _mm256_maddubs_epi16(wv[0], broadcast4(xl));
            __m256i sh = _mm256_maddubs_epi16(wv[0], broadcast4(xh));
            for (int j = 1; j < 8; j++) {
                sl = _mm256_add_epi16(sl, _mm256_maddubs_epi16(wv[j], broadcast4(xl + 4 * j)));
                sh = _mm256_add_epi16(sh, _mm256_maddubs_epi16(wv[j], broadcast4(xh + 4 * j)));
            }
            __m256i s = _mm256_add_epi32(_mm256_madd_epi16(sl, ones), _mm256_madd_epi16(sh, sixteen));
            s = _mm256_sub_epi32(s, _mm256_set1_epi32(cs[ib]));
            acc[h] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(dw, dx), acc[h]);
        }
    }
    for (int h = 0; h < 2; h++) {
        const int32_t rh = r0 + 8 * h;
        const int lo = n_lo > rh ? n_lo - rh : 0, hi = n_hi - rh < 8 ? n_hi - rh : 8;
        if (lo < hi) store_rows(y, ldy, i, rh, lo, hi, &acc[h], 1);
    }
}

// The split activations, kept per thread (the engine's threads live as long as the process).
static _Thread_local struct {
    uint8_t *data;
    size_t capacity;
} split_buffer;

static void qgemm_8_split(const kc_qweights *w, int32_t n0, int32_t n1, const kc_qactivations *a,
                          int32_t rows, float *y, int64_t ldy) {
    const int nb = w->k / 32;
    const size_t blocks = (size_t)rows * nb, bytes = blocks * 68;
    if (split_buffer.capacity < bytes) {
        free(split_buffer.data);
        split_buffer.data = aligned_alloc(64, (bytes + 63) / 64 * 64);
        split_buffer.capacity = split_buffer.data ? bytes : 0;
        if (!split_buffer.data) {
            qgemm_8(w, n0, n1, a, rows, y, ldy);
            return;
        }
    }
    int8_t *xs = (int8_t *)split_buffer.data;
    int32_t *cs = (int32_t *)(split_buffer.data + blocks * 64);
    const __m256i nib = _mm256_set1_epi8(0x0f), eight = _mm256_set1_epi8(8), one = _mm256_set1_epi8(1);
    const __m256i ones_u8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
    for (int32_t i = 0; i < rows; i++)
        for (int b = 0; b < nb; b++) {
            const size_t ib = (size_t)i * nb + b;
            const __m256i v = _mm256_loadu_si256((const __m256i *)(a->q + (int64_t)i * w->k + 32 * b));
            // lo = ((x & 15) ^ 8) − 8; hi = floor(x / 16) + bit 3 of x, floor(x / 16) being the
            // sign-extended high nibble.
            const __m256i lo = _mm256_sub_epi8(_mm256_xor_si256(_mm256_and_si256(v, nib), eight), eight);
            const __m256i fl = _mm256_sub_epi8(
                _mm256_xor_si256(_mm256_and_si256(_mm256_srli_epi16(v, 4), nib), eight), eight);
            const __m256i hi = _mm256_add_epi8(fl, _mm256_and_si256(_mm256_srli_epi16(v, 3), one));
            _mm256_store_si256((__m256i *)(xs + 64 * ib), lo);
            _mm256_store_si256((__m256i *)(xs + 64 * ib + 32), hi);
            const __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(ones_u8, v), ones16);
            __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4e));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xb1));
            cs[ib] = 128 * _mm_cvtsi128_si32(t);
        }
    for (int32_t g = n0 / 16; g * 16 < n1; g++)
        for (int32_t i = 0; i < rows; i++) tile_split(w, g, xs, cs, a, i, y, ldy, n0, n1);
}

void kc_qgemm_avx2(const kc_qweights *w, int32_t n0, int32_t n1, const kc_qactivations *a,
                   int32_t rows, float *y, int64_t ldy) {
    switch (w->bits) {
    case 4: qgemm_4(w, n0, n1, a, rows, y, ldy); return;
    case 5: qgemm_5(w, n0, n1, a, rows, y, ldy); return;
    case 6: qgemm_6(w, n0, n1, a, rows, y, ldy); return;
    default: // one activation row: the split scheme; more rows: the sign trick (A/B on Zen 4)
        if (rows == 1) qgemm_8_split(w, n0, n1, a, rows, y, ldy);
        else qgemm_8(w, n0, n1, a, rows, y, ldy);
        return;
    }
}

// Max of |v| over 8 lanes, as a tree.
static inline __attribute__((always_inline)) float horizontal_max(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

void kc_quantize_activations_avx2(const float *x, int32_t rows, int32_t k, int64_t ldx,
                                  kc_qactivations *a) {
    const int nb = k / 32;
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int32_t i = 0; i < rows; i++) {
        for (int b = 0; b < nb; b++) {
            const float *xb = x + (int64_t)i * ldx + b * 32;
            int8_t *qb = a->q + (int64_t)i * k + b * 32;
            __m256 v[4], amax = _mm256_setzero_ps();
            for (int j = 0; j < 4; j++) {
                v[j] = _mm256_loadu_ps(xb + 8 * j);
                amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, v[j]));
            }
            const float d = horizontal_max(amax) / 127.0f;
            const __m256 id = _mm256_set1_ps(d != 0 ? 1.0f / d : 0.0f);
            // Round to nearest even (the MXCSR default), as the portable nearbyintf does.
            __m256i q[4], sum = _mm256_setzero_si256();
            for (int j = 0; j < 4; j++) {
                q[j] = _mm256_cvtps_epi32(_mm256_mul_ps(v[j], id));
                sum = _mm256_add_epi32(sum, q[j]);
            }
            // int32 -> int8 (|q| <= 127, so the saturating packs are exact), then undo the
            // lane interleaving of the 256-bit packs.
            const __m256i q01 = _mm256_packs_epi32(q[0], q[1]), q23 = _mm256_packs_epi32(q[2], q[3]);
            const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(q01, q23),
                                                              _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
            _mm256_storeu_si256((__m256i *)qb, bytes);
            __m128i s = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
            s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
            s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
            a->d[(int64_t)i * nb + b] = d;
            a->s[(int64_t)i * nb + b] = d * (float)_mm_cvtsi128_si32(s);
            if (a->h) {  // elements 0-15: q[0] and q[1]; the block sum is s
                const __m256i lo = _mm256_add_epi32(q[0], q[1]);
                __m128i t = _mm_add_epi32(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1));
                t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4e));
                t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xb1));
                const int32_t sum0 = _mm_cvtsi128_si32(t);
                a->h[2 * ((int64_t)i * nb + b)] = (int16_t)sum0;
                a->h[2 * ((int64_t)i * nb + b) + 1] = (int16_t)(_mm_cvtsi128_si32(s) - sum0);
            }
        }
    }
}

float kc_max_avx2(const float *x, int64_t n) {
    int64_t i = 0;
    float m = -INFINITY;
    if (n >= 8) {
        __m256 v = _mm256_loadu_ps(x);
        for (i = 8; i + 8 <= n; i += 8) v = _mm256_max_ps(v, _mm256_loadu_ps(x + i));
        m = horizontal_max(v);
    }
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

#pragma clang attribute pop

#else
KC_DEFINE_PORTABLE_FALLBACKS(avx2)
#endif
