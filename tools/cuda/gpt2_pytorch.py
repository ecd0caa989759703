"""PyTorch's side of the CUDA kit's GPT-2 small benchmark (tools/cuda/device.sh runs both sides).

The model is the one tests/Sculpt.DeviceChecks/Gpt2Benchmark.cs trains: TinyGpt's GPT at GPT-2 small's sizes
(12 pre-norm blocks of width 768, 12 heads, MLP 3072 with exact GELU, 1024 learned positions, 50257 tokens, the head
tied to the token embedding, no dropout), written as idiomatic PyTorch eager with fused AdamW. bf16 is
torch.autocast's, as a PyTorch user would write it. Prints one line of key=value pairs and, with --json, writes them.
"""
import argparse
import json
import math
import subprocess
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCABULARY, DIM, HEADS, MLP = 50257, 768, 12, 3072


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(DIM)
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.norm2 = nn.LayerNorm(DIM)
        self.up = nn.Linear(DIM, MLP)
        self.down = nn.Linear(MLP, DIM)

    def forward(self, x):
        batch, time_, _ = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(batch, time_, 3, HEADS, DIM // HEADS).permute(2, 0, 3, 1, 4)
        attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(attended.transpose(1, 2).reshape(batch, time_, DIM))
        return x + self.down(F.gelu(self.up(self.norm2(x))))


class Gpt(nn.Module):
    def __init__(self, context, layers):
        super().__init__()
        self.tokens = nn.Embedding(VOCABULARY, DIM)
        self.positions = nn.Embedding(context, DIM)
        self.blocks = nn.ModuleList(Block() for _ in range(layers))
        self.norm = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, VOCABULARY, bias=False)
        self.head.weight = self.tokens.weight
        # Sculpt's InitScheme.Normal as TinyGpt declares it: weights N(0, 0.02), the residual projections (attention's
        # output, the MLP's down) scaled by 1/sqrt(2 * layers), biases zero, norms ones and zeros.
        for name, parameter in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(parameter)
            elif "norm" not in name:
                residual = name.endswith("proj.weight") or name.endswith("down.weight")
                nn.init.normal_(parameter, 0.0, 0.02 / math.sqrt(2 * layers) if residual else 0.02)

    def forward(self, tokens):
        x = self.tokens(tokens) + self.positions(torch.arange(tokens.size(1), device=tokens.device))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def forward_flops_per_sequence(tokens, layers):
    """The formula of tests/Sculpt.Benchmarks/ExampleFlops.cs, so that both sides report the same utilisation."""
    per_token = layers * 2.0 * (DIM * 3 * DIM + DIM * DIM + 2 * DIM * MLP + 2 * tokens * DIM) + 2.0 * DIM * VOCABULARY
    return tokens * per_token


def dense_bf16_peak(name):
    if "H100" in name and "PCIe" in name:
        return 756e12
    if "H100" in name or "H200" in name:
        return 989e12
    return None


def used_memory_mib(index):
    output = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", f"--id={index}"],
                            check=True, capture_output=True, text=True).stdout
    return float(output.strip())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--context", type=int, default=1024)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()

    device = torch.device("cuda")
    torch.manual_seed(1)
    model = Gpt(args.context, args.layers).to(device)
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    others = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": 0.1}, {"params": others, "weight_decay": 0.0}],
                                  lr=6e-4, fused=True)
    generator = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, VOCABULARY, (args.batch, args.context + 1), generator=generator).to(device)
    inputs, targets = tokens[:, :-1], tokens[:, 1:]

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            logits = model(inputs)
        loss = F.cross_entropy(logits.float().flatten(0, 1), targets.flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.detach()

    first_loss = None
    for index in range(args.warmup):
        loss = step()
        if index == 0:
            first_loss = loss.item()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start

    tokens_per_second = args.batch * args.context * args.steps / seconds
    achieved = 3 * forward_flops_per_sequence(args.context, args.layers) / args.context * tokens_per_second
    name = torch.cuda.get_device_name(device)
    record = {
        "implementation": "pytorch", "device": name, "precision": args.precision,
        "parameters": sum(p.numel() for p in model.parameters()), "batch": args.batch, "context": args.context,
        "layers": args.layers, "steps": args.steps, "step_ms": 1000 * seconds / args.steps,
        "tokens_per_second": tokens_per_second, "memory_mib": used_memory_mib(device.index or 0),
        "tflops": achieved / 1e12, "first_loss": first_loss, "last_loss": loss.item(),
        "torch": torch.__version__,
    }
    peak = dense_bf16_peak(name)
    if peak:
        record["mfu"] = achieved / peak
    print(" ".join(f"{key}={value}" for key, value in record.items()))
    if args.json:
        with open(args.json, "w") as file:
            json.dump([record], file, indent=2)
    assert math.isfinite(record["last_loss"])


if __name__ == "__main__":
    main()
