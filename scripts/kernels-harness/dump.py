# Dumps GGML tensors (real, from GGUF files, and random blocks) with gguf's dequantization:
# data/NAME.raw (GGML blocks), data/NAME.f32 (float32 [n, k]), and manifest.txt (NAME fmt n k).
# Usage: python3 dump.py OUT_DIR  (GGUF files from $S2D_MODELS, default ~/.cache/s2d/models)
import os, sys, gguf, numpy as np
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize, quantize
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
models = os.environ.get("S2D_MODELS", os.path.expanduser("~/.cache/s2d/models"))
man = []
def save(name, qtype, raw, n, k):
    raw = np.ascontiguousarray(raw, dtype=np.uint8).reshape(n, -1)
    ref = dequantize(raw, qtype).astype(np.float32).reshape(n, k)
    raw.tofile(f"{out}/{name}.raw"); ref.tofile(f"{out}/{name}.f32")
    man.append(f"{name} {int(qtype)} {n} {k}")
    print(name, qtype.name, n, k, "neg zeros:", int(np.sum(np.signbit(ref) & (ref == 0))))

g = gguf.GGUFReader(f"{models}/gemma-3-270m-q4_k_m.gguf")
s = gguf.GGUFReader(f"{models}/SmolLM2-135M-Instruct.Q4_1.gguf")
def real(reader, tname, name):
    t = next(t for t in reader.tensors if t.name == tname)
    k, n = int(t.shape[0]), int(t.shape[1])
    save(name, t.tensor_type, t.data, n, k)
real(g, "blk.0.attn_output.weight", "gemma_q4k")
real(g, "blk.0.ffn_down.weight", "gemma_q6k")
real(g, "blk.0.attn_q.weight", "gemma_q50")
real(g, "blk.0.attn_v.weight", "gemma_q80")
real(s, "blk.0.attn_k.weight", "smol_q41")
rng = np.random.default_rng(1)
w = rng.standard_normal((100, 640)).astype(np.float32)
save("synth_q40", T.Q4_0, quantize(w, T.Q4_0), 100, 640)

# Random blocks: every code pattern is valid; fp16 fields random finite (both signs, some
# subnormal and zero).
def rand_half(shape):
    v = rng.standard_normal(shape) * np.exp(rng.uniform(-12, 1, shape))
    v[rng.random(shape) < 0.02] = 0.0
    return v.astype(np.float16).view(np.uint8).reshape(shape + (2,))
def rand_blocks(qtype, n, k):
    bs, ts = gguf.GGML_QUANT_SIZES[qtype]
    nb = n * k // bs
    b = rng.integers(0, 256, (nb, ts), dtype=np.uint8)
    if qtype in (T.Q4_0, T.Q8_0, T.Q5_0): b[:, 0:2] = rand_half((nb,))
    elif qtype in (T.Q4_1, T.Q4_K): b[:, 0:2] = rand_half((nb,)); b[:, 2:4] = rand_half((nb,))
    elif qtype == T.Q6_K: b[:, 208:210] = rand_half((nb,))
    return b.reshape(n, -1)
for qt, nm in [(T.Q4_0, "q40"), (T.Q4_1, "q41"), (T.Q8_0, "q80"), (T.Q5_0, "q50"), (T.Q4_K, "q4k"), (T.Q6_K, "q6k")]:
    save("rand_" + nm, qt, rand_blocks(qt, 37, 512), 37, 512)
open(f"{out}/manifest.txt", "w").write("\n".join(man) + "\n")

# Benchmark matrices: 2048 x 2048, random codes, sane scales (raw only).
for qt, nm in [(T.Q4_0, "q40"), (T.Q4_1, "q41"), (T.Q8_0, "q80"), (T.Q5_0, "q50"), (T.Q4_K, "q4k"), (T.Q6_K, "q6k")]:
    b = rand_blocks(qt, 2048, 2048)
    if qt == T.Q6_K: b.reshape(-1, 210)[:, 208:210] = np.full(1, 0.001, np.float16).view(np.uint8)
    elif qt != T.Q4_K: b.reshape(-1, gguf.GGML_QUANT_SIZES[qt][1])[:, 0:2] = np.full(1, 0.01, np.float16).view(np.uint8)
    b.tofile(f"{out}/bench_{nm}.raw")
