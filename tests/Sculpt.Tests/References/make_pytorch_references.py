#!/usr/bin/python3
"""Reference numbers from real PyTorch for Sculpt's optimizer and schedule tests.

Run once with Debian's PyTorch (python3-torch, 1.13), from the repository root:

    /usr/bin/python3 tests/Sculpt.Tests/References/make_pytorch_references.py

It writes tests/Sculpt.Tests/References/pytorch-references.json, which the tests read
(PyTorchReferenceTests.cs). Inputs are closed formulas, not random draws, so the C# side
rebuilds exactly the same float32 starting values and gradients without sharing a generator.
"""
import json
import math
import os

import torch

STEPS = 20
WEIGHT_SHAPE = (4, 3)
BIAS_SHAPE = (4,)


def start(index, offset):
    # Formulas evaluated in double, then rounded once to float32, as the C# side does.
    return math.sin(0.37 * index + offset)


def gradient(index, step, offset):
    value = math.cos(0.91 * index + 1.3 * step + offset) * (1 + 0.1 * step)
    # Every seventh entry has no gradient at some steps: Adam's second moment then holds exact zeros.
    return 0.0 if (index + step) % 7 == 0 else value


def tensor(shape, values):
    return torch.tensor(values, dtype=torch.float64).to(torch.float32).reshape(shape)


def numel(shape):
    return math.prod(shape)


def optimizer_case(name, make):
    weight = torch.nn.Parameter(tensor(WEIGHT_SHAPE, [start(i, 0.1) for i in range(numel(WEIGHT_SHAPE))]))
    bias = torch.nn.Parameter(tensor(BIAS_SHAPE, [start(i, 0.7) for i in range(numel(BIAS_SHAPE))]))
    optimizer = make(weight, bias)
    trajectory = []
    for step in range(STEPS):
        optimizer.zero_grad()
        weight.grad = tensor(WEIGHT_SHAPE, [gradient(i, step, 0.0) for i in range(numel(WEIGHT_SHAPE))])
        bias.grad = tensor(BIAS_SHAPE, [gradient(i, step, 0.5) for i in range(numel(BIAS_SHAPE))])
        optimizer.step()
        trajectory.append({
            "weight": [float(v) for v in weight.detach().flatten().tolist()],
            "bias": [float(v) for v in bias.detach().flatten().tolist()],
        })
    return {"name": name, "trajectory": trajectory}


def optimizers():
    # Weight decay on the weight only, as Sculpt decays weights but not biases.
    return [
        optimizer_case("AdamW lr=1e-2 wd=0.1", lambda w, b: torch.optim.AdamW(
            [{"params": [w], "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}], lr=1e-2)),
        optimizer_case("Adam lr=1e-2 betas=(0.8,0.99) l2=0.05", lambda w, b: torch.optim.Adam(
            [{"params": [w], "weight_decay": 0.05}, {"params": [b], "weight_decay": 0.0}], lr=1e-2, betas=(0.8, 0.99))),
        optimizer_case("SGD lr=0.05 momentum=0.9 wd=0.01", lambda w, b: torch.optim.SGD(
            [{"params": [w], "weight_decay": 0.01}, {"params": [b], "weight_decay": 0.0}], lr=0.05, momentum=0.9)),
        optimizer_case("SGD lr=0.05 nesterov momentum=0.9", lambda w, b: torch.optim.SGD(
            [{"params": [w]}, {"params": [b]}], lr=0.05, momentum=0.9, nesterov=True)),
    ]


RATE = 0.1
SCHEDULE_STEPS = 100
STEPS_PER_EPOCH = 10


def rates(make, per_batch=True, losses=None):
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=RATE)
    scheduler = make(optimizer)
    result = []
    for i in range(SCHEDULE_STEPS):
        result.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if per_batch:
            scheduler.step()
        elif (i + 1) % STEPS_PER_EPOCH == 0:
            epoch = (i + 1) // STEPS_PER_EPOCH - 1
            scheduler.step(losses[epoch]) if losses is not None else scheduler.step()
    return result


def warmup_cosine(warmup, minimum):
    warm = rates(lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1 / warmup, end_factor=1.0, total_iters=warmup - 1))[:warmup]
    cosine = rates(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=SCHEDULE_STEPS - warmup, eta_min=minimum))
    # Step warmup + k (1-based) is the cosine's iteration k.
    return warm + cosine[1:SCHEDULE_STEPS - warmup + 1]


PLATEAU_LOSSES = [1.0, 0.9, 0.9, 0.95, 0.91, 0.5, 0.6, 0.7, 0.8, 0.4]


def schedules():
    return [
        {"name": "Step", "decay_factor": 0.5, "decay_every": 2,
         "rates": rates(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5), per_batch=False)},
        {"name": "OneCycle",
         "rates": rates(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=RATE, total_steps=SCHEDULE_STEPS, cycle_momentum=False))},
        {"name": "WarmupCosine", "warmup_steps": 10, "minimum": 0.001, "rates": warmup_cosine(10, 0.001)},
        {"name": "Plateau", "decay_factor": 0.5, "patience": 2, "minimum": 0.02, "losses": PLATEAU_LOSSES,
         "rates": rates(lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=2, min_lr=0.02), per_batch=False, losses=PLATEAU_LOSSES)},
        {"name": "Constant", "rates": rates(lambda o: torch.optim.lr_scheduler.ConstantLR(o, factor=1.0, total_iters=0))},
    ]


def main():
    references = {
        "torch_version": torch.__version__,
        "rate": RATE,
        "schedule_steps": SCHEDULE_STEPS,
        "steps_per_epoch": STEPS_PER_EPOCH,
        "optimizer_steps": STEPS,
        "optimizers": optimizers(),
        "schedules": schedules(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch-references.json")
    with open(path, "w") as out:
        json.dump(references, out, indent=1)
        out.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
