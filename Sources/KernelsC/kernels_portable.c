// The portable variants: plain C over the interleaved layout, written so that the compiler
// vectorizes the 16 lanes of a group (the build's baseline ISA; NEON on ARM).
#include "layout.h"
#include "variants.h"
#include <math.h>

// Codes of one record as u[e][l] (element e of row l), so that the inner loops run over the
// 16 rows of the group with unit stride.
static void decode_record(const uint8_t *rec, int bits, uint8_t u[32][16]) {
    if (kc_nibble_codes(bits)) {
        for (int t = 0; t < 4; t++)
            for (int l = 0; l < 16; l++)
                for (int i = 0; i < 4; i++) {
                    const uint8_t byte = rec[64 * t + 4 * l + i];
                    u[4 * t + i][l] = byte & 15;
                    u[16 + 4 * t + i][l] = byte >> 4;
                }
    } else {
        for (int j = 0; j < 8; j++)
            for (int l = 0; l < 16; l++)
                for (int i = 0; i < 4; i++) u[4 * j + i][l] = rec[64 * j + 4 * l + i];
    }
}

void kc_qgemm_portable(const kc_qweights *w, int32_t n0, int32_t n1, const kc_qactivations *a,
                       int32_t rows, float *y, int64_t ldy) {
    const int nb = w->k / 32, bits = w->bits;
    for (int32_t g = n0 / 16; g * 16 < n1; g++) {
        const int32_t r0 = g * 16;
        const int lo = n0 > r0 ? n0 - r0 : 0, hi = n1 - r0 < 16 ? n1 - r0 : 16;
        for (int32_t i = 0; i < rows; i++) {
            const int8_t *xq = a->q + (int64_t)i * w->k;
            const float *dx = a->d + (int64_t)i * nb, *sx = a->s + (int64_t)i * nb;
            float acc[16] = {0};
            for (int b = 0; b < nb; b++) {
                const uint8_t *rec = kc_record(w, r0, b);
                const int8_t *xb = xq + b * 32;
                uint8_t u[32][16];
                decode_record(rec, bits, u);
                if (bits == 6) {
                    // Per half-block: sum (u - 32)*x = sum u*x - 32 h, exact in int32.
                    const int16_t *hb = a->h + 2 * ((int64_t)i * nb + b);
                    int32_t isum[2][16];
                    for (int half = 0; half < 2; half++)
                        for (int l = 0; l < 16; l++) isum[half][l] = -32 * hb[half];
                    for (int e = 0; e < 32; e++)
                        for (int l = 0; l < 16; l++) isum[e / 16][l] += (int32_t)u[e][l] * xb[e];
                    for (int l = 0; l < 16; l++) {
                        const float d0 = kc_scale_f32(bits, rec, l, 0), d1 = kc_scale_f32(bits, rec, l, 1);
                        acc[l] += (d0 * (float)isum[0][l] + d1 * (float)isum[1][l]) * dx[b];
                    }
                } else {
                    int32_t isum[16] = {0};
                    for (int e = 0; e < 32; e++)
                        for (int l = 0; l < 16; l++) isum[l] += (int32_t)u[e][l] * xb[e];
                    for (int l = 0; l < 16; l++) {
                        const float d = kc_scale(bits, rec, l, 0), m = kc_scale(bits, rec, l, 1);
                        acc[l] += (float)isum[l] * (d * dx[b]) + m * sx[b];
                    }
                }
            }
            for (int l = lo; l < hi; l++) y[(int64_t)i * ldy + r0 + l] = acc[l];
        }
    }
}

void kc_quantize_activations_portable(const float *x, int32_t rows, int32_t k, int64_t ldx,
                                      kc_qactivations *a) {
    const int nb = k / 32;
    for (int32_t i = 0; i < rows; i++) {
        for (int b = 0; b < nb; b++) {
            const float *xb = x + (int64_t)i * ldx + b * 32;
            int8_t *qb = a->q + (int64_t)i * k + b * 32;
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(xb[j]));
            const float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
            int32_t sums[2] = {0, 0};  // elements 0-15, 16-31
            for (int j = 0; j < 32; j++) {
                const int32_t v = (int32_t)nearbyintf(xb[j] * id);
                qb[j] = (int8_t)v;
                sums[j / 16] += v;
            }
            a->d[(int64_t)i * nb + b] = d;
            a->s[(int64_t)i * nb + b] = d * (float)(sums[0] + sums[1]);
            if (a->h) {
                a->h[2 * ((int64_t)i * nb + b)] = (int16_t)sums[0];
                a->h[2 * ((int64_t)i * nb + b) + 1] = (int16_t)sums[1];
            }
        }
    }
}

float kc_max_portable(const float *x, int64_t n) {
    float m = -INFINITY;
    for (int64_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

void kc_activation_residual(const float *x, int32_t rows, int32_t k, int64_t ldx,
                            const kc_qactivations *a, float *r) {
    const int nb = k / 32;
    for (int32_t i = 0; i < rows; i++) {
        for (int b = 0; b < nb; b++) {
            const float d = a->d[(int64_t)i * nb + b];
            const float *xb = x + (int64_t)i * ldx + b * 32;
            const int8_t *qb = a->q + (int64_t)i * k + b * 32;
            float *rb = r + (int64_t)i * k + b * 32;
            for (int j = 0; j < 32; j++) rb[j] = xb[j] - d * (float)qb[j];
        }
    }
}
