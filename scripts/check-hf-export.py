#!/usr/bin/env python3
"""Loads a Hugging Face folder written by `s2d export --format hf` with `transformers` and
checks it against the reference vectors of the base model (made by HF transformers from the
original GGUF, Tests/Fixtures/reference/smollm2-135m-instruct):

- AutoTokenizer encodes every text of tokenizer.json to its ids and renders the chat template
  cases to their text and ids;
- AutoModelForCausalLM (float32) gives, for every prompt of logits.json, the same argmax at every
  position and the last position's logits within --tolerance of logits_last_K.f32;
- greedy decoding gives greedy.json's tokens (with --greedy);
- every random text of tokenizer_random.json, where the fixtures have one (Gemma 3's 3000),
  encodes to its ids.

    python3 scripts/check-hf-export.py FOLDER FIXTURES_DIR [--tolerance 1e-3] [--greedy]

Prints one JSON line with what it compared; exits 1 on any mismatch.
"""
import argparse
import json
import os
import struct
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("fixtures")
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--greedy", action="store_true")
    args = parser.parse_args()
    failures = []
    summary = {}

    tokenizer = AutoTokenizer.from_pretrained(args.folder)
    vectors = json.load(open(os.path.join(args.fixtures, "tokenizer.json")))
    for vector in vectors["vectors"]:
        ids = tokenizer.encode(vector["text"], add_special_tokens=False)
        if ids != vector["ids"]:
            failures.append(f"tokenizer: {vector['text']!r} -> {ids}, expected {vector['ids']}")
    for case in vectors["chat_template"]:
        text = tokenizer.apply_chat_template(case["messages"], tokenize=False, add_generation_prompt=case["add_generation_prompt"])
        if text != case["text"]:
            failures.append(f"chat template: {text!r}, expected {case['text']!r}")
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        if ids != case["ids"]:
            failures.append(f"chat template ids: {ids}, expected {case['ids']}")
    summary["tokenizer_cases"] = len(vectors["vectors"]) + len(vectors["chat_template"])
    random_path = os.path.join(args.fixtures, "tokenizer_random.json")
    if os.path.exists(random_path):
        cases = json.load(open(random_path))["cases"]
        wrong = [case for case in cases if tokenizer.encode(case["text"], add_special_tokens=False) != case["ids"]]
        failures += [f"random text {case['text']!r}: expected {case['ids']}" for case in wrong[:5]]
        summary["random_texts"] = len(cases)
        summary["random_texts_wrong"] = len(wrong)

    model = AutoModelForCausalLM.from_pretrained(args.folder, dtype=torch.float32)
    model.eval()
    logits_cases = json.load(open(os.path.join(args.fixtures, "logits.json")))["cases"]
    worst = 0.0
    for k, case in enumerate(logits_cases):
        with torch.no_grad():
            logits = model(torch.tensor([case["ids"]])).logits[0]
        argmax = logits.argmax(dim=-1).tolist()
        if argmax != case["per_position_argmax"]:
            failures.append(f"logits case {k}: argmax {argmax}, expected {case['per_position_argmax']}")
        raw = open(os.path.join(args.fixtures, f"logits_last_{k}.f32"), "rb").read()
        expected = torch.tensor(struct.unpack(f"<{len(raw) // 4}f", raw))
        difference = (logits[-1] - expected).abs().max().item()
        worst = max(worst, difference)
        if difference > args.tolerance:
            failures.append(f"logits case {k}: last-position logits differ by up to {difference:.2e}")
    summary["logit_cases"] = len(logits_cases)
    summary["max_abs_logit_difference"] = worst

    if args.greedy:
        for k, case in enumerate(json.load(open(os.path.join(args.fixtures, "greedy.json")))["cases"]):
            prompt = torch.tensor([case["prompt_ids"]])
            with torch.no_grad():
                out = model.generate(prompt, max_new_tokens=len(case["greedy_ids"]), do_sample=False,
                                     eos_token_id=None, pad_token_id=tokenizer.eos_token_id)
            tokens = out[0, prompt.shape[1]:].tolist()
            if tokens != case["greedy_ids"]:
                failures.append(f"greedy case {k}: {tokens}, expected {case['greedy_ids']}")
        summary["greedy_cases"] = k + 1

    summary["failures"] = failures
    print(json.dumps(summary))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
