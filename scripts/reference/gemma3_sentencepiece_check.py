#!/usr/bin/env python3
r"""Cross-checks the Gemma 3 tokenizer vectors (made by HF transformers, gemma3_reference.py) with
Google's SentencePiece library, a second implementation independent of transformers and of our
Swift code. Prints each case whose ids differ and exits 1 if any does; writes nothing unless
--annotate, which records SentencePiece's ids beside HF's in those vectors.

    python3 -m venv /tmp/spvenv && /tmp/spvenv/bin/pip install sentencepiece==0.2.3 protobuf
    /tmp/spvenv/bin/python scripts/reference/gemma3_sentencepiece_check.py \
        ~/.cache/s2d/models/gemma-3-270m-q4_k_m.gguf Tests/Fixtures/reference/gemma3-270m/tokenizer.json

The SentencePiece model is rebuilt from the GGUF metadata the way llama.cpp's converter took it
apart: every token with its score and type (GGUF and SentencePiece number the types alike:
1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte), BPE, byte fallback, no dummy prefix, no
whitespace folding, spaces escaped to U+2581. Two adjustments: `<unk>` (id 3) is stored as CONTROL
in the GGUF and becomes SentencePiece's one UNKNOWN piece, and the user-defined tokens made only of
spaces (ids 138-167, stored with real spaces) are spelled with U+2581, as the text they must match
is after escaping. SentencePiece never matches control tokens in text, so, as llama.cpp and HF do
with special tokens, the text is first cut at the literal control tokens (leftmost, longest).

Result with transformers 5.25.0 and sentencepiece 0.2.3: all encodings and decodes agree except
runs of 32 or more spaces. The longest space token has 31; SentencePiece (and, reading its code,
llama.cpp, which cuts user-defined tokens out of the text longest first) takes 31 spaces first,
while HF's BPE, whose merges transformers rebuilds from the vocabulary, pairs spaces up
(32 spaces -> 16 + 16, 40 -> 16 + 24). `--annotate` records SentencePiece's ids as
`sentencepiece_ids` beside HF's in such vectors (the committed tokenizer.json was annotated).
"""
import argparse
import json
import struct
import sys

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as model_pb2


def gguf_metadata(path):
    with open(path, "rb") as f:
        def read(fmt):
            return struct.unpack("<" + fmt, f.read(struct.calcsize(fmt)))

        def read_string():
            (n,) = read("Q")
            return f.read(n).decode("utf-8")

        scalar = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}

        def read_value(kind):
            if kind in scalar:
                return read(scalar[kind])[0]
            if kind == 8:
                return read_string()
            if kind == 9:
                (element_kind,) = read("I")
                (count,) = read("Q")
                if element_kind in scalar:
                    fmt = scalar[element_kind]
                    return list(struct.unpack(f"<{count}{fmt}", f.read(count * struct.calcsize(fmt))))
                return [read_value(element_kind) for _ in range(count)]
            raise ValueError(f"unknown GGUF value type {kind}")

        assert f.read(4) == b"GGUF"
        read("I")
        _, kv_count = read("QQ")
        metadata = {}
        for _ in range(kv_count):
            key = read_string()
            (kind,) = read("I")
            metadata[key] = read_value(kind)
        return metadata


def build(metadata):
    tokens = metadata["tokenizer.ggml.tokens"]
    scores = metadata["tokenizer.ggml.scores"]
    types = metadata["tokenizer.ggml.token_type"]
    unk = metadata["tokenizer.ggml.unknown_token_id"]
    proto = model_pb2.ModelProto()
    for index, (token, score, kind) in enumerate(zip(tokens, scores, types)):
        piece = proto.pieces.add()
        piece.piece = "\u2581" * len(token) if token and set(token) == {" "} else token
        piece.score = score
        piece.type = 2 if index == unk else kind
    spec = proto.trainer_spec
    spec.model_type = model_pb2.TrainerSpec.BPE
    spec.vocab_size = len(tokens)
    spec.byte_fallback = True
    spec.unk_id, spec.bos_id, spec.eos_id = unk, metadata["tokenizer.ggml.bos_token_id"], metadata["tokenizer.ggml.eos_token_id"]
    spec.pad_id = metadata["tokenizer.ggml.padding_token_id"]
    spec.unk_piece, spec.bos_piece, spec.eos_piece, spec.pad_piece = (tokens[i] for i in (spec.unk_id, spec.bos_id, spec.eos_id, spec.pad_id))
    norm = proto.normalizer_spec
    norm.name = "identity"
    norm.add_dummy_prefix = False
    norm.remove_extra_whitespaces = False
    norm.escape_whitespaces = True
    processor = spm.SentencePieceProcessor()
    processor.LoadFromSerializedProto(proto.SerializeToString())
    control = {token: index for index, (token, kind) in enumerate(zip(tokens, types)) if kind == 3}
    return processor, control


def encode(processor, control, text):
    ids, start, plain = [], 0, 0
    while start < len(text):
        match = None
        if text[start] == "<" or text[start] == "[":
            for length in range(min(32, len(text) - start), 0, -1):
                if text[start:start + length] in control:
                    match = text[start:start + length]
                    break
        if match is None:
            start += 1
            continue
        if plain < start:
            ids += processor.EncodeAsIds(text[plain:start])
        ids.append(control[match])
        start += len(match)
        plain = start
    if plain < len(text):
        ids += processor.EncodeAsIds(text[plain:])
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gguf")
    parser.add_argument("tokenizer_json")
    parser.add_argument("--annotate", action="store_true",
                        help="add sentencepiece_ids to each vector whose ids differ (ids stay HF's)")
    args = parser.parse_args()
    processor, control = build(gguf_metadata(args.gguf))
    reference = json.load(open(args.tokenizer_json))
    entries = reference["vectors"] + reference["chat_template"]
    differ, decode_differ = [], []
    for entry in entries:
        got = encode(processor, control, entry["text"])
        entry.pop("sentencepiece_ids", None)
        if got != entry["ids"]:
            differ.append(entry["text"])
            entry["sentencepiece_ids"] = got
            print(f"DIFFERS {entry['text']!r}\n  HF:            {entry['ids']}\n  SentencePiece: {got}")
    # SentencePiece decodes control tokens to nothing, as HF does with skip_special_tokens.
    decodes = [d for d in reference.get("decode_checks", [])
               if d.get("skip_special_tokens") or not any(i in control.values() for i in d["ids"])]
    for check in decodes:
        got = processor.DecodeIds(check["ids"])
        if got != check["text"]:
            decode_differ.append(check["ids"])
            print(f"DECODE DIFFERS {check['ids']}\n  HF:            {check['text']!r}\n  SentencePiece: {got!r}")
    print(f"sentencepiece {spm.__version__}: {len(entries) - len(differ)} of {len(entries)} encodings and "
          f"{len(decodes) - len(decode_differ)} of {len(decodes)} decodes agree with HF")
    if args.annotate:
        with open(args.tokenizer_json, "w") as f:
            json.dump(reference, f, indent=1, ensure_ascii=False)
        print(f"annotated {len(differ)} vectors in {args.tokenizer_json}")
    sys.exit(1 if differ or decode_differ else 0)


if __name__ == "__main__":
    main()
