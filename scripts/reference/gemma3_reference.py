#!/usr/bin/env python3
r"""Reference vectors for Gemma 3 270M (base model, `gemma-3-270m-q4_k_m.gguf`) made with HF
transformers and the `gguf` Python package -- never with this project's Swift code -- for
Tests/Fixtures/reference/gemma3-270m/ (formats and key names as in ../smollm2-135m-instruct/).

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
    /tmp/torchvenv/bin/pip install transformers==5.25.0 gguf==0.19.0 numpy
    scripts/setup.sh        # fetches the model into ~/.cache/s2d/models (or $S2D_HOME/models)
    /tmp/torchvenv/bin/python scripts/reference/gemma3_reference.py \
        --gguf ~/.cache/s2d/models/gemma-3-270m-q4_k_m.gguf --out Tests/Fixtures/reference/gemma3-270m

The committed files were made with torch 2.13.0 (CPU), transformers 5.25.0, gguf 0.19.0, numpy
2.4.6, Python 3 on x86-64, two threads; a full run takes 5-10 minutes and about 6 GB of memory,
and two runs gave byte-identical files. `--only facts,tokenizer,logits,greedy,gradients` remakes
some files. After making tokenizer.json, cross-check it with SentencePiece and record where they
differ (the committed file went through this step):

    /tmp/spvenv/bin/python scripts/reference/gemma3_sentencepiece_check.py --annotate \
        ~/.cache/s2d/models/gemma-3-270m-q4_k_m.gguf Tests/Fixtures/reference/gemma3-270m/tokenizer.json

then update the sha256 lines in Tests/Fixtures/reference/PROVENANCE.md.

What it writes (see PROVENANCE.md):
  gguf_facts.json   header facts and 7 tensors' dequantized values (gguf's numpy dequantizers)
  tokenizer.json    ids of varied texts (no BOS), two chat renderings, special ids, decodes
  logits.json       4 prompts (+ logits_last_K.f32) and one ~700-token prompt past the 512 window
  greedy.json       32 greedy tokens after 3 prompts, no early stop
  gradients.json    loss and gradient statistics of 16 weights on one chat sequence

Besides the vectors it checks, and records in the files, what an engine reading the GGUF needs:
the GGUF's RMSNorm weights are HF's w + 1; attn_q / attn_k rows are in HF's order (no llama-style
permutation; RoPE is NEOX / rotate_half); the sliding window changes the long prompt's logits; and
a from-scratch float32 forward that uses the GGUF tensors as they are reproduces HF's logits.
"""
import argparse
import hashlib
import json
import math
import os
import sys
import time
from importlib.metadata import version as package_version

import gguf
import numpy as np
import torch
import torch.nn.functional as F
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"
MODEL_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
VERSIONS = (f"transformers {transformers.__version__}, torch {torch.__version__}, "
            f"gguf {package_version('gguf')}, numpy {np.__version__}")


def chat(turns, add_generation_prompt):
    """Gemma 3's turn format (the GGUF carries no chat template): `<bos>`, then per turn
    `<start_of_turn>{user|model}\\n{content}<end_of_turn>\\n`, then `<start_of_turn>model\\n` to
    prompt an answer. The role "assistant" is written "model", as Gemma's own template does."""
    text = "<bos>"
    for role, content in turns:
        text += f"<start_of_turn>{'model' if role == 'assistant' else role}\n{content}<end_of_turn>\n"
    if add_generation_prompt:
        text += "<start_of_turn>model\n"
    return text


TOKENIZER_TEXTS = [
    "Hello world",
    " Hello world",
    "Hello  world",
    "Hello world ",
    "   leading spaces",
    "trailing spaces    ",
    "a    b          c",
    "hello\nworld\n\n",
    "line1\n\n\nline2\n\n\n\n\n\nline3\n",
    "\t tab and  double  spaces   ",
    "\t\tindented\twith tabs\n\t\t\tdeeper",
    " \n \n  \n\t \n",
    " " * 32 + "x",
    "x" + " " * 40 + "y",
    "The quick brown fox jumps over the lazy dog.",
    "I'm sure it's 12345 or 3.14159, isn't it?",
    "Numbers: 0 7 42 1000000 2024-06-01 -3.5e-7 1,234,567.89",
    "Take the last letters of the words in \"Elon Musk Larry Page\" and concatenate them.",
    "A coin is heads up. Ka flips the coin. Sherrie does not flip the coin. Is the coin still heads up?",
    "def solution():\n    words = [\"Anna\", \"Smith\"]\n    return \"\".join(w[-1] for w in words)\n",
    "fn main() {\n\tlet x: Vec<u8> = vec![1, 2, 3];\n\tprintln!(\"{:?}\", x);\n}\n",
    "Wait... what?! (yes) [no] {maybe} a/b\\c | ~`@#$%^&*_+=;:'\"",
    "naïve café résumé — “quotes” ‘single’ … ellipsis",
    "Ça va? Größe, Straße, øre, Ångström, ñandú, Łódź",
    "日本語のテキストと中文文本",
    "한국어 텍스트, Привет, мир! Γειά σου κόσμε. مرحبا",
    "emoji 😀👍🏽 and 🇫🇷 flags 🤖",
    "byte fallback: \u0378 ꙮ 𓀀 ᚠᛇᚻ 𝔘𝔫𝔦 \U000F0000 \u2028",
    "controls: \x00 \x01 \x1b[0m \x7f end",
    "tokenization\u200bwith\u200bzero\u200bwidth",
    "<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n<start_of_turn>model\n",
    "<bos>text after a literal bos",
    "text with <end_of_turn> inside and <eos> at the end<eos>",
    "not special: <start_of_turn <end_of_turn <bos <eos",
    "<b>bold</b>, <s>struck</s> and <table><tr><td>cell</td></tr></table> [multimodal]",
    "UPPER lower MiXeD",
    "e-mail: someone@example.com, url: https://example.org/a?b=c&d=e",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "",
    " ",
    "\n",
]

