// Tests and timings of KernelsC's quantized formats against gguf-py (see run.sh).
// Usage: harness DATA_DIR [test|bench] (both by default); DATA_DIR is dump.py's output.

#include "kernels_c.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures = 0;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL: " __VA_ARGS__); printf("\n"); } } while (0)

static void *load(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END); *size = (size_t)ftell(f); fseek(f, 0, SEEK_SET);
    void *p = malloc(*size);
    if (fread(p, 1, *size, f) != *size) exit(2);
    fclose(f);
    return p;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static double urand(void) {  // [0, 1)
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}
static float nrand(void) { return (float)(sqrt(-2 * log(urand() + 1e-300)) * cos(6.283185307179586 * urand())); }

static int64_t row_bytes(int fmt, int k) {
    switch (fmt) {
    case KC_Q4_0: return k / 32 * 18;
    case KC_Q4_1: return k / 32 * 20;
    case KC_Q5_0: return k / 32 * 22;
    case KC_Q8_0: return k / 32 * 34;
    case KC_Q4_K: return k / 256 * 144;
    case KC_Q6_K: return k / 256 * 210;
    }
    return 0;
}

static const char *path_name[] = {"portable", "avx2", "avx512"};

static kc_qactivations alloc_acts(int rows, int k, int with_h) {
    kc_qactivations a;
    a.q = aligned_alloc(64, (size_t)rows * k + 64);
    a.d = malloc(sizeof(float) * rows * (k / 32));
    a.s = malloc(sizeof(float) * rows * (k / 32));
    a.h = with_h ? malloc(sizeof(int16_t) * 2 * rows * (k / 32)) : NULL;
    a.k = k;
    return a;
}
static void free_acts(kc_qactivations *a) { free(a->q); free(a->d); free(a->s); free(a->h); }

static uint8_t *repack(const void *raw, int fmt, int n, int k, kc_qweights *w) {
    const int bits = kc_format_bits((kc_format)fmt);
    const int64_t bytes = kc_packed_bytes(n, k, bits);
    uint8_t *p = aligned_alloc(64, (size_t)((bytes + 63) / 64 * 64));
    int st = kc_repack(raw, (kc_format)fmt, n, k, p);
    CHECK(st == 0, "kc_repack status %d (fmt %d)", st, fmt);
    *w = (kc_qweights){p, n, k, bits};
    return p;
}

