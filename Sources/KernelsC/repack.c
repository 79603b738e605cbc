// GGML blocks -> the interleaved layout (at load: a copy at memory speed, the same for every
// kernel variant), and back to float32.
#include "layout.h"
#include <string.h>

// Row l's 32 codes u[e] into record `rec` of kind `bits` (the layout in kernels_c.h).
static void put_codes(uint8_t *rec, int32_t bits, int l, const uint8_t u[32]) {
    if (kc_nibble_codes(bits)) {
        for (int t = 0; t < 4; t++)
            for (int i = 0; i < 4; i++)
                rec[64 * t + 4 * l + i] = (uint8_t)(u[4 * t + i] | u[16 + 4 * t + i] << 4);
    } else {
        for (int j = 0; j < 8; j++)
            for (int i = 0; i < 4; i++) rec[64 * j + 4 * l + i] = u[4 * j + i];
    }
}

// Float32 field `which` of lane l (kinds 5 and 6).
static void put_f32(uint8_t *rec, int32_t bits, int l, int which, float v) {
    memcpy(rec + kc_codes_bytes(bits) + 64 * which + 4 * l, &v, 4);
}

// fp16 scale d and offset m of lane l (kinds 4 and 8); -1 when m is infinite but d is not
// (-8d or -128d overflowed fp16), else 0.
static int32_t put_f16(uint8_t *rec, int32_t bits, int l, uint16_t d, uint16_t m) {
    uint16_t *dm = (uint16_t *)(rec + kc_codes_bytes(bits));
    dm[l] = d;
    dm[16 + l] = m;
    return (m & 0x7c00) == 0x7c00 && (d & 0x7c00) != 0x7c00 ? -1 : 0;
}

