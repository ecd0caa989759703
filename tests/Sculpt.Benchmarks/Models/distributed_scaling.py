#!/usr/bin/env python3
"""The scaling model of docs/distributed.md: predicted step time and efficiency of data-parallel GPT-2 small
(124M parameters) training on 2-64 machines, one process per machine, one ring allreduce of the flat float32
gradient per step (what Sculpt does today: no overlap with backward).

    step(N)  = compute + allreduce(N)
    allreduce(N) = 2 (N - 1) latency + 2 (N - 1) / N * bytes / bandwidth      (ring allreduce: reduce-scatter + all-gather)
    efficiency(N) = compute / step(N)                                          (throughput per machine against one machine)

Run: python3 tests/Sculpt.Benchmarks/Models/distributed_scaling.py [measured_gflops] [measured_latency_us]
"""
import sys

PARAMETERS = 124_439_808          # GPT-2 small with tied embeddings
GRADIENT_BYTES = PARAMETERS * 4   # float32 flat gradient buffer
TOKENS_PER_MACHINE = 8 * 1024     # 8 sequences of 1,024 tokens per machine per step
FLOPS_PER_STEP = 6 * PARAMETERS * TOKENS_PER_MACHINE  # forward + backward, attention products left out

# Compute rate: measured here (the GPT benchmark workload's step, share of the matmul peak) unless given.
measured_gflops = float(sys.argv[1]) if len(sys.argv) > 1 else 74.0
measured_latency = float(sys.argv[2]) * 1e-6 if len(sys.argv) > 2 else 1.1e-6

machines = {
    # name: (sustained FLOP/s per machine)
    "this 2-core VM (measured)": measured_gflops * 1e9,
    "64-core CPU server (32x this VM)": 32 * measured_gflops * 1e9,
    "one H100, bf16 at 40% of 989 TFLOP/s": 0.4 * 989e12,
}
links = {
    # name: (bytes/s per machine, per-message latency s); line rates from the Ethernet (IEEE 802.3) and InfiniBand
    # (IBTA) standards, taken as 90% achievable; latencies typical of TCP over Ethernet and of RDMA.
    "10 GbE": (0.9 * 10e9 / 8, 30e-6),
    "25 GbE": (0.9 * 25e9 / 8, 20e-6),
    "100 Gb/s InfiniBand EDR": (0.9 * 100e9 / 8, 2e-6),
    "400 Gb/s InfiniBand NDR": (0.9 * 400e9 / 8, 2e-6),
}

def allreduce(n, bandwidth, latency, size=GRADIENT_BYTES):
    return 0.0 if n == 1 else 2 * (n - 1) * latency + 2 * (n - 1) / n * size / bandwidth

print(f"GPT-2 small: {PARAMETERS:,} parameters, {GRADIENT_BYTES / 2**20:.0f} MiB of float32 gradient, "
      f"{FLOPS_PER_STEP / 1e12:.2f} TFLOP per machine per step ({TOKENS_PER_MACHINE} tokens)")
counts = [2, 4, 8, 16, 32, 64]
for machine, rate in machines.items():
    compute = FLOPS_PER_STEP / rate
    print(f"\n{machine}: compute {compute:.3f} s per step; efficiency as Sculpt reduces now (with bf16 gradients overlapped with backward)")
    print("| link | " + " | ".join(f"{n} machines" for n in counts) + " |")
    print("|---|" + "---:|" * len(counts))
    for link, (bandwidth, latency) in links.items():
        cells = []
        for n in counts:
            step = compute + allreduce(n, bandwidth, latency)
            # What DDP and Horovod do and Sculpt does not yet: bf16 gradients in buckets, reduced while the backward
            # pass (two thirds of the compute) still runs, so only what outlasts it is exposed.
            hidden = compute + max(0.0, allreduce(n, bandwidth, latency, GRADIENT_BYTES / 2) - 2 / 3 * compute)
            cells.append(f"{100 * compute / step:.0f}% ({100 * compute / hidden:.0f}%)")
        print(f"| {link} | " + " | ".join(cells) + " |")
print(f"\non this machine (shared memory, measured latency {measured_latency * 1e6:.1f} us): "
      f"{allreduce(2, 6e9, measured_latency) * 1e3:.0f} ms to allreduce the gradient between 2 processes at 6 GB/s")
