// The row ops of rowops_template.h and the decode attention of attention_template.h,
// on 8-lane AVX2 vectors.
#include "variants.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang fp contract(off)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

static inline __attribute__((always_inline)) float kc_sum8(__m256 v) {
    const __m128 a = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 b = _mm_add_ps(a, _mm_movehl_ps(a, a));
    return _mm_cvtss_f32(_mm_add_ss(b, _mm_movehdup_ps(b)));
}

#define KC_ROWOPS_SUFFIX avx2
#define VF __m256
#define W 8
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps((p), (v))
#define V_SET1(x) _mm256_set1_ps(x)
#define V_ADD(a, b) _mm256_add_ps((a), (b))
#define V_SUB(a, b) _mm256_sub_ps((a), (b))
#define V_MUL(a, b) _mm256_mul_ps((a), (b))
#define V_DIV(a, b) _mm256_div_ps((a), (b))
#define V_MIN(a, b) _mm256_min_ps((a), (b))
#define V_MAX(a, b) _mm256_max_ps((a), (b))
#define V_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define V_SUM(v) kc_sum8(v)
#define V_POW2(t)                                                                              \
    _mm256_castsi256_ps(_mm256_slli_epi32(                                                     \
        _mm256_add_epi32(_mm256_sub_epi32(_mm256_castps_si256(t),                              \
                                          _mm256_castps_si256(_mm256_set1_ps(KC_EXP_MAGIC))),  \
                         _mm256_set1_epi32(127)),                                              \
        23))
#include "rowops_template.h"
#include "attention_template.h"

#pragma clang attribute pop

#else
KC_DEFINE_PORTABLE_ROWOPS_FALLBACKS(avx2)
#endif