// One matrix: exact dequantization, then qgemm on every path against a double reference.
static void test_matrix(const char *name, int fmt, int n, int k, const uint8_t *raw, const float *ref) {
    kc_qweights w;
    uint8_t *packed = repack(raw, fmt, n, k, &w);
    CHECK(kc_record_bytes(w.bits) % 64 == 0, "record size");
    float *deq = malloc(sizeof(float) * n * k);
    kc_dequantize(&w, 0, n, 0, k, deq, k);
    int bad = 0;
    for (int64_t i = 0; i < (int64_t)n * k; i++)
        if (memcmp(&deq[i], &ref[i], 4) != 0) { if (bad++ < 3) printf("  %s: [%lld] %a vs gguf %a\n", name, (long long)i, deq[i], ref[i]); }
    CHECK(bad == 0, "%s: dequantize differs from gguf in %d of %d values", name, bad, n * k);
    // A sub-rectangle.
    {
        const int r0 = n / 3, r1 = n - n / 5, c0 = 32 * ((k / 32) / 4), c1 = k - 32;
        float *sub = malloc(sizeof(float) * (r1 - r0) * (c1 - c0 + 3));
        kc_dequantize(&w, r0, r1, c0, c1, sub, c1 - c0 + 3);
        int sbad = 0;
        for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++)
                sbad += memcmp(&sub[(int64_t)(r - r0) * (c1 - c0 + 3) + c - c0], &ref[(int64_t)r * k + c], 4) != 0;
        CHECK(sbad == 0, "%s: sub-rectangle dequantize differs in %d values", name, sbad);
        free(sub);
    }
    // qgemm.
    static const int Ms[] = {1, 2, 3, 8, 13};
    const int nb = k / 32, ldy = n + 5;
    double worst = 0, worst_paths = 0;
    for (int mi = 0; mi < 5; mi++) {
        const int M = Ms[mi];
        float *x = malloc(sizeof(float) * M * (k + 7));
        for (int i = 0; i < M * (k + 7); i++) x[i] = nrand() * (urand() < 0.01 ? 20.0f : 1.0f);
        kc_qactivations acts[KC_PATH_COUNT];
        for (int p = 0; p < KC_PATH_COUNT; p++) {
            acts[p] = alloc_acts(M, k, 1);
            kc_quantize_activations((kc_path)p, x, M, k, k + 7, &acts[p]);
        }
        for (int p = 1; p < KC_PATH_COUNT; p++) {
            CHECK(memcmp(acts[p].q, acts[0].q, (size_t)M * k) == 0 && memcmp(acts[p].d, acts[0].d, 4 * M * nb) == 0 &&
                  memcmp(acts[p].s, acts[0].s, 4 * M * nb) == 0 && memcmp(acts[p].h, acts[0].h, 4 * M * nb) == 0,
                  "%s: activations of path %s differ from portable", name, path_name[p]);
            kc_qactivations nh = alloc_acts(M, k, 0);  // h = NULL: same q, d, s
            kc_quantize_activations((kc_path)p, x, M, k, k + 7, &nh);
            CHECK(memcmp(nh.q, acts[0].q, (size_t)M * k) == 0 && memcmp(nh.s, acts[0].s, 4 * M * nb) == 0,
                  "%s: activations without h differ (%s)", name, path_name[p]);
            free_acts(&nh);
        }
        // Reference: Σ deq(W)·(dx·qx) in double, and Σ|terms|.
        double *yref = malloc(sizeof(double) * M * n), *mag = malloc(sizeof(double) * M * n);
        const kc_qactivations *a = &acts[0];
        for (int i = 0; i < M; i++)
            for (int r = 0; r < n; r++) {
                double s = 0, m = 0;
                for (int c = 0; c < k; c++) {
                    const double t = (double)ref[(int64_t)r * k + c] * ((double)a->d[i * nb + c / 32] * a->q[(int64_t)i * k + c]);
                    s += t; m += fabs(t);
                }
                yref[i * n + r] = s; mag[i * n + r] = m;
            }
        float *ys[KC_PATH_COUNT];
        const float sentinel = -12345.0f;
        const int ranges[][2] = {{0, n}, {5, n - 3}, {17, 40 < n ? 40 : n}, {n - 1, n}, {16, 32 < n ? 32 : n}};
        for (int p = 0; p < KC_PATH_COUNT; p++) {
            ys[p] = malloc(sizeof(float) * M * ldy);
            // Kinds other than 6 must not read h: give them activations with h = NULL.
            kc_qactivations ap = acts[p];
            if (w.bits != 6) ap.h = NULL;
            for (int ri = 0; ri < 5; ri++) {
                const int n0 = ranges[ri][0], n1 = ranges[ri][1];
                if (n0 >= n1) continue;
                for (int i = 0; i < M * ldy; i++) ys[p][i] = sentinel;
                kc_qgemm((kc_path)p, &w, n0, n1, &ap, M, ys[p], ldy);
                for (int i = 0; i < M; i++)
                    for (int r = 0; r < ldy; r++) {
                        const float v = ys[p][(int64_t)i * ldy + r];
                        if (r < n0 || r >= n1) {
                            CHECK(v == sentinel, "%s %s M=%d [%d,%d): wrote row %d", name, path_name[p], M, n0, n1, r);
                            continue;
                        }
                        const double err = fabs(v - yref[i * n + r]) / (mag[i * n + r] > 0 ? mag[i * n + r] : 1);
                        if (err > worst) worst = err;
                        CHECK(err <= 1e-5, "%s %s M=%d row %d,%d: %g vs %g (rel %g)", name, path_name[p], M, i, r, v, yref[i * n + r], err);
                    }
            }
            // Leave the full-range output for the comparison of paths.
            kc_qgemm((kc_path)p, &w, 0, n, &ap, M, ys[p], ldy);
        }
        for (int p = 1; p < KC_PATH_COUNT; p++)
            for (int i = 0; i < M; i++)
                for (int r = 0; r < n; r++) {
                    const double e = fabs(ys[p][(int64_t)i * ldy + r] - ys[0][(int64_t)i * ldy + r]) / (mag[i * n + r] > 0 ? mag[i * n + r] : 1);
                    if (e > worst_paths) worst_paths = e;
                    CHECK(e <= 1e-5, "%s: path %s vs portable row %d,%d rel %g", name, path_name[p], i, r, e);
                }
        for (int p = 0; p < KC_PATH_COUNT; p++) { free(ys[p]); free_acts(&acts[p]); }
        free(yref); free(mag); free(x);
    }
    printf("%-10s fmt %2d kind %d n %4d k %4d: dequantize %s; qgemm max rel err %.2e, paths %.2e\n", name, fmt,
           w.bits, n, k, bad ? "DIFFERS" : "exact", worst, worst_paths);
    free(deq); free(packed);
}

static const char *data_dir;

