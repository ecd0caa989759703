using System;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// One training step of a workload, two ways in one run: the model written by hand as idiomatic
/// TorchSharp (a Module subclass, <c>torch.optim.AdamW</c> with weight decay 0.01, a dispose scope
/// per step), and the same model declared with Sculpt, stepped by its generated <c>TrainStep</c>.
/// Both start from the same seed, use the same batch and 2 threads. The ratio is the claim.
/// </summary>
[InProcess]
[MemoryDiagnoser(displayGenColumns: false)]
public abstract class StepBenchmark
{
    private IDisposable? _trainer;
    private Func<Tensor, Tensor, Tensor> _sculptStep = null!;
    private nn.Module<Tensor, Tensor>? _hand;
    private optim.Optimizer? _handOptimizer;
    private Tensor _input = null!;
    private Tensor _target = null!;

    /// <summary>The Sculpt trainer (owned by the benchmark) and its generated step.</summary>
    protected abstract (IDisposable Trainer, Func<Tensor, Tensor, Tensor> Step) CreateSculpt();

    protected abstract nn.Module<Tensor, Tensor> CreateHandWritten();

    /// <summary>One batch: the input and the class-index targets.</summary>
    protected abstract (Tensor Input, Tensor Target) CreateBatch();

    /// <summary>
    /// Floating-point operations of one sample's forward pass through the matrix products and convolutions (a
    /// multiply-add is two), counted by hand from the layer sizes; elementwise work is left out, as model-FLOPs
    /// utilisation counts it.
    /// </summary>
    public abstract double ForwardFlopsPerSample { get; }

    /// <summary>Samples per step.</summary>
    public abstract int Batch { get; }

    /// <summary>A training step's operations: forward, then backward at twice the forward's (gradients of inputs and of weights).</summary>
    public double StepFlops => 3 * ForwardFlopsPerSample * Batch;

    [GlobalSetup]
    public void Setup()
    {
        SetupSculpt();
        SetupHandWritten();
    }

    /// <summary>Only the Sculpt side, for a process of its own (see <see cref="ProcessSteps"/>).</summary>
    public void SetupSculpt()
    {
        // What the generated command line applies to its own process.
        global::Sculpt.Backend.ProcessSettings.ForTraining(threads: 2).Apply();
        (_trainer, _sculptStep) = CreateSculpt();
        CreateInputs();
    }

    /// <summary>
    /// A Sculpt trainer, its step and a batch for data-parallel measurements (<see cref="DistributedSteps"/>), with the
    /// command line's process settings and <paramref name="threads"/>; the caller owns all of them.
    /// </summary>
    public (IDisposable Trainer, Func<Tensor, Tensor, Tensor> Step, Tensor Input, Tensor Target) SculptForGroup(int threads)
    {
        global::Sculpt.Backend.ProcessSettings.ForTraining(threads).Apply();
        var (trainer, step) = CreateSculpt();
        manual_seed(7);
        var (input, target) = CreateBatch();
        return (trainer, step, input, target);
    }

    /// <summary>Only the hand-written side, for a process of its own.</summary>
    public void SetupHandWritten()
    {
        torch.set_num_threads(2);
        manual_seed(42);
        _hand = CreateHandWritten();
        _hand.train();
        _handOptimizer = optim.AdamW(_hand.parameters(), lr: 1e-3, weight_decay: 0.01);
        CreateInputs();
    }

    private void CreateInputs()
    {
        if (_input is not null) return;
        manual_seed(7);
        (_input, _target) = CreateBatch();
    }

    [Benchmark(Baseline = true, Description = "idiomatic TorchSharp")]
    public void HandWritten()
    {
        using var scope = NewDisposeScope();
        _handOptimizer!.zero_grad();
        var output = _hand!.call(_input);
        var loss = output.dim() > 2
            ? nn.functional.cross_entropy(output.flatten(0, -2), _target.flatten())
            : nn.functional.cross_entropy(output, _target);
        loss.backward();
        _handOptimizer.step();
    }

    [Benchmark(Description = "Sculpt")]
    public void Sculpt()
    {
        using var loss = _sculptStep(_input, _target);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _handOptimizer?.Dispose();
        _hand?.Dispose();
        _input.Dispose();
        _target.Dispose();
    }
}
