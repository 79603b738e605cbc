// Element access in the interleaved layout described in kernels_c.h (scalar code paths).
#ifndef KC_LAYOUT_H
#define KC_LAYOUT_H

#include "kernels_c.h"
#include <string.h>

/// 1 for the record kinds with 4-bit codes (4, 5), 0 for those with 8-bit codes (8, 6).
static inline int kc_nibble_codes(int32_t bits) { return bits == 4 || bits == 5; }

/// Bytes of codes in one record.
static inline int kc_codes_bytes(int32_t bits) { return kc_nibble_codes(bits) ? 256 : 512; }

/// The record of row r's group for block b.
static inline uint8_t *kc_record(const kc_qweights *w, int32_t r, int b) {
    return (uint8_t *)w->base + ((int64_t)(r / 16) * (w->k / 32) + b) * kc_record_bytes(w->bits);
}

/// Byte offset and nibble shift of element e (0..31) of lane l in a record.
static inline void kc_code_position(int32_t bits, int l, int e, int *offset, int *shift) {
    if (kc_nibble_codes(bits)) {
        int e2 = e & 15;
        *offset = (e2 / 4) * 64 + l * 4 + e2 % 4;
        *shift = e >= 16 ? 4 : 0;
    } else {
        *offset = (e / 4) * 64 + l * 4 + e % 4;
        *shift = 0;
    }
}

/// Code u of element e of lane l.
static inline int kc_code(int32_t bits, const uint8_t *rec, int l, int e) {
    int offset, shift;
    kc_code_position(bits, l, e, &offset, &shift);
    return kc_nibble_codes(bits) ? (rec[offset] >> shift) & 15 : rec[offset];
}

/// fp16 scale (which = 0) or offset (which = 1) of lane l (kinds 4 and 8).
static inline uint16_t kc_scale_bits(int32_t bits, const uint8_t *rec, int l, int which) {
    const uint16_t *p = (const uint16_t *)(rec + kc_codes_bytes(bits));
    return p[which * 16 + l];
}

/// Float32 field `which` of lane l (kinds 5 and 6): kind 5: scale (0) or offset (1); kind 6:
/// scale of elements 0-15 (0) or 16-31 (1).
static inline float kc_scale_f32(int32_t bits, const uint8_t *rec, int l, int which) {
    float v;
    memcpy(&v, rec + kc_codes_bytes(bits) + 64 * which + 4 * l, 4);
    return v;
}

/// Field `which` of lane l as float, whatever the kind.
static inline float kc_scale(int32_t bits, const uint8_t *rec, int l, int which) {
    return bits == 4 || bits == 8 ? kc_half_to_float(kc_scale_bits(bits, rec, l, which))
                                  : kc_scale_f32(bits, rec, l, which);
}

#endif
