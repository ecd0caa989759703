"""Turns the CUDA kit's results folder (tools/cuda/device.sh) into the markdown docs/performance.md quotes."""
import json
import pathlib
import sys


def load(path):
    return json.loads(path.read_text()) if path.exists() else []


def main(folder):
    folder = pathlib.Path(folder)
    environment = (folder / "environment.txt").read_text().strip() if (folder / "environment.txt").exists() else "?"
    print("## CUDA checks\n")
    print("```\n" + environment + "\n```\n")
    checks = load(folder / "checks.json")
    print("| check | case | measured | bound | |")
    print("|---|---|---|---|---|")
    for check in checks:
        print(f"| {check['check']} | {check['case']} | {check['measured']:.3g} {check['unit']} | {check['bound']:.3g} | "
              f"{'pass' if check['passed'] else '**FAIL**'} |")
    passed = sum(1 for check in checks if check["passed"])
    print(f"\n{passed} of {len(checks)} checks passed.\n")

    print("## GPT-2 small training step\n")
    print("| implementation | precision | step (ms) | tokens/s | memory (MiB) | TFLOP/s | MFU (bf16 peak) | loss first -> last |")
    print("|---|---|---|---|---|---|---|---|")
    rows = {(record["implementation"], record["precision"]): record for record in load(folder / "gpt2.json")}
    for implementation in ("sculpt", "pytorch"):
        for precision in ("fp32", "bf16"):
            if (implementation, precision) in rows:
                record = rows[(implementation, precision)]
                mfu = f"{record['mfu']:.1%}" if "mfu" in record else "n/a"
                print(f"| {implementation} | {precision} | {record['step_ms']:.1f} | {record['tokens_per_second']:,.0f} | "
                      f"{record['memory_mib']:,.0f} | {record['tflops']:.1f} | {mfu} | "
                      f"{record['first_loss']:.3f} -> {record['last_loss']:.3f} |")
    for precision in ("fp32", "bf16"):
        if ("sculpt", precision) in rows and ("pytorch", precision) in rows:
            ratio = rows[("sculpt", precision)]["step_ms"] / rows[("pytorch", precision)]["step_ms"]
            print(f"\n{precision}: Sculpt's step takes {ratio:.2f}x PyTorch's.")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "artifacts/cuda-results")