CHAT_CASES = [
    ([("user", "What is the capital of France?")], True),
    ([("user", "Is the coin still heads up?"), ("assistant", "Yes, it is still heads up.")], False),
]

LOGIT_PROMPTS = [
    ("The quick brown fox jumps over the lazy dog.", True),
    ("Take the last letters of the words in \"Elon Musk Larry Page\" and concatenate them.", True),
    (chat([("user", "What is the capital of France?")], True), False),
    ("1, 2, 3, 4, 5,", True),
]

GREEDY_PROMPTS = [
    ("Once upon a time", True),
    (chat([("user", "Write one sentence about the sea.")], True), False),
    ("def fibonacci(n):\n", True),
]

GRADIENT_TEXT = chat([("user", "A coin is heads up. Ka flips the coin. Is the coin still heads up?"),
                      ("assistant", "No. Ka flipped it once, so it is now tails up.")], False)

# About 700 tokens of plain prose, so that positions past 512 see less in the sliding layers.
LONG_TEXT = """The lighthouse keeper's log, autumn.

Monday. The wind came round to the north-east before dawn and the sea rose with it. I trimmed the wick at four, polished the lens at six, and by seven the first fishing boats were already turning back toward the harbour. Old Tomas waved from the breakwater; he says the mackerel have gone deep and will not return until the water cools. I wrote down the barometer reading (29.6 inches, falling) and the visibility (about three miles, less in the squalls).

Tuesday. Rain all day. The supply boat did not come, so I counted what is left in the store room: eleven tins of paraffin, four sacks of flour, a crate of potatoes that has begun to sprout, two hundred and forty matches, and one jar of the plum jam my sister sends every spring. I mended the latch on the lantern-room door, which has rattled since August, and read the almanac by the stove. According to the tables the spring tide falls on Friday, and the moon will be full the night before.

Wednesday. Clear at last. From the gallery I could see the whole coast, from the cliffs at Carrow Point to the white church tower in the village. Three gannets worked the water below the rocks, folding their wings and dropping like stones. In the afternoon a small yacht with a red sail tacked back and forth across the bay for an hour, as if her skipper could not decide where to go, and then ran off to the south before the breeze. I cleaned the brass, oiled the clockwork that turns the lens, and tested the fog bell. It still sounds flat.

Thursday. The inspector arrived unannounced on the morning boat. He climbed the one hundred and twelve steps without stopping, which I have never managed, and asked to see the log, the stores list and the lamp. He ran a gloved finger along the lens frame and found nothing, which seemed to disappoint him. He asked how many ships had passed in the last month (I counted forty-three in the log), whether the fog bell had been rung during the mist of the ninth (it had, for six hours), and whether I was lonely. I told him the truth: some evenings more than others. He wrote for a long time in a small black notebook and left on the afternoon tide.

Friday. Spring tide, as the almanac promised. The water came higher up the slipway than I have seen it since I arrived, and it carried in a tangle of rope, a broken oar, and a wooden fish box stamped with the name of a town two hundred miles to the north. I dragged the box above the tide line to dry; it will make good kindling. In the evening the supply boat finally came, and with it a letter from my sister, a new pair of boots, and the news that the village school has a teacher again.

Saturday. Calm and cold. I spent the morning splitting the fish box and the afternoon writing a reply to my sister. I told her about the inspector, the gannets, the yacht with the red sail, and the boots, which fit. I did not tell her about the evenings. At sunset the light went on at the first turn of the key, and the beam swept out across the quiet water, once every ten seconds, as it has every night for ninety years. Somewhere beyond the horizon a ship I will never see is counting the flashes, and knows where it is."""

SLIDING_WINDOW_OFF = 1 << 30


# ----------------------------------------------------------------------------------------- helpers

def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def write_json(out, name, obj):
    with open(os.path.join(out, name), "w") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
    print(f"wrote {name}", flush=True)


def floats(values):
    return [float(v) for v in values]


def dequantized(reader_tensor):
    """Numpy [rows, columns] float32 values of a GGUF tensor, from the gguf package's dequantizers."""
    values = gguf.dequantize(reader_tensor.data, reader_tensor.tensor_type).astype(np.float32)
    shape = [int(d) for d in reversed(reader_tensor.shape)]
    return values.reshape(shape)


def tensors_by_name(reader):
    return {t.name: t for t in reader.tensors}


