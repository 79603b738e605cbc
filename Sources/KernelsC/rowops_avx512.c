// The row ops of rowops_template.h and the decode attention of attention_template.h,
// on 16-lane AVX-512 vectors.
#include "variants.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang fp contract(off)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c"))), apply_to = function)

#define KC_ROWOPS_SUFFIX avx512
#define VF __m512
#define W 16
#define KC_ATTEND_T 4
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_STORE(p, v) _mm512_storeu_ps((p), (v))
#define V_SET1(x) _mm512_set1_ps(x)
#define V_ADD(a, b) _mm512_add_ps((a), (b))
#define V_SUB(a, b) _mm512_sub_ps((a), (b))
#define V_MUL(a, b) _mm512_mul_ps((a), (b))
#define V_DIV(a, b) _mm512_div_ps((a), (b))
#define V_MIN(a, b) _mm512_min_ps((a), (b))
#define V_MAX(a, b) _mm512_max_ps((a), (b))
#define V_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define V_SUM(v) _mm512_reduce_add_ps(v)
#define V_POW2(t)                                                                              \
    _mm512_castsi512_ps(_mm512_slli_epi32(                                                     \
        _mm512_add_epi32(_mm512_sub_epi32(_mm512_castps_si512(t),                              \
                                          _mm512_castps_si512(_mm512_set1_ps(KC_EXP_MAGIC))),  \
                         _mm512_set1_epi32(127)),                                              \
        23))
#include "rowops_template.h"
#include "attention_template.h"

#pragma clang attribute pop

#else
KC_DEFINE_PORTABLE_ROWOPS_FALLBACKS(avx512)
#endif
