// CPU feature detection (cpuid + xgetbv) and the choice of kernel variant.
#include "variants.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

// XCR0: which register state the OS saves (bits 1-2: xmm/ymm; 5-7: opmask and zmm).
static uint64_t xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t detect(void) {
    uint32_t a, b, c, d, f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int osxsave = (c >> 27) & 1;
    if (!osxsave) return 0;
    const uint64_t xcr = xcr0();
    const int ymm_state = (xcr & 0x6) == 0x6, zmm_state = (xcr & 0xe6) == 0xe6;
    if (!ymm_state) return 0;
    if ((c >> 12) & 1) f |= KC_FEATURE_FMA;
    if ((c >> 29) & 1) f |= KC_FEATURE_F16C;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return f;
    if ((b >> 5) & 1) f |= KC_FEATURE_AVX2;
    if (zmm_state) {
        if ((b >> 16) & 1) f |= KC_FEATURE_AVX512F;
        if ((b >> 30) & 1) f |= KC_FEATURE_AVX512BW;
        if ((b >> 31) & 1) f |= KC_FEATURE_AVX512VL;
        if ((c >> 11) & 1) f |= KC_FEATURE_AVX512VNNI;
        uint32_t a1, b1, c1, d1;
        if (__get_cpuid_count(7, 1, &a1, &b1, &c1, &d1) && ((a1 >> 5) & 1)) f |= KC_FEATURE_AVX512BF16;
    }
    return f;
}
#else
static uint32_t detect(void) { return 0; }
#endif

static _Atomic uint32_t features_cache = 0xffffffffu;

uint32_t kc_cpu_features(void) {
    uint32_t f = atomic_load_explicit(&features_cache, memory_order_relaxed);
    if (f == 0xffffffffu) {
        f = detect();
        atomic_store_explicit(&features_cache, f, memory_order_relaxed);
    }
    return f;
}

int32_t kc_path_supported(kc_path path) {
    const uint32_t f = kc_cpu_features();
    const uint32_t avx2 = KC_FEATURE_AVX2 | KC_FEATURE_FMA | KC_FEATURE_F16C;
    const uint32_t avx512 = avx2 | KC_FEATURE_AVX512F | KC_FEATURE_AVX512BW | KC_FEATURE_AVX512VL |
                            KC_FEATURE_AVX512VNNI;
    switch (path) {
    case KC_PATH_PORTABLE: return 1;
    case KC_PATH_AVX2: return (f & avx2) == avx2;
    case KC_PATH_AVX512: return (f & avx512) == avx512;
    }
    return 0;
}

kc_path kc_best_path(void) {
    if (kc_path_supported(KC_PATH_AVX512)) return KC_PATH_AVX512;
    if (kc_path_supported(KC_PATH_AVX2)) return KC_PATH_AVX2;
    return KC_PATH_PORTABLE;
}

// -1: not resolved yet.
static _Atomic int32_t active = -1;
static char problem[160];
static _Atomic int32_t has_problem = 0;

static kc_path from_environment(void) {
    const char *v = getenv("S2D_CPU");
    if (v == NULL || *v == 0) return kc_best_path();
    kc_path p;
    if (strcmp(v, "portable") == 0) p = KC_PATH_PORTABLE;
    else if (strcmp(v, "avx2") == 0) p = KC_PATH_AVX2;
    else if (strcmp(v, "avx512") == 0) p = KC_PATH_AVX512;
    else {
        strcpy(problem, "S2D_CPU: unknown kernel path (expected portable, avx2 or avx512)");
        atomic_store(&has_problem, 1);
        return kc_best_path();
    }
    if (!kc_path_supported(p)) {
        strcpy(problem, "S2D_CPU: this CPU cannot run the requested kernel path");
        atomic_store(&has_problem, 1);
        return kc_best_path();
    }
    return p;
}

kc_path kc_active_path(void) {
    int32_t p = atomic_load_explicit(&active, memory_order_relaxed);
    if (p < 0) {
        int32_t expected = -1;
        atomic_compare_exchange_strong(&active, &expected, (int32_t)from_environment());
        p = atomic_load(&active);
    }
    return (kc_path)p;
}