static uint16_t load16(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

// Q4_K's 6-bit scale and min of sub-block j (GGML's get_scale_min_k4).
static void scale_min_k4(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (uint8_t)((q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4));
        *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

int32_t kc_repack(const void *src, kc_format format, int32_t n, int32_t k, uint8_t *dst) {
    const int32_t bits = kc_format_bits(format);
    if (bits == 0) return -3;
    if (k <= 0 || k % kc_format_block_elements(format) != 0) return -2;
    int32_t status = 0;
    const int nb = k / 32;
    const kc_qweights w = {dst, n, k, bits};
    memset(dst, 0, (size_t)kc_packed_bytes(n, k, bits));  // padding rows: d = m = 0
    const uint8_t *s = (const uint8_t *)src;
    if (format == KC_Q4_0 || format == KC_Q4_1 || format == KC_Q8_0) {
        const int block_bytes = format == KC_Q8_0 ? 34 : format == KC_Q4_1 ? 20 : 18;
        for (int32_t r = 0; r < n; r++) {
            const int l = r % 16;
            for (int b = 0; b < nb; b++) {
                const uint8_t *blk = s + ((int64_t)r * nb + b) * block_bytes;
                uint8_t *rec = kc_record(&w, r, b);
                uint16_t d = load16(blk), m;
                const uint8_t *codes;
                if (format == KC_Q4_1) {
                    m = load16(blk + 2);
                    codes = blk + 4;
                } else if (format == KC_Q4_0) {
                    m = kc_float_to_half(-8.0f * kc_half_to_float(d));  // exact: a power of two
                    codes = blk + 2;
                } else {
                    m = kc_float_to_half(-128.0f * kc_half_to_float(d));
                    codes = blk + 2;
                }
                // Chunk j of the record holds, at 4l, row l's elements 4j..4j+3 (8 bits) or the
                // byte pairing elements 4t+i and 16+4t+i (4 bits): GGML's byte 4t+i as it is.
                for (int j = 0; j < bits; j++) {  // 4 chunks for 4 bits, 8 for 8 bits
                    uint32_t v;
                    memcpy(&v, codes + 4 * j, 4);
                    if (bits == 8) v ^= 0x80808080u;  // int8 q -> unsigned q + 128
                    memcpy(rec + 64 * j + 4 * l, &v, 4);
                }
                if (put_f16(rec, bits, l, d, m)) status = -1;
            }
        }
    } else if (format == KC_Q5_0) {
        // 22 bytes: fp16 d | uint32 qh (bit e: element e's bit 4) | 16 bytes of nibbles
        // (byte j: element j low, element j + 16 high). Value d*(q - 16) = d*(u - 128).
        for (int32_t r = 0; r < n; r++) {
            const int l = r % 16;
            for (int b = 0; b < nb; b++) {
                const uint8_t *blk = s + ((int64_t)r * nb + b) * 22;
                uint8_t *rec = kc_record(&w, r, b);
                const uint16_t d = load16(blk), m = kc_float_to_half(-128.0f * kc_half_to_float(d));
                uint32_t qh;
                memcpy(&qh, blk + 2, 4);
                uint8_t u[32];
                for (int j = 0; j < 16; j++) {
                    u[j] = (uint8_t)(((blk[6 + j] & 15) | ((qh >> j) & 1) << 4) + 112);
                    u[j + 16] = (uint8_t)(((blk[6 + j] >> 4) | ((qh >> (j + 16)) & 1) << 4) + 112);
                }
                put_codes(rec, bits, l, u);
                if (put_f16(rec, bits, l, d, m)) status = -1;
            }
        }
    } else if (format == KC_Q4_K) {
        // 144 bytes per 256 elements: fp16 d | fp16 dmin | 12 bytes of 6-bit scales and mins |
        // 128 bytes of nibbles: 64-element chunk c is bytes 32c..32c+31, elements 0-31 in the
        // low nibbles and 32-63 in the high ones. Sub-block j (32 elements): d*sc_j*q - dmin*m_j,
        // where d*sc_j and dmin*m_j are exact in float32 (11 + 6 bits).
        for (int32_t r = 0; r < n; r++) {
            const int l = r % 16;
            for (int sb = 0; sb < k / 256; sb++) {
                const uint8_t *blk = s + ((int64_t)r * (k / 256) + sb) * 144;
                const float d = kc_half_to_float(load16(blk)), dmin = kc_half_to_float(load16(blk + 2));
                for (int j = 0; j < 8; j++) {
                    uint8_t *rec = kc_record(&w, r, sb * 8 + j);
                    uint8_t sc, mn, u[32];
                    scale_min_k4(j, blk + 4, &sc, &mn);
                    const uint8_t *qs = blk + 16 + 32 * (j / 2);
                    for (int e = 0; e < 32; e++) u[e] = j % 2 ? qs[e] >> 4 : qs[e] & 15;
                    put_codes(rec, bits, l, u);
                    put_f32(rec, bits, l, 0, d * (float)sc);
                    put_f32(rec, bits, l, 1, -(dmin * (float)mn));
                }
            }
        }
    } else {
        // Q6_K, 210 bytes per 256 elements: ql[128] | qh[64] | int8 scales[16] | fp16 d. In
        // 128-element half n, element 32s + l (s < 4, l < 32) has low bits from ql[64n + l +
        // 32(s & 1)] (low nibble for s < 2, else high) and high bits (qh[32n + l] >> 2s) & 3.
        // Element e's value: d*scales[e/16]*(q - 32), d*scales exact in float32 (11 + 8 bits).
        for (int32_t r = 0; r < n; r++) {
            const int l = r % 16;
            for (int sb = 0; sb < k / 256; sb++) {
                const uint8_t *blk = s + ((int64_t)r * (k / 256) + sb) * 210;
                const float d = kc_half_to_float(load16(blk + 208));
                for (int b = 0; b < 8; b++) {
                    uint8_t *rec = kc_record(&w, r, sb * 8 + b);
                    uint8_t u[32];
                    for (int e = 0; e < 32; e++) {
                        const int x = 32 * b + e, half = x / 128, sub = (x % 128) / 32, lane = x % 32;
                        const uint8_t low = blk[64 * half + lane + 32 * (sub & 1)];
                        const uint8_t high = blk[128 + 32 * half + lane];
                        u[e] = (uint8_t)((sub < 2 ? low & 15 : low >> 4) | ((high >> (2 * sub)) & 3) << 4);
                    }
                    put_codes(rec, bits, l, u);
                    put_f32(rec, bits, l, 0, d * (float)(int8_t)blk[192 + 2 * b]);
                    put_f32(rec, bits, l, 1, d * (float)(int8_t)blk[192 + 2 * b + 1]);
                }
            }
        }
    }
    return status;
}

void kc_dequantize(const kc_qweights *w, int32_t n0, int32_t n1, int32_t k0, int32_t k1,
                   float *out, int64_t ldo) {
    const int32_t bits = w->bits;
    for (int32_t r = n0; r < n1; r++) {
        const int l = r % 16;
        float *o = out + (int64_t)(r - n0) * ldo - k0;
        for (int b = k0 / 32; b < k1 / 32; b++) {
            const uint8_t *rec = kc_record(w, r, b);
            float *ob = o + b * 32;
            // Each form below is the product or sum that GGML evaluates, so the values agree bit
            // for bit, signed zeros included: d*u is exact in float32 (at most 11 + 8 bits, or
            // 17 + 4 for kind 5), so d*u + m rounds once, fused or not.
            if (bits == 8) {  // Q8_0, Q5_0: q*d with q = u - 128 (m is always -128 d)
                const float d = kc_half_to_float(kc_scale_bits(bits, rec, l, 0));
                for (int e = 0; e < 32; e++) ob[e] = (float)(kc_code(bits, rec, l, e) - 128) * d;
            } else if (bits == 4) {
                const uint16_t db = kc_scale_bits(bits, rec, l, 0), mb = kc_scale_bits(bits, rec, l, 1);
                const float d = kc_half_to_float(db), m = kc_half_to_float(mb);
                if (mb == kc_float_to_half(-8.0f * d)) {  // Q4_0: (q - 8)*d
                    for (int e = 0; e < 32; e++) ob[e] = (float)(kc_code(bits, rec, l, e) - 8) * d;
                } else {  // Q4_1: q*d + m
                    for (int e = 0; e < 32; e++) ob[e] = (float)kc_code(bits, rec, l, e) * d + m;
                }
            } else if (bits == 5) {  // Q4_K: (d*sc)*q - dmin*m
                const float d = kc_scale_f32(bits, rec, l, 0), m = kc_scale_f32(bits, rec, l, 1);
                for (int e = 0; e < 32; e++) ob[e] = d * (float)kc_code(bits, rec, l, e) + m;
            } else {  // Q6_K: (d*sc)*(q - 32)
                const float d0 = kc_scale_f32(bits, rec, l, 0), d1 = kc_scale_f32(bits, rec, l, 1);
                for (int e = 0; e < 32; e++) ob[e] = (e < 16 ? d0 : d1) * (float)(kc_code(bits, rec, l, e) - 32);
            }
        }
    }
}
