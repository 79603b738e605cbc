// The row ops of rowops_template.h and the decode attention of attention_template.h,
// one lane at a time (kc_exp1's steps), in plain C.
#include "variants.h"

#pragma clang fp contract(off)

#define KC_ROWOPS_SUFFIX portable
#define VF float
#define W 1
#define V_LOAD(p) (*(p))
#define V_STORE(p, v) (*(p) = (v))
#define V_SET1(x) (x)
#define V_ADD(a, b) ((a) + (b))
#define V_SUB(a, b) ((a) - (b))
#define V_MUL(a, b) ((a) * (b))
#define V_DIV(a, b) ((a) / (b))
#define V_MIN(a, b) fminf((a), (b))
#define V_MAX(a, b) fmaxf((a), (b))
#define V_FMA(a, b, c) fmaf((a), (b), (c))
#define V_SUM(v) (v)
#define V_POW2(t) kc_pow2_of_magic(t)

#include "rowops_template.h"
#include "attention_template.h"
