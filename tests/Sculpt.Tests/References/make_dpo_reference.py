#!/usr/bin/python3
"""Reference numbers from real PyTorch for Sculpt's preference losses, DPO's and a reward model's Bradley-Terry loss (PreferenceTests.cs).

Run once with Debian's PyTorch (python3-torch, 1.13), from the repository root:

    /usr/bin/python3 tests/Sculpt.Tests/References/make_dpo_reference.py

It writes tests/Sculpt.Tests/References/dpo-references.json. The loss is written here the way TRL's DPOTrainer
computes it (dpo_loss and its log-probability gathering, in PyTorch): per sequence the sum over completion positions
of log_softmax(logits)[target] (for IPO divided by the number of completion tokens), then
sigmoid: -logsigmoid(beta m) (1 - eps) - logsigmoid(-beta m) eps, or ipo: (m - 1 / (2 beta))^2, where
m = (policy_chosen - policy_rejected) - (reference_chosen - reference_rejected); rewards are
beta (policy - reference). Inputs are closed formulas, so the C# side rebuilds the same float32 values.
"""
import json
import math
import os

import torch

PAIRS, POSITIONS, VOCABULARY = 3, 5, 7
ROWS = 2 * PAIRS  # chosen, rejected, chosen, rejected, ...


def logits(offset):
    values = [math.sin(0.37 * i + offset) * 2 for i in range(ROWS * POSITIONS * VOCABULARY)]
    return torch.tensor(values, dtype=torch.float64).to(torch.float32).reshape(ROWS, POSITIONS, VOCABULARY)


def targets():
    return torch.tensor([(3 * i + 1) % VOCABULARY for i in range(ROWS * POSITIONS)], dtype=torch.int64).reshape(ROWS, POSITIONS)


def mask():
    # Row r scores positions from (r % 3) on (its prompt is shorter or longer), and the last row stops one early (padding).
    rows = []
    for r in range(ROWS):
        rows.append([1.0 if p >= r % 3 and not (r == ROWS - 1 and p == POSITIONS - 1) else 0.0 for p in range(POSITIONS)])
    return torch.tensor(rows, dtype=torch.float32)


def case(name, beta, kind, smoothing):
    policy = logits(0.0).requires_grad_(True)
    reference = logits(0.8)
    target, weights = targets(), mask()

    def sequence_logps(scores):
        picked = torch.gather(scores.log_softmax(-1), 2, target.unsqueeze(2)).squeeze(2)
        sums = (picked * weights).sum(-1)
        return sums / weights.sum(-1) if kind == "ipo" else sums

    policy_logps = sequence_logps(policy).view(PAIRS, 2)
    with torch.no_grad():
        reference_logps = sequence_logps(reference).view(PAIRS, 2)
    margin = (policy_logps[:, 0] - policy_logps[:, 1]) - (reference_logps[:, 0] - reference_logps[:, 1])
    if kind == "ipo":
        losses = (margin - 1 / (2 * beta)) ** 2
    else:
        losses = -torch.nn.functional.logsigmoid(beta * margin) * (1 - smoothing) - torch.nn.functional.logsigmoid(-beta * margin) * smoothing
    loss = losses.mean()
    loss.backward()
    return {
        "name": name,
        "beta": beta,
        "kind": kind,
        "label_smoothing": smoothing,
        "loss": loss.item(),
        "chosen_rewards": (beta * (policy_logps[:, 0] - reference_logps[:, 0])).detach().tolist(),
        "rejected_rewards": (beta * (policy_logps[:, 1] - reference_logps[:, 1])).detach().tolist(),
        "policy_logps": policy_logps.detach().flatten().tolist(),
        "gradient": policy.grad.flatten().tolist(),
    }


def bradley_terry():
    rewards = torch.tensor([math.cos(1.7 * i) * 1.5 for i in range(ROWS)], dtype=torch.float64).to(torch.float32).requires_grad_(True)
    pairs = rewards.view(PAIRS, 2)
    loss = -torch.nn.functional.logsigmoid(pairs[:, 0] - pairs[:, 1]).mean()
    loss.backward()
    return {"loss": loss.item(), "gradient": rewards.grad.tolist()}


result = {
    "torch": torch.__version__,
    "pairs": PAIRS,
    "positions": POSITIONS,
    "vocabulary": VOCABULARY,
    "cases": [
        case("sigmoid", 0.1, "sigmoid", 0.0),
        case("sigmoid-beta-0.5", 0.5, "sigmoid", 0.0),
        case("conservative", 0.1, "sigmoid", 0.1),
        case("ipo", 0.1, "ipo", 0.0),
    ],
    "bradley_terry": bradley_terry(),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dpo-references.json")
with open(path, "w") as out:
    json.dump(result, out, indent=1)
print("wrote", path)