static void run_tests(void) {
    char mpath[512];
    snprintf(mpath, sizeof mpath, "%s/manifest.txt", data_dir);
    FILE *m = fopen(mpath, "r");
    if (!m) { perror(mpath); exit(2); }
    char name[64];
    int fmt, n, k;
    while (fscanf(m, "%63s %d %d %d", name, &fmt, &n, &k) == 4) {
        char path[512];
        size_t rs, fs;
        snprintf(path, sizeof path, "%s/%s.raw", data_dir, name);
        uint8_t *raw = load(path, &rs);
        snprintf(path, sizeof path, "%s/%s.f32", data_dir, name);
        float *ref = load(path, &fs);
        CHECK(rs == (size_t)row_bytes(fmt, k) * n && fs == (size_t)n * k * 4, "%s: sizes", name);
        test_matrix(name, fmt, n, k, raw, ref);
        // The first n' rows, n' not a multiple of 16 (padding rows in the last group).
        const int n2 = n > 40 ? n - 13 - (n % 16 == 3) : n - 1;
        char name2[80];
        snprintf(name2, sizeof name2, "%s[:%d]", name, n2);
        test_matrix(name2, fmt, n2, k, raw, ref);
        free(raw); free(ref);
    }
    fclose(m);
    // Errors: k not a multiple of 256 for K formats; unknown formats.
    uint8_t dummy[4096], out[8192];
    memset(dummy, 0, sizeof dummy);
    CHECK(kc_repack(dummy, KC_Q4_K, 1, 128, out) == -2, "Q4_K k=128 accepted");
    CHECK(kc_repack(dummy, KC_Q6_K, 1, 288, out) == -2, "Q6_K k=288 accepted");
    CHECK(kc_repack(dummy, KC_Q4_0, 1, 48, out) == -2, "Q4_0 k=48 accepted");
    CHECK(kc_repack(dummy, (kc_format)1, 1, 256, out) == -3, "format 1 accepted");
    CHECK(kc_repack(dummy, KC_Q6_K, 1, 256, out) == 0, "Q6_K k=256 refused");
    // Overflow of -128 d for Q5_0: d = 1024.
    uint8_t q5[22] = {0};
    const uint16_t big = kc_float_to_half(1024.0f);
    memcpy(q5, &big, 2);
    CHECK(kc_repack(q5, KC_Q5_0, 1, 32, out) == -1, "Q5_0 overflow not reported");
}


static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void run_bench(void) {
    static const struct { const char *name; int fmt; } fs[] = {
        {"q40", KC_Q4_0}, {"q41", KC_Q4_1}, {"q80", KC_Q8_0}, {"q50", KC_Q5_0}, {"q4k", KC_Q4_K}, {"q6k", KC_Q6_K}};
    const int n = 2048, k = 2048;
    printf("GOP/s (2*n*k*M / time), %d x %d, single thread, best of 5\n", n, k);
    printf("%-6s %-5s %10s %10s %10s\n", "format", "M", path_name[0], path_name[1], path_name[2]);
    for (int f = 0; f < 6; f++) {
        char path[512];
        size_t rs;
        snprintf(path, sizeof path, "%s/bench_%s.raw", data_dir, fs[f].name);
        uint8_t *raw = load(path, &rs);
        kc_qweights w;
        uint8_t *packed = repack(raw, fs[f].fmt, n, k, &w);
        static const int Ms[] = {1, 8};
        for (int mi = 0; mi < 2; mi++) {
            const int M = Ms[mi];
            float *x = malloc(sizeof(float) * M * k), *y = malloc(sizeof(float) * M * n);
            for (int i = 0; i < M * k; i++) x[i] = nrand();
            kc_qactivations a = alloc_acts(M, k, 1);
            kc_quantize_activations(KC_PATH_PORTABLE, x, M, k, k, &a);
            printf("%-6s %-5d", fs[f].name, M);
            for (int p = 0; p < KC_PATH_COUNT; p++) {
                const int reps = p == 0 ? (M == 1 ? 8 : 2) : (M == 1 ? 60 : 12);
                double best = 1e30;
                for (int t = 0; t < 5; t++) {
                    const double t0 = now();
                    for (int r = 0; r < reps; r++) kc_qgemm((kc_path)p, &w, 0, n, &a, M, y, n);
                    const double dt = (now() - t0) / reps;
                    if (dt < best) best = dt;
                }
                printf(" %10.2f", 2.0 * n * k * M / best * 1e-9);
            }
            printf("\n");
            fflush(stdout);
            free_acts(&a); free(x); free(y);
        }
        free(packed); free(raw);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: harness DATA_DIR [test|bench]\n"); return 2; }
    data_dir = argv[1];
    const char *mode = argc > 2 ? argv[2] : "all";
    for (int p = 0; p < KC_PATH_COUNT; p++)
        if (!kc_path_supported((kc_path)p)) { printf("path %s unsupported here\n", path_name[p]); return 2; }
    if (strcmp(mode, "bench") != 0) run_tests();
    if (strcmp(mode, "test") != 0) run_bench();
    printf(failures ? "%d FAILURES\n" : "all checks passed\n", failures);
    return failures != 0;
}
