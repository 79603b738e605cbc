// Decode attention of one KV group (kernels_c.h: kc_attend_group), written once over a vector
// type like rowops_template.h (same macros; include that first) and instantiated by each
// variant file. The query heads of a group share its key and value rows, so each row is read
// once for all of them (SmolLM2: 3 query heads per group). Both passes keep several
// independent accumulator chains (KC_ATTEND_T positions × the heads) so that the FMA units are
// not waiting on one chain's latency; the head count is a compile-time constant in each pass
// (kc_attend_heads is inlined per count) so the accumulators stay in registers.

// Query heads handled per pass over the rows.
#define KC_ATTEND_HEADS 4
// Positions per step of both passes (a variant with 32 vector registers may raise it).
#ifndef KC_ATTEND_T
#define KC_ATTEND_T 2
#endif

static inline __attribute__((always_inline)) void KC_FN(kc_attend_heads)(
    const int hn, const float *q, int64_t q_stride, const float *keys, const float *values,
    int64_t stride, int32_t length, int32_t d, float scale, float *scores, float *out,
    int64_t out_stride) {
    // scores[h][t] = scale · q[h]·k[t]
    int32_t t = 0;
    for (; t + KC_ATTEND_T <= length; t += KC_ATTEND_T) {
        VF acc[KC_ATTEND_T][KC_ATTEND_HEADS];
        for (int j = 0; j < KC_ATTEND_T; j++)
            for (int h = 0; h < hn; h++) acc[j][h] = V_SET1(0.0f);
        for (int32_t c = 0; c < d; c += W) {
            VF kv[KC_ATTEND_T];
            for (int j = 0; j < KC_ATTEND_T; j++) kv[j] = V_LOAD(keys + (int64_t)(t + j) * stride + c);
            for (int h = 0; h < hn; h++) {
                const VF qv = V_LOAD(q + (int64_t)h * q_stride + c);
                for (int j = 0; j < KC_ATTEND_T; j++) acc[j][h] = V_FMA(qv, kv[j], acc[j][h]);
            }
        }
        for (int j = 0; j < KC_ATTEND_T; j++)
            for (int h = 0; h < hn; h++) scores[(int64_t)h * length + t + j] = V_SUM(acc[j][h]) * scale;
    }
    for (; t < length; t++) {
        VF acc[KC_ATTEND_HEADS];
        for (int h = 0; h < hn; h++) acc[h] = V_SET1(0.0f);
        for (int32_t c = 0; c < d; c += W) {
            const VF kv = V_LOAD(keys + (int64_t)t * stride + c);
            for (int h = 0; h < hn; h++) acc[h] = V_FMA(V_LOAD(q + (int64_t)h * q_stride + c), kv, acc[h]);
        }
        for (int h = 0; h < hn; h++) scores[(int64_t)h * length + t] = V_SUM(acc[h]) * scale;
    }
    // softmax over t, per head
    for (int h = 0; h < hn; h++) {
        float *s = scores + (int64_t)h * length;
        const float inverse = (float)(1.0 / KC_FN(kc_exp_sum)(s, KC_FN(kc_max)(s, length), 1.0f, s, length));
        for (int32_t i = 0; i < length; i++) s[i] *= inverse;
    }
    // out[h] = Σ_t p[h][t]·v[t], one W-wide column of the value rows at a time
    for (int32_t c = 0; c < d; c += W) {
        VF acc[KC_ATTEND_T][KC_ATTEND_HEADS];
        for (int j = 0; j < KC_ATTEND_T; j++)
            for (int h = 0; h < hn; h++) acc[j][h] = V_SET1(0.0f);
        int32_t u = 0;
        for (; u + KC_ATTEND_T <= length; u += KC_ATTEND_T)
            for (int j = 0; j < KC_ATTEND_T; j++) {
                const VF vv = V_LOAD(values + (int64_t)(u + j) * stride + c);
                for (int h = 0; h < hn; h++)
                    acc[j][h] = V_FMA(V_SET1(scores[(int64_t)h * length + u + j]), vv, acc[j][h]);
            }
        for (; u < length; u++) {
            const VF vv = V_LOAD(values + (int64_t)u * stride + c);
            for (int h = 0; h < hn; h++) acc[0][h] = V_FMA(V_SET1(scores[(int64_t)h * length + u]), vv, acc[0][h]);
        }
        for (int h = 0; h < hn; h++) {
            VF sum = acc[0][h];
            for (int j = 1; j < KC_ATTEND_T; j++) sum = V_ADD(sum, acc[j][h]);
            V_STORE(out + (int64_t)h * out_stride + c, sum);
        }
    }
}

void KC_FN(kc_attend_group)(const float *q, int64_t q_stride, int32_t heads, const float *keys,
                            const float *values, int64_t stride, int32_t length, int32_t d,
                            float scale, float *scores, float *out, int64_t out_stride) {
    for (int32_t h0 = 0; h0 < heads; h0 += KC_ATTEND_HEADS) {
        const float *qh = q + (int64_t)h0 * q_stride;
        float *oh = out + (int64_t)h0 * out_stride;
        switch (heads - h0 < KC_ATTEND_HEADS ? heads - h0 : KC_ATTEND_HEADS) {
        case 1: KC_FN(kc_attend_heads)(1, qh, q_stride, keys, values, stride, length, d, scale, scores, oh, out_stride); break;
        case 2: KC_FN(kc_attend_heads)(2, qh, q_stride, keys, values, stride, length, d, scale, scores, oh, out_stride); break;
        case 3: KC_FN(kc_attend_heads)(3, qh, q_stride, keys, values, stride, length, d, scale, scores, oh, out_stride); break;
        default: KC_FN(kc_attend_heads)(4, qh, q_stride, keys, values, stride, length, d, scale, scores, oh, out_stride); break;
        }
    }
}
