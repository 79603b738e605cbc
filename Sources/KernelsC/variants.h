// The per-variant kernels behind the kc_path dispatch in dispatch.c (not part of the API).
#ifndef KC_VARIANTS_H
#define KC_VARIANTS_H

#include "kernels_c.h"

#define KC_DECLARE_VARIANTS(SUFFIX)                                                            \
    void kc_qgemm_##SUFFIX(const kc_qweights *w, int32_t n0, int32_t n1,                       \
                           const kc_qactivations *a, int32_t rows, float *y, int64_t ldy);     \
    void kc_quantize_activations_##SUFFIX(const float *x, int32_t rows, int32_t k,             \
                                          int64_t ldx, kc_qactivations *a);                    \
    float kc_max_##SUFFIX(const float *x, int64_t n);

#define KC_DECLARE_ROWOPS(SUFFIX)                                                              \
    double kc_exp_sum_##SUFFIX(const float *x, float shift, float scale, float *y, int64_t n); \
    void kc_silu_##SUFFIX(float *x, int64_t n);                                                \
    void kc_swiglu_##SUFFIX(const float *gate, const float *up, float *out, int64_t n);        \
    void kc_swiglu_backward_##SUFFIX(const float *gate, const float *up, const float *dout,    \
                                     float *dg, float *du, int64_t n);                         \
    void kc_attend_group_##SUFFIX(const float *q, int64_t q_stride, int32_t heads,             \
                                  const float *keys, const float *values, int64_t stride,      \
                                  int32_t length, int32_t d, float scale, float *scores,       \
                                  float *out, int64_t out_stride);

KC_DECLARE_ROWOPS(portable)
KC_DECLARE_ROWOPS(avx2)
KC_DECLARE_ROWOPS(avx512)

KC_DECLARE_VARIANTS(portable)
KC_DECLARE_VARIANTS(avx2)
KC_DECLARE_VARIANTS(avx512)

// A variant file's definitions where its instruction set does not exist (not x86): never
// selected (kc_path_supported says no), defined so that the dispatch links.
#define KC_DEFINE_PORTABLE_FALLBACKS(SUFFIX)                                                   \
    void kc_qgemm_##SUFFIX(const kc_qweights *w, int32_t n0, int32_t n1,                       \
                           const kc_qactivations *a, int32_t rows, float *y, int64_t ldy) {    \
        kc_qgemm_portable(w, n0, n1, a, rows, y, ldy);                                         \
    }                                                                                          \
    void kc_quantize_activations_##SUFFIX(const float *x, int32_t rows, int32_t k,             \
                                          int64_t ldx, kc_qactivations *a) {                   \
        kc_quantize_activations_portable(x, rows, k, ldx, a);                                  \
    }                                                                                          \
    float kc_max_##SUFFIX(const float *x, int64_t n) { return kc_max_portable(x, n); }

#define KC_DEFINE_PORTABLE_ROWOPS_FALLBACKS(SUFFIX)                                            \
    double kc_exp_sum_##SUFFIX(const float *x, float shift, float scale, float *y, int64_t n) { \
        return kc_exp_sum_portable(x, shift, scale, y, n);                                     \
    }                                                                                          \
    void kc_silu_##SUFFIX(float *x, int64_t n) { kc_silu_portable(x, n); }                     \
    void kc_swiglu_##SUFFIX(const float *gate, const float *up, float *out, int64_t n) {       \
        kc_swiglu_portable(gate, up, out, n);                                                  \
    }                                                                                          \
    void kc_swiglu_backward_##SUFFIX(const float *gate, const float *up, const float *dout,    \
                                     float *dg, float *du, int64_t n) {                        \
        kc_swiglu_backward_portable(gate, up, dout, dg, du, n);                                \
    }                                                                                          \
    void kc_attend_group_##SUFFIX(const float *q, int64_t q_stride, int32_t heads,             \
                                  const float *keys, const float *values, int64_t stride,      \
                                  int32_t length, int32_t d, float scale, float *scores,       \
                                  float *out, int64_t out_stride) {                            \
        kc_attend_group_portable(q, q_stride, heads, keys, values, stride, length, d, scale,   \
                                 scores, out, out_stride);                                     \
    }

#endif
