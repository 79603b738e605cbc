#!/usr/bin/env python3
"""Fine-tunes a LoRA adapter with TRL (SFTTrainer + PEFT) on the chat JSONL that `s2d curate`,
`s2d distill` or `s2d teach` write ({"messages": [...]} per line), the path for training on GPUs
with an existing engine. The adapter it writes is a PEFT folder that `s2d eval --adapter`,
`s2d serve --adapter` and `s2d export --adapter` load.

    s2d export --format hf --type f32 --out base-hf              # the base model for transformers
    python3 scripts/trl-sft.py runs/demo/coin-flip/distill.jsonl base-hf trl-adapter --epochs 2
    s2d eval --task coin-flip --method system1 --adapter trl-adapter --test 200

The loss is on the assistant's reply only (each record becomes a conversational prompt and
completion). Defaults follow s2d's LoRA recipe: r 16, alpha 32, every linear layer, lr 2e-3,
linear decay after 5% warm-up, batch 16. With --greedy PROMPT it prints, as JSON, the trained
model's greedy reply to PROMPT (a user message), so a caller can compare it with s2d's.
"""
import argparse
import json

import torch
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoTokenizer
from trl import SFTConfig, SFTTrainer


def records(path):
    rows = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            messages = json.loads(line)["messages"]
            if not messages or messages[-1]["role"] != "assistant":
                raise SystemExit(f"{path}:{number}: the last message must be the assistant's reply")
            rows.append({"prompt": messages[:-1], "completion": messages[-1:]})
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("--epochs", type=float, default=2)
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--greedy", help="a user message to answer greedily after training")
    parser.add_argument("--greedy-tokens", type=int, default=12)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    config = SFTConfig(
        output_dir=args.out + ".trainer", num_train_epochs=args.epochs, max_steps=args.max_steps,
        per_device_train_batch_size=args.batch, learning_rate=args.lr, lr_scheduler_type="linear", warmup_steps=0.05,
        weight_decay=0.0, max_grad_norm=1.0, logging_steps=1, save_strategy="no", report_to=[], seed=args.seed,
        use_cpu=not torch.cuda.is_available(), bf16=torch.cuda.is_available(), model_init_kwargs={"dtype": torch.float32},
    )
    lora = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.0, target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = SFTTrainer(model=args.model, args=config, train_dataset=Dataset.from_list(records(args.data)), peft_config=lora)
    trainer.train()
    trainer.model.save_pretrained(args.out)

    if args.greedy:
        tokenizer = AutoTokenizer.from_pretrained(args.model)
        prompt = tokenizer.apply_chat_template([{"role": "user", "content": args.greedy}], add_generation_prompt=True, return_tensors="pt", return_dict=True)
        model = trainer.model.eval()
        with torch.no_grad():
            out = model.generate(**prompt, max_new_tokens=args.greedy_tokens, do_sample=False, pad_token_id=tokenizer.eos_token_id)
        tokens = out[0, prompt["input_ids"].shape[1]:]
        print(json.dumps({"greedy": tokenizer.decode(tokens, skip_special_tokens=True), "ids": tokens.tolist()}))


if __name__ == "__main__":
    main()
