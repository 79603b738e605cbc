// e^x for float32, relative error ~2e-7 (the Cephes expf polynomial): x = n·ln2 + r with
// |r| ≤ ln2/2, e^r by a degree-7 polynomial (Horner, fused), 2^n built in the exponent bits.
// Inputs are clamped to [−87.3, 88.3] (results ~1e-38 .. ~2e38; no infinities, no denormals).
// n = round(x / ln2) with the 1.5·2^23 trick: t = x·log2(e) + 1.5·2^23 holds n in its low
// mantissa bits, so no float-to-int conversion is needed.
#ifndef KC_EXP_CONSTANTS_H
#define KC_EXP_CONSTANTS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define KC_EXP_MIN (-87.3f)
#define KC_EXP_MAX 88.3f
#define KC_EXP_MAGIC 12582912.0f
#define KC_LOG2E 1.44269504f
#define KC_LN2_HI 0.693359375f
#define KC_LN2_LO 2.1219444e-4f
#define KC_EXP_P0 1.98756915e-4f
#define KC_EXP_P1 1.3981999507e-3f
#define KC_EXP_P2 8.3334519073e-3f
#define KC_EXP_P3 4.1665795894e-2f
#define KC_EXP_P4 1.6666665459e-1f
#define KC_EXP_P5 5.0000001201e-1f

/// 2^n from t = 1.5·2^23 + n: (n + 127) << 23 as float bits.
static inline float kc_pow2_of_magic(float t) {
    int32_t ti, mi;
    const float magic = KC_EXP_MAGIC;
    memcpy(&ti, &t, 4);
    memcpy(&mi, &magic, 4);
    const int32_t bits = (int32_t)((uint32_t)(ti - mi + 127) << 23);
    float pow2;
    memcpy(&pow2, &bits, 4);
    return pow2;
}

/// The vector algorithm one lane wide: the tails of every variant, and the portable variant.
static inline float kc_exp1(float x) {
    x = fminf(fmaxf(x, KC_EXP_MIN), KC_EXP_MAX);
    const float t = fmaf(x, KC_LOG2E, KC_EXP_MAGIC);
    const float n = t - KC_EXP_MAGIC;
    float r = fmaf(n, -KC_LN2_HI, x);
    r = fmaf(n, KC_LN2_LO, r);
    float p = KC_EXP_P0;
    p = fmaf(p, r, KC_EXP_P1);
    p = fmaf(p, r, KC_EXP_P2);
    p = fmaf(p, r, KC_EXP_P3);
    p = fmaf(p, r, KC_EXP_P4);
    p = fmaf(p, r, KC_EXP_P5);
    const float y = fmaf(p, r * r, r + 1.0f);
    return y * kc_pow2_of_magic(t);
}

#endif