def metadata_value(reader, key):
    field = reader.fields.get(key)
    return None if field is None else field.contents()


# ----------------------------------------------------------------------------------------- gguf facts

FACT_TENSORS = [
    "token_embd.weight",          # Q8_0, also the output head (tied)
    "blk.0.attn_q.weight",        # Q5_0
    "blk.0.attn_v.weight",        # Q8_0
    "blk.0.attn_output.weight",   # Q4_K
    "blk.0.ffn_down.weight",      # Q6_K
    "blk.0.attn_q_norm.weight",   # F32, stored as 1 + w
    "output_norm.weight",         # F32, stored as 1 + w
]


def gguf_facts(path, reader):
    tensors = tensors_by_name(reader)
    facts = {
        "file": MODEL_FILE,
        "sha256": sha256(path),
        "size_bytes": os.path.getsize(path),
        "tensor_count": len(reader.tensors),
        "architecture": metadata_value(reader, "general.architecture"),
        "tensors": {},
    }
    assert facts["sha256"] == MODEL_SHA256, facts["sha256"]
    for name in FACT_TENSORS:
        tensor = tensors[name]
        values = dequantized(tensor)
        flat = values.reshape(-1)
        facts["tensors"][name] = {
            "type": tensor.tensor_type.name,
            "gguf_shape": [int(d) for d in tensor.shape],
            "numpy_shape": list(values.shape),
            "first16": floats(flat[:16]),
            "row1_first8": floats(values[1, :8]) if values.ndim == 2 else None,
            "sum": float(np.sum(flat, dtype=np.float64)),
            "abs_sum": float(np.sum(np.abs(flat), dtype=np.float64)),
        }
    facts["note"] = ("Values from the gguf package's numpy dequantizers (float32; sums in float64). "
                     "numpy_shape is [rows, columns] = [out, in]; gguf_shape lists dimensions innermost "
                     "first. The F32 norm weights are stored as 1 + w (HF's Gemma3RMSNorm weight w; "
                     "see gradients.json).")
    return facts


# ----------------------------------------------------------------------------------------- tokenizer

def tokenizer_vectors(tokenizer, reader):
    tokens = metadata_value(reader, "tokenizer.ggml.tokens")
    types = metadata_value(reader, "tokenizer.ggml.token_type")
    control = {t for t, k in zip(tokens, types) if k == 3}
    vectors = []
    for text in TOKENIZER_TEXTS:
        ids = tokenizer.encode(text, add_special_tokens=False)
        entry = {"text": text, "ids": ids, "pieces": tokenizer.convert_ids_to_tokens(ids)}
        literal = sorted({t for t in control if t in text})
        if literal or "<start_of_turn" in text or "<bos" in text:
            parsed = [tokens[i] for i in ids if types[i] == 3]
            entry["parsed_as_special"] = parsed
        vectors.append(entry)
        decoded = tokenizer.decode(ids)
        assert decoded == text, (text, decoded)
    chats = []
    for turns, add_generation_prompt in CHAT_CASES:
        text = chat(turns, add_generation_prompt)
        chats.append({
            "messages": [{"role": r, "content": c} for r, c in turns],
            "add_generation_prompt": add_generation_prompt,
            "text": text,
            "ids": tokenizer.encode(text, add_special_tokens=False),
        })
    index = {t: i for i, t in enumerate(tokens)}
    byte = {b: index[f"<0x{b:02X}>"] for b in range(256)}
    hello, world = tokenizer.convert_tokens_to_ids(["Hello", "▁world"])
    decode_ids = [
        [byte[b] for b in "€".encode()],
        [byte[b] for b in "😀".encode()],
        [hello] + [byte[b] for b in "€".encode()] + [world],
        [byte[0xE2], byte[0x82]],                    # truncated UTF-8
        [byte[0xFF], hello],                         # a byte that starts no UTF-8 sequence
        [world],                                     # a leading U+2581 piece is not stripped
        [138, hello, 139, 107, 108, 255969],        # whitespace pieces
        tokenizer.encode(chat([("user", "Hi")], True), add_special_tokens=False),
    ]
    decode_checks = []
    for ids in decode_ids:
        decode_checks.append({"ids": ids, "pieces": tokenizer.convert_ids_to_tokens(ids),
                              "text": tokenizer.decode(ids)})
        if any(types[i] == 3 for i in ids):
            decode_checks.append({"ids": ids, "skip_special_tokens": True,
                                  "text": tokenizer.decode(ids, skip_special_tokens=True)})
    names = ["<bos>", "<eos>", "<pad>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>",
             "<start_of_image>", "<end_of_image>", "[multimodal]"]
    type_names = {1: "normal", 2: "unknown", 3: "control", 4: "user_defined", 5: "unused", 6: "byte"}
    counts = {type_names[k]: int(n) for k, n in zip(*np.unique(np.array(types), return_counts=True))}
    return {
        "source": f"HF transformers tokenizer converted from the GGUF metadata ({VERSIONS}); "
                  "ids without BOS (add_special_tokens=False); cross-checked with SentencePiece",
        "vectors": vectors,
        "chat_template": chats,
        "bos_id": tokenizer.bos_token_id,
        "eos_id": tokenizer.eos_token_id,
        "pad_id": tokenizer.pad_token_id,
        "unk_id": tokenizer.unk_token_id,
        "start_of_turn_id": tokenizer.convert_tokens_to_ids("<start_of_turn>"),
        "end_of_turn_id": tokenizer.convert_tokens_to_ids("<end_of_turn>"),
        "add_bos": bool(tokenizer("x")["input_ids"][0] == tokenizer.bos_token_id),
        "gguf_add_bos_token": metadata_value(reader, "tokenizer.ggml.add_bos_token"),
        "gguf_add_eos_token": metadata_value(reader, "tokenizer.ggml.add_eos_token"),
        "gguf_add_space_prefix": metadata_value(reader, "tokenizer.ggml.add_space_prefix"),
        "vocab_size": len(tokens),
        "special_tokens": {n: {"id": index[n], "gguf_token_type": type_names[types[index[n]]]}
                           for n in names},
        "gguf_token_type_counts": counts,
        "decode_checks": decode_checks,
        "chat_format": "Gemma 3 turn format; the GGUF has no tokenizer.chat_template: "
                       "<bos><start_of_turn>user\\n{content}<end_of_turn>\\n ... "
                       "<start_of_turn>model\\n{answer}<end_of_turn>\\n; role assistant is written 'model'; "
                       "add_generation_prompt appends <start_of_turn>model\\n. Gemma's own template folds a "
                       "system message into the first user turn ({system}\\n\\n{user}); no case here has one.",
        "note": "add_bos: HF's tokenizer prepends <bos> (id 2) with add_special_tokens=True, as the GGUF's "
                "add_bos_token says; chat texts carry <bos> literally and are encoded without adding one. "
                "HF parses control tokens (type control in the GGUF) written literally in text as single "
                "special tokens ('parsed_as_special' lists them per vector), and user-defined tokens (newline "
                "and tab runs, HTML tags like <b> and <s>, [multimodal], <start_of_image>) as single tokens too. "
                "Runs of 2-31 spaces are single tokens (ids 138-167); the GGUF spells them with real spaces, HF "
                "with U+2581. pieces are HF's token strings (U+2581 for a space). SentencePiece, given the same "
                "vocabulary (scripts/reference/gemma3_sentencepiece_check.py), agrees on every vector and decode "
                "except runs of 32 or more spaces, which it (and llama.cpp, which cuts user-defined tokens out "
                "longest first) splits 31 first while HF's BPE pairs them up; those vectors carry SentencePiece's "
                "ids as sentencepiece_ids (added by that script with --annotate; ids stay HF's).",
    }


