#!/bin/sh
# KernelsC's quantized formats, checked in C against gguf-py (pip package `gguf`), without
# SwiftPM: kc_repack + kc_dequantize must equal gguf.quants.dequantize bit for bit (Q4_0, Q4_1,
# Q8_0, Q5_0, Q4_K, Q6_K: tensors of the Gemma 3 270M and SmolLM2 GGUFs, plus random blocks),
# and kc_qgemm on every path (portable, avx2, avx512; the CPU must run all three) must match a
# double-precision reference within 1e-5 of Σ|terms| for 1, 2, 3, 8, 13 activation rows, row
# ranges, and row counts that are not multiples of 16. Built twice: as is and with
# -march=haswell (the package's baseline).
#   scripts/kernels-harness/run.sh [test|bench]    (bench: GOP/s, 2048 x 2048, one thread)
set -e
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/KernelsC"
work=${KERNELS_HARNESS_DIR:-/tmp/kernels-harness}
mkdir -p "$work"
[ -f "$work/data/manifest.txt" ] || python3 "$here/dump.py" "$work/data"
for flags in "" "-march=haswell"; do
    clang -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra $flags -I"$src/include" -I"$src" \
        "$src"/repack.c "$src"/half.c "$src"/dispatch.c "$src"/kernels_portable.c \
        "$src"/kernels_avx2.c "$src"/kernels_avx512.c "$src"/rowops_portable.c \
        "$src"/rowops_avx2.c "$src"/rowops_avx512.c "$src"/gemm_bf16_avx512.c \
        "$src"/parallel_pool.c "$here/harness.c" -lm -lpthread -o "$work/harness"
    echo "== clang -O2 $flags"
    "$work/harness" "$work/data" "${1:-test}"
done
