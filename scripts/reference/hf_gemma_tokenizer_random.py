#!/usr/bin/env python3
"""Random-text tokenization vectors for Gemma 3 270M from HF transformers (independent of our
Swift code), for ../shared/reference/gemma3-270m/tokenizer_random.json.

    python3 -m venv /tmp/hf && /tmp/hf/bin/pip install transformers tokenizers gguf sentencepiece protobuf
    /tmp/hf/bin/python scripts/reference/hf_gemma_tokenizer_random.py gemma-3-270m-q4_k_m.gguf OUT.json

The tokenizer is transformers' conversion of the GGUF (`AutoTokenizer.from_pretrained(dir,
gguf_file=...)`). Texts leave out the two things where that conversion departs from
SentencePiece and llama.cpp, which our encoder follows: runs of more than 31 spaces (the
vocabulary's user-defined space runs stop at 31; HF spells them "▁▁…" and merges runs by rank
instead of matching them whole) and the character "▁" itself (HF merges typed "▁" with
spaces into those runs).
"""
import json
import os
import random
import re
import sys

from transformers import AutoTokenizer


def random_texts(count, seed=2718):
    rng = random.Random(seed)
    pools = [
        " \t\n\r\x0b\x0c\u00a0\u2003\u3000\u200b\u2028\u0085",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "0123456789½²³١٢٣ⅷ",
        "'\"!?.,;:-_()[]{}<>|/\\@#$%^&*+=~`’‘“”—…",
        "éèêëàâäôöûüçñÅåøßÆæŁłŞşĞğİı",
        "\u0301\u0308\u0303\u0323\u20dd",
        "日本語のテキスト中文文本한국어텍스트",
        "ПриветмирΕλληνικάעבריתالعربيةहिन्दीไทย",
        "😀👍🏽🇫🇷🤖👨‍👩‍👧✨🧪",
        "\x00\x01\x04\x7f\U00040000\U0008ffff\U000e0001\ufffd",  # byte fallback
    ]
    words = ["the", "coin", " the", "  ", "    ", "\n\n", "\n\n\n\n", "\t\t", "def ", "return", "x[-1]", "12345",
             "3.14", "<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<unused7>", "<mask>", "[multimodal]",
             "<start_of_turn", "<b>", "</b>", "<table><tr><td>", "<h1>", "<0x41>", "https://a.b/c?d=e"]
    produced = 0
    while produced < count:
        parts = []
        for _ in range(rng.randint(1, 30)):
            if rng.random() < 0.3:
                parts.append(rng.choice(words))
            else:
                pool = rng.choice(pools)
                parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 6))))
        text = "".join(parts)
        if re.search(" {32,}", text) or "\u2581" in text:
            continue
        produced += 1
        yield text


def main():
    model_path, out_path = sys.argv[1], sys.argv[2]
    tok = AutoTokenizer.from_pretrained(os.path.dirname(os.path.abspath(model_path)),
                                        gguf_file=os.path.basename(model_path))
    backend = tok.backend_tokenizer
    cases = []
    for text in random_texts(3000):
        backend.encode_special_tokens = False
        ids = backend.encode(text, add_special_tokens=False).ids
        backend.encode_special_tokens = True
        plain = backend.encode(text, add_special_tokens=False).ids
        cases.append({"text": text, "ids": ids, "ids_special_as_text": plain})
    import transformers
    source = f"HF transformers {transformers.__version__} tokenizer converted from {os.path.basename(model_path)}"
    with open(out_path, "w") as f:
        json.dump({"source": source, "cases": cases}, f, ensure_ascii=False)
    print(f"wrote {len(cases)} cases to {out_path}")


if __name__ == "__main__":
    main()
