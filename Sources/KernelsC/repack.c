// GGML blocks -> the interleaved layout (at load: a copy at memory speed, the same for every
// kernel variant), and back to float32.
#include "layout.h"
#include <string.h>

int32_t kc_repack(const void *src, kc_format format, int32_t n, int32_t k, uint8_t *dst) {
    int32_t status = 0;
    const int nb = k / 32, bits = format == KC_Q8_0 ? 8 : 4;
    const int block_bytes = format == KC_Q8_0 ? 34 : format == KC_Q4_1 ? 20 : 18;
    memset(dst, 0, (size_t)kc_packed_bytes(n, k, bits));  // padding rows: d = m = 0
    const uint8_t *s = (const uint8_t *)src;
    for (int32_t r = 0; r < n; r++) {
        const int l = r % 16;
        for (int b = 0; b < nb; b++) {
            const uint8_t *blk = s + ((int64_t)r * nb + b) * block_bytes;
            uint8_t *rec = kc_record(&(kc_qweights){dst, n, k, bits}, r, b);
            uint16_t d, m;
            memcpy(&d, blk, 2);
            const uint8_t *codes;
            if (format == KC_Q4_1) {
                memcpy(&m, blk + 2, 2);
                codes = blk + 4;
            } else if (format == KC_Q4_0) {
                m = kc_float_to_half(-8.0f * kc_half_to_float(d));  // exact: a power of two
                codes = blk + 2;
            } else {
                m = kc_float_to_half(-128.0f * kc_half_to_float(d));
                codes = blk + 2;
            }
            if ((m & 0x7c00) == 0x7c00 && (d & 0x7c00) != 0x7c00) status = -1;  // -128d overflows fp16
            // Chunk j of the record holds, at 4l, row l's elements 4j..4j+3 (8 bits) or the
            // byte pairing elements 4t+i and 16+4t+i (4 bits): GGML's byte 4t+i as it is.
            for (int j = 0; j < bits; j++) {  // 4 chunks for 4 bits, 8 for 8 bits
                uint32_t v;
                memcpy(&v, codes + 4 * j, 4);
                if (bits == 8) v ^= 0x80808080u;  // int8 q -> unsigned q + 128
                memcpy(rec + 64 * j + 4 * l, &v, 4);
            }
            uint16_t *dm = (uint16_t *)(rec + kc_codes_bytes(bits));
            dm[l] = d;
            dm[16 + l] = m;
        }
    }
    return status;
}

void kc_dequantize(const kc_qweights *w, int32_t n0, int32_t n1, int32_t k0, int32_t k1,
                   float *out, int64_t ldo) {
    for (int32_t r = n0; r < n1; r++) {
        const int l = r % 16;
        float *o = out + (int64_t)(r - n0) * ldo - k0;
        for (int b = k0 / 32; b < k1 / 32; b++) {
            const uint8_t *rec = kc_record(w, r, b);
            const float d = kc_half_to_float(kc_scale_bits(w->bits, rec, l, 0));
            const float m = kc_half_to_float(kc_scale_bits(w->bits, rec, l, 1));
            // d*u is exact in float32 (11 + 8 bits), so d*u + m rounds once (fused or not),
            // like GGML.
            for (int e = 0; e < 32; e++) o[b * 32 + e] = d * (float)kc_code(w->bits, rec, l, e) + m;
        }
    }
}
