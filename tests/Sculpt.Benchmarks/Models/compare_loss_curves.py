#!/usr/bin/env python3
"""Compares two run folders' loss curves: a mixed-precision run against its float32 twin (docs/mixed-precision.md).

usage: compare_loss_curves.py FLOAT32_RUN MIXED_RUN

Reads each run's steps.jsonl (the epoch's running mean training loss every 50 steps) and epochs.csv (validation loss
per epoch), and prints the largest relative difference of the training curves, and the validation perplexities.
"""
import csv
import json
import math
import sys


def curve(run):
    with open(f"{run}/steps.jsonl") as lines:
        return {(r["epoch"], r["step"]): r["loss"] for r in map(json.loads, lines)}


def validation(run):
    with open(f"{run}/epochs.csv") as rows:
        return [float(r["val_loss"]) for r in csv.DictReader(rows)]


full, mixed = sys.argv[1], sys.argv[2]
a, b = curve(full), curve(mixed)
shared = sorted(set(a) & set(b), key=lambda k: k[1])
worst = max(shared, key=lambda k: abs(b[k] - a[k]) / a[k])
print(f"training curve: {len(shared)} points to step {shared[-1][1]}; largest relative difference "
      f"{abs(b[worst] - a[worst]) / a[worst]:.2%} at step {worst[1]} ({a[worst]:.4f} float32, {b[worst]:.4f} mixed)")
for epoch, (x, y) in enumerate(zip(validation(full), validation(mixed)), 1):
    print(f"epoch {epoch}: validation perplexity {math.exp(x):.3f} float32, {math.exp(y):.3f} mixed ({math.exp(y) / math.exp(x) - 1:+.2%})")
