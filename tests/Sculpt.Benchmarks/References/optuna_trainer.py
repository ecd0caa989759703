"""Optuna's TPE sampler driving a Sculpt trainer's command line: the objective SearchObjectiveBenchmark.cs searches
with Sculpt's own samplers, so the two can be compared trial for trial.

    python3 optuna_trainer.py SPACE.json OUTPUT.json FOLDER SEED TRIALS -- dotnet Trainer.dll mlp --epochs 2 ...

SPACE.json lists the searched flags as Sculpt declares them ({"flag", "kind": "range"|"choice", "low", "high", "log",
"integer", "choices"}). Each trial runs the command with the trial's flags and `--output FOLDER/trial-N`, and its value
is the best validation accuracy in that run's epochs.csv. OUTPUT.json gets one {"value", "seconds"} per trial, where
seconds is the whole command's time (process start and data loading included).
"""
import csv
import json
import os
import subprocess
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def main():
    split = sys.argv.index("--")
    space_file, output_file, folder, seed, trials = sys.argv[1:split]
    command = sys.argv[split + 1:]
    with open(space_file) as f:
        space = json.load(f)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=int(seed)))
    results = []
    for n in range(1, int(trials) + 1):
        trial = study.ask()
        arguments = []
        for dimension in space:
            name = dimension["flag"].lstrip("-")
            if dimension["kind"] == "choice":
                value = trial.suggest_categorical(name, dimension["choices"])
            elif dimension["integer"]:
                value = trial.suggest_int(name, int(dimension["low"]), int(dimension["high"]), log=dimension["log"])
            else:
                value = trial.suggest_float(name, dimension["low"], dimension["high"], log=dimension["log"])
            arguments += [dimension["flag"], str(value)]
        run_folder = os.path.join(folder, f"trial-{n:04d}")
        started = time.perf_counter()
        finished = subprocess.run(command + arguments + ["--output", run_folder], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        value = None
        if finished.returncode == 0:
            with open(os.path.join(run_folder, "epochs.csv")) as f:
                value = max(float(row["val_accuracy"]) for row in csv.DictReader(f))
        if value is None:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, value)
        results.append({"value": value, "seconds": seconds})
        print(f"optuna trial {n}: {value} in {seconds:.1f} s {' '.join(arguments)}", file=sys.stderr, flush=True)
    with open(output_file, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