# ----------------------------------------------------------------------------------------- model

def load_model(path):
    model = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(path)),
                                                 gguf_file=os.path.basename(path), dtype=torch.float32,
                                                 attn_implementation="eager")
    model.eval()
    assert model.config._attn_implementation == "eager"
    return model


@torch.no_grad()
def all_logits(model, ids):
    return model(torch.tensor([ids])).logits[0].float()


def logit_case(prompt, ids, logits):
    last = logits[-1].double()
    top = torch.topk(logits[-1], 20)
    return {
        "prompt": prompt,
        "ids": ids,
        "last_top20": [[int(i), float(v)] for v, i in zip(top.values, top.indices)],
        "per_position_argmax": [int(i) for i in logits.argmax(-1)],
        "per_position_max": floats(logits.max(-1).values),
        "last_logsumexp": float(torch.logsumexp(last, 0)),
    }


def prompt_ids(tokenizer, text, add_bos):
    return tokenizer(text, add_special_tokens=add_bos)["input_ids"]


def set_sliding_window(model, window):
    model.config.sliding_window = window
    for layer in model.model.layers:
        if layer.self_attn.is_sliding:
            layer.self_attn.sliding_window = window


def config_facts(model, tokenizer):
    c = model.config
    embed = model.model.embed_tokens
    return {
        "model_type": c.model_type,
        "hidden_size": c.hidden_size, "intermediate_size": c.intermediate_size,
        "num_hidden_layers": c.num_hidden_layers, "num_attention_heads": c.num_attention_heads,
        "num_key_value_heads": c.num_key_value_heads, "head_dim": c.head_dim, "vocab_size": c.vocab_size,
        "rms_norm_eps": c.rms_norm_eps, "hidden_activation": c.hidden_activation,
        "query_pre_attn_scalar": c.query_pre_attn_scalar,
        "attention_scaling": model.model.layers[0].self_attn.scaling,
        "embed_scale": float(embed.embed_scale.to(torch.float32)),
        "embed_scale_is_float32_sqrt_hidden_size": float(embed.embed_scale) == float(np.float32(math.sqrt(c.hidden_size))),
        "rope_parameters": c.rope_parameters,
        "sliding_window": c.sliding_window,
        "layer_types": list(c.layer_types),
        "final_logit_softcapping": c.final_logit_softcapping,
        "attn_logit_softcapping": c.attn_logit_softcapping,
        "use_bidirectional_attention": c.use_bidirectional_attention,
        "tie_word_embeddings": c.tie_word_embeddings,
        "max_position_embeddings": c.max_position_embeddings,
        "embedding_padding_idx": embed.padding_idx,
        "attn_implementation": c._attn_implementation,
        "sliding_mask": "query i attends to keys j with i - 512 < j <= i (512 keys including itself), "
                        "transformers.masking_utils.sliding_window_overlay: kv_idx > q_idx - sliding_window",
    }


