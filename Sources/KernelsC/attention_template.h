// Decode attention of one KV group (kernels_c.h: kc_attend_group), written once over a vector
// type like rowops_template.h (same macros; include that first) and instantiated by each
// variant file. The query heads of a group share its key and value rows, so each row is read
// once for all of them (SmolLM2: 3 query heads per group).

// Query heads handled per pass over the rows (their accumulators stay in registers).
#define KC_ATTEND_HEADS 4

void KC_FN(kc_attend_group)(const float *q, int64_t q_stride, int32_t heads, const float *keys,
                            const float *values, int64_t stride, int32_t length, int32_t d,
                            float scale, float *scores, float *out, int64_t out_stride) {
    for (int32_t h0 = 0; h0 < heads; h0 += KC_ATTEND_HEADS) {
        const int32_t hn = heads - h0 < KC_ATTEND_HEADS ? heads - h0 : KC_ATTEND_HEADS;
        // scores[h][t] = scale · q[h]·k[t]
        for (int32_t t = 0; t < length; t++) {
            const float *k = keys + (int64_t)t * stride;
            VF acc[KC_ATTEND_HEADS];
            for (int h = 0; h < hn; h++) acc[h] = V_SET1(0.0f);
            for (int32_t c = 0; c < d; c += W) {
                const VF kv = V_LOAD(k + c);
                for (int h = 0; h < hn; h++)
                    acc[h] = V_FMA(V_LOAD(q + (int64_t)(h0 + h) * q_stride + c), kv, acc[h]);
            }
            for (int h = 0; h < hn; h++) scores[(int64_t)h * length + t] = V_SUM(acc[h]) * scale;
        }
        // softmax over t, per head
        for (int h = 0; h < hn; h++) {
            float *s = scores + (int64_t)h * length;
            float m = s[0];
            for (int32_t t = 1; t < length; t++) m = s[t] > m ? s[t] : m;
            const float inverse = (float)(1.0 / KC_FN(kc_exp_sum)(s, m, 1.0f, s, length));
            for (int32_t t = 0; t < length; t++) s[t] *= inverse;
        }
        // out[h] = Σ_t p[h][t]·v[t], one W-wide column of the value rows at a time
        for (int32_t c = 0; c < d; c += W) {
            VF acc[KC_ATTEND_HEADS];
            for (int h = 0; h < hn; h++) acc[h] = V_SET1(0.0f);
            for (int32_t t = 0; t < length; t++) {
                const VF vv = V_LOAD(values + (int64_t)t * stride + c);
                for (int h = 0; h < hn; h++) acc[h] = V_FMA(V_SET1(scores[(int64_t)h * length + t]), vv, acc[h]);
            }
            for (int h = 0; h < hn; h++) V_STORE(out + (int64_t)(h0 + h) * out_stride + c, acc[h]);
        }
    }
}
