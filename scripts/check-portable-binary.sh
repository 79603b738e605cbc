#!/usr/bin/env bash
# Checks that a built s2d runs on every x86-64-v3 CPU: AVX-512 instructions (zmm registers,
# opmask registers, registers 16-31, embedded broadcasts, AVX-512-only mnemonics) occur only in
# the functions of KernelsC's AVX-512 variant files (*_avx512.c), which the engine calls only after cpuid says
# the CPU has AVX-512 (KernelPath), and in BoringSSL's *_avx512 assembly (swift-nio-ssl), which
# BoringSSL likewise calls only after its own cpuid check.
# Usage: scripts/check-portable-binary.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-.build/release/s2d}"
objects="$(find .build/release/KernelsC.build -name '*_avx512.c.o')"
[ -f "$binary" ] || { echo "check-portable-binary: $binary not found (make build first)" >&2; exit 2; }
[ -n "$objects" ] || { echo "check-portable-binary: no *_avx512.c.o under .build/release" >&2; exit 2; }

# Functions defined in the AVX-512 variant files (static helpers included).
allowed="$(for object in $objects; do nm --defined-only "$object"; done | awk '$2 ~ /^[tT]$/ {print $3}' | sort -u)"

objdump -d --no-show-raw-insn "$binary" | awk -v allowed="$allowed" '
    BEGIN { n = split(allowed, list, "\n"); for (i = 1; i <= n; i++) ok[list[i]] = 1 }
    /^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn); next }
    /%zmm|%k[0-7]|%[xy]mm(1[6-9]|2[0-9]|3[01])|\{1to[0-9]+\}|vpternlog|vpermt2|vpermi2|vpcompress|vpexpand|vpdpbusd|vcvtne2ps2bf16|vdpbf16ps/ {
        if (fn in ok) { good[fn]++ } else if (fn ~ /^CNIOBoringSSL_.*_avx512$/) { boring[fn]++ } else { bad[fn]++ }
    }
    END {
        for (f in good) inside++
        for (f in boring) library++
        for (f in bad) { printf "AVX-512 instructions outside the AVX-512 variants: %s (%d)\n", f, bad[f]; outside++ }
        printf "functions with AVX-512 instructions: %d in the *_avx512.c variants, %d in BoringSSL (dispatched by it), %d elsewhere\n", inside, library, outside
        exit outside > 0 || inside == 0
    }'
