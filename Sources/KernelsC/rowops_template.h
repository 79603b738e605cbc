// The row ops built on e^x (kernels_c.h: kc_exp_sum, kc_silu, kc_swiglu, kc_swiglu_backward),
// written once over a vector type and instantiated by each variant file, which defines:
//   KC_ROWOPS_SUFFIX          the variant's name (portable, avx2, avx512)
//   VF, W                     the float vector type and its lanes
//   V_LOAD(p) V_STORE(p, v)   unaligned load and store
//   V_SET1(x) V_ADD V_SUB V_MUL V_DIV V_MIN V_MAX
//   V_FMA(a, b, c)            a·b + c, fused
//   V_SUM(v)                  the lanes' sum, as float
//   V_POW2(t)                 2^n from t = 1.5·2^23 + n, built in the exponent bits
// Every variant runs the same operations in the same order on each element (tails go through
// kc_exp1, the same steps one lane wide), so the variants give bitwise the same values; only
// kc_exp_sum's total depends on the vector width (its lanes are summed per vector).
// Swift SIMD cannot do this: it compiles lane-wise min/max and compare-and-select, which
// clamping needs, to scalar loops (swiglu and softmax ran ~10x slower).
#include "exp_constants.h"

#define KC_CAT2(a, b) a##_##b
#define KC_CAT(a, b) KC_CAT2(a, b)
#define KC_FN(name) KC_CAT(name, KC_ROWOPS_SUFFIX)

static inline __attribute__((always_inline)) VF KC_FN(kc_vexp)(VF x) {
    x = V_MIN(V_MAX(x, V_SET1(KC_EXP_MIN)), V_SET1(KC_EXP_MAX));
    const VF t = V_FMA(x, V_SET1(KC_LOG2E), V_SET1(KC_EXP_MAGIC));
    const VF n = V_SUB(t, V_SET1(KC_EXP_MAGIC));
    VF r = V_FMA(n, V_SET1(-KC_LN2_HI), x);
    r = V_FMA(n, V_SET1(KC_LN2_LO), r);
    VF p = V_SET1(KC_EXP_P0);
    p = V_FMA(p, r, V_SET1(KC_EXP_P1));
    p = V_FMA(p, r, V_SET1(KC_EXP_P2));
    p = V_FMA(p, r, V_SET1(KC_EXP_P3));
    p = V_FMA(p, r, V_SET1(KC_EXP_P4));
    p = V_FMA(p, r, V_SET1(KC_EXP_P5));
    const VF y = V_FMA(p, V_MUL(r, r), V_ADD(r, V_SET1(1.0f)));
    return V_MUL(y, V_POW2(t));
}

double KC_FN(kc_exp_sum)(const float *x, float shift, float scale, float *y, int64_t n) {
    const VF vs = V_SET1(shift), vk = V_SET1(scale);
    double total = 0;
    int64_t i = 0;
    for (; i + W <= n; i += W) {
        const VF e = KC_FN(kc_vexp)(V_MUL(V_SUB(V_LOAD(x + i), vs), vk));
        if (y) V_STORE(y + i, e);
        total += (double)V_SUM(e);
    }
    for (; i < n; i++) {
        const float e = kc_exp1((x[i] - shift) * scale);
        if (y) y[i] = e;
        total += (double)e;
    }
    return total;
}

void KC_FN(kc_silu)(float *x, int64_t n) {
    const VF one = V_SET1(1.0f), zero = V_SET1(0.0f);
    int64_t i = 0;
    for (; i + W <= n; i += W) {
        const VF v = V_LOAD(x + i);
        V_STORE(x + i, V_DIV(v, V_ADD(one, KC_FN(kc_vexp)(V_SUB(zero, v)))));
    }
    for (; i < n; i++) x[i] = x[i] / (1.0f + kc_exp1(-x[i]));
}

void KC_FN(kc_swiglu)(const float *gate, const float *up, float *out, int64_t n) {
    const VF one = V_SET1(1.0f), zero = V_SET1(0.0f);
    int64_t i = 0;
    for (; i + W <= n; i += W) {
        const VF g = V_LOAD(gate + i);
        V_STORE(out + i, V_MUL(V_DIV(g, V_ADD(one, KC_FN(kc_vexp)(V_SUB(zero, g)))), V_LOAD(up + i)));
    }
    for (; i < n; i++) out[i] = gate[i] / (1.0f + kc_exp1(-gate[i])) * up[i];
}

void KC_FN(kc_swiglu_backward)(const float *gate, const float *up, const float *dout, float *dg, float *du,
                               int64_t n) {
    const VF one = V_SET1(1.0f), zero = V_SET1(0.0f);
    int64_t i = 0;
    for (; i + W <= n; i += W) {
        const VF g = V_LOAD(gate + i), u = V_LOAD(up + i), d = V_LOAD(dout + i);
        const VF s = V_DIV(one, V_ADD(one, KC_FN(kc_vexp)(V_SUB(zero, g))));
        // Both gradients are computed before either store: dg and du may alias gate and up.
        const VF gradGate = V_MUL(V_MUL(V_MUL(d, u), s), V_ADD(one, V_MUL(g, V_SUB(one, s))));
        const VF gradUp = V_MUL(V_MUL(d, g), s);
        V_STORE(dg + i, gradGate);
        V_STORE(du + i, gradUp);
    }
    for (; i < n; i++) {
        const float g = gate[i], u = up[i], d = dout[i];
        const float s = 1.0f / (1.0f + kc_exp1(-g));
        const float gradGate = d * u * s * (1.0f + g * (1.0f - s)), gradUp = d * g * s;
        dg[i] = gradGate;
        du[i] = gradUp;
    }
}