# An independent float32 forward from the GGUF tensors as they are stored: norm weights used as the
# multiplier directly (they already hold 1 + w), attn_q/attn_k rows unpermuted with NEOX RoPE.
class GGUFForward:
    def __init__(self, reader, config):
        tensors = tensors_by_name(reader)
        self.w = {name: torch.from_numpy(dequantized(t)) for name, t in tensors.items()}
        self.config = config
        self.norm_offset, self.rope_style = 0.0, "neox"  # the variants in logits_vectors show what each fact is worth

    def rms(self, x, weight, eps):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * (weight + self.norm_offset)

    def rope(self, x, positions, theta):
        half = x.shape[-1] // 2
        inv = 1.0 / (theta ** (torch.arange(0, 2 * half, 2, dtype=torch.float32) / (2 * half)))
        angles = positions[:, None].float() * inv[None, :]
        if self.rope_style == "interleaved":  # llama.cpp's "normal" RoPE: dimension 2i pairs with 2i + 1
            cos, sin = angles.cos().repeat_interleave(2, -1), angles.sin().repeat_interleave(2, -1)
            rotated = torch.stack([-x[..., 1::2], x[..., 0::2]], -1).flatten(-2)
        else:  # NEOX / HF rotate_half: dimension i pairs with i + half
            cos, sin = torch.cat([angles.cos()] * 2, -1), torch.cat([angles.sin()] * 2, -1)
            rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
        return x * cos[:, None, :] + rotated * sin[:, None, :]

    @torch.no_grad()
    def logits(self, ids, window):
        c, w = self.config, self.w
        eps, heads, kv, hd = c.rms_norm_eps, c.num_attention_heads, c.num_key_value_heads, c.head_dim
        n = len(ids)
        pos = torch.arange(n)
        x = w["token_embd.weight"][torch.tensor(ids)] * torch.tensor(math.sqrt(c.hidden_size), dtype=torch.float32)
        causal = pos[None, :] <= pos[:, None]
        local = causal & (pos[None, :] > pos[:, None] - window)
        for layer in range(c.num_hidden_layers):
            p = f"blk.{layer}."
            is_global = layer % 6 == 5
            theta = 1_000_000.0 if is_global else 10_000.0
            h = self.rms(x, w[p + "attn_norm.weight"], eps)
            q = (h @ w[p + "attn_q.weight"].T).view(n, heads, hd)
            k = (h @ w[p + "attn_k.weight"].T).view(n, kv, hd)
            v = (h @ w[p + "attn_v.weight"].T).view(n, kv, hd)
            q = self.rope(self.rms(q, w[p + "attn_q_norm.weight"], eps), pos, theta)
            k = self.rope(self.rms(k, w[p + "attn_k_norm.weight"], eps), pos, theta)
            k, v = k.repeat_interleave(heads // kv, 1), v.repeat_interleave(heads // kv, 1)
            scores = torch.einsum("qhd,khd->hqk", q, k) * c.query_pre_attn_scalar ** -0.5
            scores = scores.masked_fill(~(causal if is_global else local), float("-inf"))
            o = torch.einsum("hqk,khd->qhd", scores.softmax(-1), v).reshape(n, heads * hd)
            x = x + self.rms(o @ w[p + "attn_output.weight"].T, w[p + "post_attention_norm.weight"], eps)
            h = self.rms(x, w[p + "ffn_norm.weight"], eps)
            m = F.gelu(h @ w[p + "ffn_gate.weight"].T, approximate="tanh") * (h @ w[p + "ffn_up.weight"].T)
            x = x + self.rms(m @ w[p + "ffn_down.weight"].T, w[p + "post_ffw_norm.weight"], eps)
        x = self.rms(x, w["output_norm.weight"], eps)
        return x @ w["token_embd.weight"].T


def logits_vectors(model, tokenizer, reader, out):
    cases = []
    for index, (prompt, add_bos) in enumerate(LOGIT_PROMPTS):
        ids = prompt_ids(tokenizer, prompt, add_bos)
        logits = all_logits(model, ids)
        case = logit_case(prompt, ids, logits)
        case["add_bos"] = add_bos
        cases.append(case)
        logits[-1].numpy().astype("<f4").tofile(os.path.join(out, f"logits_last_{index}.f32"))
        print(f"logits case {index}: {len(ids)} tokens", flush=True)

    ids = prompt_ids(tokenizer, LONG_TEXT, True)
    assert 640 <= len(ids) <= 800 and len(ids) > model.config.sliding_window, len(ids)
    logits = all_logits(model, ids)
    long_case = logit_case(LONG_TEXT, ids, logits)
    long_case["add_bos"] = True

    # The sliding window must matter here: the same forward with the window made huge.
    window = model.config.sliding_window
    set_sliding_window(model, SLIDING_WINDOW_OFF)
    unwindowed = all_logits(model, ids)
    short = all_logits(model, cases[0]["ids"])
    set_sliding_window(model, window)
    diff = (logits - unwindowed).abs()
    inside = diff[:window].max().item()
    beyond = diff[window:].max(-1).values
    long_case["sliding_window_check"] = {
        "tokens": len(ids),
        "sliding_window": window,
        "max_abs_diff_positions_below_window": inside,
        "max_abs_diff_last_position": diff[-1].max().item(),
        "mean_abs_diff_last_position": diff[-1].mean().item(),
        "max_abs_diff_positions_from_window": beyond.max().item(),
        "argmax_changes_from_window": int((logits[window:].argmax(-1) != unwindowed[window:].argmax(-1)).sum()),
        "last_logsumexp_without_window": float(torch.logsumexp(unwindowed[-1].double(), 0)),
        "last_top20_without_window": logit_case(LONG_TEXT, ids, unwindowed[-1:])["last_top20"],
        "short_prompt_max_abs_diff": (short[-1] - torch.from_numpy(np.fromfile(os.path.join(out, "logits_last_0.f32"), "<f4"))).abs().max().item(),
        "how": "the same HF forward with config.sliding_window and each sliding layer's sliding_window set to 2^30",
    }
    assert inside == 0.0 and diff[-1].max().item() > 1e-2, long_case["sliding_window_check"]
    print("sliding window check:", json.dumps(long_case["sliding_window_check"])[:400], flush=True)

    # A second, independent forward from the GGUF tensors as stored.
    forward = GGUFForward(reader, model.config)
    independent = {}
    for name, case in [("case_2_chat", cases[2]), ("long_case", long_case)]:
        ours = forward.logits(case["ids"], window)
        hf = logits if name == "long_case" else all_logits(model, case["ids"])
        independent[name] = {
            "max_abs_diff": (ours - hf).abs().max().item(),
            "argmax_equal_everywhere": bool((ours.argmax(-1) == hf.argmax(-1)).all()),
            "last_logsumexp": float(torch.logsumexp(ours[-1].double(), 0)),
        }
    ours = forward.logits(long_case["ids"], SLIDING_WINDOW_OFF)
    independent["long_case_without_window"] = {"max_abs_diff": (ours - unwindowed).abs().max().item()}
    hf = all_logits(model, cases[2]["ids"])
    variants = {}
    for name, offset, style in [("norm_weight_used_as_1_plus_stored", 1.0, "neox"),
                                ("rope_interleaved_pairs_on_stored_rows", 0.0, "interleaved")]:
        forward.norm_offset, forward.rope_style = offset, style
        ours = forward.logits(cases[2]["ids"], window)
        variants[name] = {"max_abs_diff": (ours - hf).abs().max().item(),
                          "argmax_agreement": float((ours.argmax(-1) == hf.argmax(-1)).float().mean())}
    forward.norm_offset, forward.rope_style = 0.0, "neox"
    print("wrong variants:", variants, flush=True)
    print("independent forward:", independent, flush=True)
    for check in independent.values():
        assert check["max_abs_diff"] < 1e-2, independent
    del forward

    write_json(out, "logits.json", {
        "source": f"HF transformers float32 forward of the dequantized GGUF, attn_implementation eager ({VERSIONS})",
        "cases": cases,
        "note": "logits_last_K.f32 is the full last-position logit vector of case K, little-endian float32 "
                "(262144 values). ids include BOS: added by the tokenizer where add_bos, written literally "
                "as <bos> in the chat case. long_case (no .f32) is longer than the 512-token sliding window.",
        "long_case": long_case,
        "independent_forward_check": {
            "what": "a from-scratch float32 forward (this script's GGUFForward) that uses the GGUF tensors as "
                    "stored: RMSNorm multiplies by the stored weight directly (it holds 1 + w), attn_q/attn_k "
                    "rows unpermuted with NEOX (rotate_half) RoPE, theta 1e6 on layers 5/11/17 and 1e4 "
                    "elsewhere, sliding window 512 on the others, embeddings times float32 sqrt(640), "
                    "scores times 256^-0.5, GELU-tanh, no softcapping, tied head",
            **independent,
            "wrong_variants_on_case_2": variants,
        },
        "config": config_facts(model, tokenizer),
    })
    return cases


def greedy_vectors(model, tokenizer, out):
    cases = []
    for prompt, add_bos in GREEDY_PROMPTS:
        ids = prompt_ids(tokenizer, prompt, add_bos)
        sequence = list(ids)
        with torch.no_grad():
            for _ in range(32):  # full recompute each step: no cache, no early stop
                logits = model(torch.tensor([sequence]), logits_to_keep=1, use_cache=False).logits[0, -1]
                sequence.append(int(logits.argmax()))
        new = sequence[len(ids):]
        cases.append({"prompt": prompt, "prompt_ids": ids, "greedy_ids": new, "greedy_text": tokenizer.decode(new)})
        print("greedy:", repr(tokenizer.decode(new)), flush=True)
    write_json(out, "greedy.json", {
        "source": f"HF transformers float32 greedy decoding (argmax, full recompute per step), 32 new tokens, "
                  f"no early stop ({VERSIONS})",
        "cases": cases,
    })


GRADIENT_WEIGHTS = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.layers.0.self_attn.q_proj.weight": None,
    "model.layers.0.self_attn.k_proj.weight": None,
    "model.layers.0.self_attn.v_proj.weight": None,
    "model.layers.0.self_attn.o_proj.weight": None,
    "model.layers.0.self_attn.q_norm.weight": None,
    "model.layers.0.self_attn.k_norm.weight": None,
    "model.layers.0.input_layernorm.weight": None,
    "model.layers.0.post_attention_layernorm.weight": None,
    "model.layers.0.pre_feedforward_layernorm.weight": None,
    "model.layers.0.post_feedforward_layernorm.weight": None,
    "model.layers.0.mlp.gate_proj.weight": None,
    "model.layers.0.mlp.up_proj.weight": None,
    "model.layers.0.mlp.down_proj.weight": None,
    "model.layers.5.self_attn.q_proj.weight": None,
    "model.norm.weight": "output_norm.weight",
}