int32_t kc_set_active_path(kc_path path) {
    if (!kc_path_supported(path)) return -1;
    atomic_store(&active, (int32_t)path);
    return 0;
}

const char *kc_environment_problem(void) {
    (void)kc_active_path();
    return atomic_load(&has_problem) ? problem : NULL;
}

void kc_qgemm(kc_path path, const kc_qweights *w, int32_t n0, int32_t n1,
              const kc_qactivations *a, int32_t rows, float *y, int64_t ldy) {
    if (n0 >= n1 || rows <= 0) return;
    switch (path) {
    case KC_PATH_AVX512: kc_qgemm_avx512(w, n0, n1, a, rows, y, ldy); return;
    case KC_PATH_AVX2: kc_qgemm_avx2(w, n0, n1, a, rows, y, ldy); return;
    default: kc_qgemm_portable(w, n0, n1, a, rows, y, ldy); return;
    }
}

void kc_quantize_activations(kc_path path, const float *x, int32_t rows, int32_t k, int64_t ldx,
                             kc_qactivations *a) {
    switch (path) {
    case KC_PATH_AVX512: kc_quantize_activations_avx512(x, rows, k, ldx, a); return;
    case KC_PATH_AVX2: kc_quantize_activations_avx2(x, rows, k, ldx, a); return;
    default: kc_quantize_activations_portable(x, rows, k, ldx, a); return;
    }
}

float kc_max(kc_path path, const float *x, int64_t n) {
    switch (path) {
    case KC_PATH_AVX512: return kc_max_avx512(x, n);
    case KC_PATH_AVX2: return kc_max_avx2(x, n);
    default: return kc_max_portable(x, n);
    }
}

double kc_exp_sum(kc_path path, const float *x, float shift, float scale, float *y, int64_t n) {
    switch (path) {
    case KC_PATH_AVX512: return kc_exp_sum_avx512(x, shift, scale, y, n);
    case KC_PATH_AVX2: return kc_exp_sum_avx2(x, shift, scale, y, n);
    default: return kc_exp_sum_portable(x, shift, scale, y, n);
    }
}

void kc_silu(kc_path path, float *x, int64_t n) {
    switch (path) {
    case KC_PATH_AVX512: kc_silu_avx512(x, n); return;
    case KC_PATH_AVX2: kc_silu_avx2(x, n); return;
    default: kc_silu_portable(x, n); return;
    }
}

void kc_swiglu(kc_path path, const float *gate, const float *up, float *out, int64_t n) {
    switch (path) {
    case KC_PATH_AVX512: kc_swiglu_avx512(gate, up, out, n); return;
    case KC_PATH_AVX2: kc_swiglu_avx2(gate, up, out, n); return;
    default: kc_swiglu_portable(gate, up, out, n); return;
    }
}

void kc_swiglu_backward(kc_path path, const float *gate, const float *up, const float *dout,
                        float *dg, float *du, int64_t n) {
    switch (path) {
    case KC_PATH_AVX512: kc_swiglu_backward_avx512(gate, up, dout, dg, du, n); return;
    case KC_PATH_AVX2: kc_swiglu_backward_avx2(gate, up, dout, dg, du, n); return;
    default: kc_swiglu_backward_portable(gate, up, dout, dg, du, n); return;
    }
}

void kc_attend_group(kc_path path, const float *q, int64_t q_stride, int32_t heads,
                     const float *keys, const float *values, int64_t stride, int32_t length,
                     int32_t d, float scale, float *scores, float *out, int64_t out_stride) {
    switch (path) {
    case KC_PATH_AVX512:
        kc_attend_group_avx512(q, q_stride, heads, keys, values, stride, length, d, scale, scores,
                               out, out_stride);
        return;
    case KC_PATH_AVX2:
        kc_attend_group_avx2(q, q_stride, heads, keys, values, stride, length, d, scale, scores,
                             out, out_stride);
        return;
    default:
        kc_attend_group_portable(q, q_stride, heads, keys, values, stride, length, d, scale,
                                 scores, out, out_stride);
        return;
    }
}
