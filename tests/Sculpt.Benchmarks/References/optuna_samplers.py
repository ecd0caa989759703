"""Optuna's TPE sampler on the objectives SamplerBenchmark.cs runs Sculpt's samplers on.

Run by `dotnet run -c Release --project tests/Sculpt.Benchmarks -- samplers` with Debian's python3-optuna;
prints one JSON object: for each objective, the median over seeds of the best value after 20, 50 and
100 trials, and the sampler's own time per trial in milliseconds.
"""
import json
import math
import statistics
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
              [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]


def branin(x):
    a = x[1] - 5.1 / (4 * math.pi ** 2) * x[0] ** 2 + 5 / math.pi * x[0] - 6
    return a * a + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x[0]) + 10


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j] * 1e-4) ** 2 for j in range(6))
        total -= HARTMANN_ALPHA[i] * math.exp(-inner)
    return total


def styblinski_tang(x):
    return sum(v ** 4 - 16 * v ** 2 + 5 * v for v in x) / 2


OBJECTIVES = {
    "branin": (branin, [(-5, 10), (0, 15)]),
    "hartmann6": (hartmann6, [(0, 1)] * 6),
    "styblinski_tang10": (styblinski_tang, [(-5, 5)] * 10),
}


def main():
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    trials = 100
    result = {}
    for name, (function, bounds) in OBJECTIVES.items():
        bests = {20: [], 50: [], 100: []}
        overhead = []
        for seed in range(seeds):
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
            spent = 0.0
            for n in range(1, trials + 1):
                started = time.perf_counter()
                trial = study.ask()
                x = [trial.suggest_float(f"x{i}", low, high) for i, (low, high) in enumerate(bounds)]
                spent += time.perf_counter() - started
                study.tell(trial, function(x))
                if n in bests:
                    bests[n].append(study.best_value)
            overhead.append(spent / trials * 1000)
        result[name] = {str(k): statistics.median(v) for k, v in bests.items()}
        result[name]["ms_per_trial"] = statistics.median(overhead)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