HF_TO_GGUF = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.layers.N.self_attn.q_proj.weight": "blk.N.attn_q.weight",
    "model.layers.N.self_attn.k_proj.weight": "blk.N.attn_k.weight",
    "model.layers.N.self_attn.v_proj.weight": "blk.N.attn_v.weight",
    "model.layers.N.self_attn.o_proj.weight": "blk.N.attn_output.weight",
    "model.layers.N.self_attn.q_norm.weight": "blk.N.attn_q_norm.weight",
    "model.layers.N.self_attn.k_norm.weight": "blk.N.attn_k_norm.weight",
    "model.layers.N.input_layernorm.weight": "blk.N.attn_norm.weight",
    "model.layers.N.post_attention_layernorm.weight": "blk.N.post_attention_norm.weight",
    "model.layers.N.pre_feedforward_layernorm.weight": "blk.N.ffn_norm.weight",
    "model.layers.N.post_feedforward_layernorm.weight": "blk.N.post_ffw_norm.weight",
    "model.layers.N.mlp.gate_proj.weight": "blk.N.ffn_gate.weight",
    "model.layers.N.mlp.up_proj.weight": "blk.N.ffn_up.weight",
    "model.layers.N.mlp.down_proj.weight": "blk.N.ffn_down.weight",
    "model.norm.weight": "output_norm.weight",
}


