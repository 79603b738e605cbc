"""Checks `s2d train` against PyTorch + PEFT on the same data, step by step.

Both start from the same LoRA adapter (PEFT's own initialisation, saved to a folder and given to
`s2d train --init-adapter`), train on one full batch (every line of DATA) at a constant learning
rate with gradient clipping at 1, and print the loss of each step side by side. The two trainers
agree to about 6 digits when nothing is wrong; a bug in a gradient, the optimizer, the chat
format or the loss mask shows as a divergence from the second step on.

Needs a throwaway venv: pip install torch transformers peft gguf (CPU wheels are enough).

  python scripts/compare-trainer-with-pytorch.py DATA.jsonl [--steps 4] [--lr 2e-3]
      [--s2d .build/release/s2d] [--gguf ~/.cache/s2d/models/SmolLM2-135M-Instruct.Q4_1.gguf]

DATA: chat-messages JSONL (user, assistant), a handful of lines (they form one batch).
"""
import argparse, json, os, subprocess, tempfile

import torch
import torch.nn.functional as F
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--steps", type=int, default=4)
ap.add_argument("--lr", type=float, default=2e-3)
ap.add_argument("--rank", type=int, default=16)
ap.add_argument("--s2d", default=".build/release/s2d")
ap.add_argument("--gguf", default=os.path.expanduser("~/.cache/s2d/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
args = ap.parse_args()
torch.set_num_threads(2)

folder, name = os.path.split(args.gguf)
tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
torch.manual_seed(0)
model = get_peft_model(model, LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.0, target_modules=TARGETS))
work = tempfile.mkdtemp(prefix="trainer-parity-")
model.save_pretrained(os.path.join(work, "init"))


def chat(user, reply=None):
    text = tok.apply_chat_template([{"role": "user", "content": user}], tokenize=False, add_generation_prompt=True)
    return text if reply is None else text + reply + "<|im_end|>"


rows = [json.loads(line) for line in open(args.data) if line.strip()]
sequences = []
for row in rows:
    user, reply = row["messages"][0]["content"], row["messages"][1]["content"]
    prompt = tok.encode(chat(user), add_special_tokens=False)
    full = tok.encode(chat(user, reply), add_special_tokens=False)
    sequences.append((full, [-100] * len(prompt) + full[len(prompt):]))
width = max(len(s) for s, _ in sequences)
ids = torch.tensor([s + [tok.pad_token_id or 0] * (width - len(s)) for s, _ in sequences])
labels = torch.tensor([l + [-100] * (width - len(l)) for _, l in sequences])
mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s, _ in sequences])
params = [p for p in model.parameters() if p.requires_grad]
opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
torch_losses = []
for _ in range(args.steps):
    logits = model(input_ids=ids, attention_mask=mask).logits
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), labels[:, 1:].reshape(-1), ignore_index=-100)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    opt.zero_grad()
    torch_losses.append(loss.item())

report = subprocess.run(
    [args.s2d, "train", "--model", f"gguf:{args.gguf}", "--data", args.data, "--out", os.path.join(work, "s2d"),
     "--init-adapter", os.path.join(work, "init"), "--lr", str(args.lr), "--batch", str(len(rows)),
     "--epochs", str(args.steps), "--lr-schedule", "constant", "--lora-rank", str(args.rank),
     "--lora-alpha", str(2 * args.rank), "--max-length", str(width + 1), "--matmul-precision", "float32", "--json"],
    check=True, capture_output=True, text=True)
s2d_losses = [point["loss"] for point in json.loads(report.stdout)["loss_curve"]]
print("step  pytorch+peft  s2d train  difference")
for step, (a, b) in enumerate(zip(torch_losses, s2d_losses), 1):
    print(f"{step:4d}  {a:12.6f}  {b:9.6f}  {abs(a - b):.1e}")