def gguf_name(hf_name):
    parts = hf_name.split(".")
    if len(parts) > 2 and parts[1] == "layers":
        pattern = ".".join("N" if i == 2 else p for i, p in enumerate(parts))
        return HF_TO_GGUF[pattern].replace(".N.", f".{parts[2]}.")
    return HF_TO_GGUF[hf_name]


def weight_checks(model, reader):
    """(a) norm weights: GGUF = 1 + HF; (b) attn_q/attn_k rows: GGUF order = HF order."""
    tensors = tensors_by_name(reader)
    params = dict(model.named_parameters())
    norms = {}
    worst = 0.0
    for hf_name, param in params.items():
        if not hf_name.endswith("norm.weight"):
            continue
        stored = dequantized(tensors[gguf_name(hf_name)])
        hf = param.detach().numpy()
        worst = max(worst, float(np.abs(stored - 1.0 - hf).max()))
        if hf_name in ("model.layers.0.input_layernorm.weight", "model.layers.0.self_attn.q_norm.weight", "model.norm.weight"):
            norms[hf_name] = {"gguf_name": gguf_name(hf_name), "gguf_first4": floats(stored[:4]),
                              "hf_first4": floats(hf[:4]), "gguf_mean": float(stored.mean()), "hf_mean": float(hf.mean())}
    count = sum(1 for n in params if n.endswith("norm.weight"))
    checks = {"norm_weights": {
        "claim": "GGUF RMSNorm weights hold 1 + w (llama.cpp's converter adds 1); HF's Gemma3RMSNorm computes "
                 "x_normed * (1 + w) and transformers' GGUF loader subtracts 1 again",
        "tensors_compared": count,
        "max_abs_of_gguf_minus_1_minus_hf": worst,
        "examples": norms,
    }}

    def permuted(w, heads):  # llama.cpp's LLaMA permutation (interleaved -> halves), for contrast
        return w.reshape(heads, 2, w.shape[0] // heads // 2, w.shape[1]).swapaxes(1, 2).reshape(w.shape)

    qk = {}
    for hf_name, heads in [("model.layers.0.self_attn.q_proj.weight", model.config.num_attention_heads),
                           ("model.layers.0.self_attn.k_proj.weight", model.config.num_key_value_heads),
                           ("model.layers.5.self_attn.q_proj.weight", model.config.num_attention_heads)]:
        stored = dequantized(tensors[gguf_name(hf_name)])
        hf = params[hf_name].detach().numpy()
        qk[hf_name] = {"gguf_name": gguf_name(hf_name), "shape_out_in": list(hf.shape),
                       "max_abs_diff_as_stored": float(np.abs(stored - hf).max()),
                       "max_abs_diff_if_llama_permuted": float(np.abs(permuted(stored, heads) - hf).max())}
    checks["qk_rows"] = {
        "claim": "attn_q / attn_k rows are in HF's order (llama.cpp does not permute gemma3); RoPE is NEOX "
                 "(rotate_half: dimension i pairs with i + head_dim/2)",
        **qk,
    }
    embed = dequantized(tensors["token_embd.weight"])
    checks["token_embd"] = {"max_abs_diff_hf_embed_tokens": float(np.abs(embed - params["model.embed_tokens.weight"].detach().numpy()).max()),
                            "lm_head_is_embed_tokens": model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()}
    del embed
    return checks


def gradient_vectors(model, tokenizer, reader, out):
    checks = weight_checks(model, reader)
    print("weight checks:", json.dumps(checks)[:600], flush=True)
    assert checks["norm_weights"]["max_abs_of_gguf_minus_1_minus_hf"] < 1e-6
    for name, check in checks["qk_rows"].items():
        if isinstance(check, dict):
            assert check["max_abs_diff_as_stored"] == 0.0 and check["max_abs_diff_if_llama_permuted"] > 0.1, check
    ids = tokenizer.encode(GRADIENT_TEXT, add_special_tokens=False)
    assert 35 <= len(ids) <= 48, len(ids)
    input_ids = torch.tensor([ids])
    labels = input_ids.clone()
    labels[0, :-8] = -100
    model.train(False)
    model.zero_grad(set_to_none=True)
    for p in model.parameters():
        p.requires_grad_(True)
    output = model(input_ids, labels=labels, use_cache=False)
    output.loss.backward()
    params = dict(model.named_parameters())
    grads = {}
    for hf_name in GRADIENT_WEIGHTS:
        g = params[hf_name].grad.detach().double()
        row0 = g[0, :8] if g.ndim == 2 else g[:8]
        grads[hf_name] = {
            "gguf_name": gguf_name(hf_name),
            "shape_out_in": list(g.shape),
            "sum": float(g.sum()),
            "abs_sum": float(g.abs().sum()),
            "norm": float(g.norm()),
            "row0_first8": floats(row0),
        }
    embed_grad = params["model.embed_tokens.weight"].grad
    grads["model.embed_tokens.weight"]["token_rows_first8"] = {
        str(token): floats(embed_grad[token, :8]) for token in (ids[0], ids[-2], 14864)}
    write_json(out, "gradients.json", {
        "source": f"HF transformers float32 backward (dequantized weights, tied embeddings, eager attention) ({VERSIONS})",
        "text": GRADIENT_TEXT,
        "ids": ids,
        "loss_mask": "cross-entropy on the last 8 target positions only (labels[:-8] = -100, shifted as HF does: "
                     "token t predicts t+1)",
        "loss": output.loss.item(),
        "grads": grads,
        "hf_to_gguf": HF_TO_GGUF,
        "checks": checks,
        "note": "Gradients are keyed by HF parameter name; gguf_name and hf_to_gguf give the GGUF tensor. "
                "(a) The GGUF stores each RMSNorm weight as 1 + w where HF's parameter is w (checks.norm_weights); "
                "since the stored value is w + 1, the gradient with respect to the stored GGUF weight equals the "
                "gradient with respect to HF's w given here. (b) attn_q/attn_k rows are not permuted relative to "
                "HF (checks.qk_rows), so these gradients apply row for row to the GGUF tensors; RoPE is NEOX. "
                "(c) token_embd is also the output head: its gradient sums the lookup path (scaled by "
                "float32 sqrt(640)) and the head path. HF's embedding has padding_idx = 0 (<pad>), so row 0's "
                "lookup gradient would be dropped; this sequence has no <pad>. row0_first8 is row 0's first 8 "
                "values for matrices (row 0 of token_embd is <pad>: head path only), the first 8 values for "
                "vectors; token_embd's token_rows_first8 gives the rows of <bos>, <end_of_turn> and 'coin' "
                "(14864), which get both paths. Layer 5 is a global (full-attention) layer, layer 0 a sliding "
                "one (the 512 window does not bite at this length).",
    })


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gguf", default=os.path.expanduser(f"~/.cache/s2d/models/{MODEL_FILE}"))
    parser.add_argument("--out", default="Tests/Fixtures/reference/gemma3-270m")
    parser.add_argument("--only", default="facts,tokenizer,logits,greedy,gradients")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    only = set(args.only.split(","))
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    print(VERSIONS, flush=True)
    reader = gguf.GGUFReader(args.gguf)
    if "facts" in only:
        write_json(args.out, "gguf_facts.json", gguf_facts(args.gguf, reader))
    tokenizer = AutoTokenizer.from_pretrained(os.path.dirname(os.path.abspath(args.gguf)),
                                              gguf_file=os.path.basename(args.gguf))
    if "tokenizer" in only:
        write_json(args.out, "tokenizer.json", tokenizer_vectors(tokenizer, reader))
    if only & {"logits", "greedy", "gradients"}:
        model = load_model(args.gguf)
        print(f"model loaded after {time.time() - started:.0f} s", flush=True)
        if "logits" in only:
            logits_vectors(model, tokenizer, reader, args.out)
        if "greedy" in only:
            greedy_vectors(model, tokenizer, args.out)
        if "gradients" in only:
            gradient_vectors(model, tokenizer, reader, args.out)
    print(f"done in {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
