using BenchmarkDotNet.Attributes;
using Sculpt.Data;
using Sculpt.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// One training step of the quickstart's MLP (256-256-256-4, batch 64, AdamW): the generated
/// <c>TrainStep</c> against the same step written by hand the way TorchSharp's samples write it.
/// The ratio is the claim; both run in this process with the same thread count.
/// </summary>
[InProcess]
[MemoryDiagnoser(displayGenColumns: false)]
public class TrainStepBenchmark
{
    private BenchTrainer _trainer = null!;
    private HandWrittenMlp _handModel = null!;
    private optim.Optimizer _handOptimizer = null!;
    private Tensor _input = null!;
    private Tensor _target = null!;

    [GlobalSetup]
    public void Setup()
    {
        var config = new BenchConfig();
        _trainer = new BenchTrainer(config);
        _trainer.Model.train();
        manual_seed(config.Seed);
        _handModel = new HandWrittenMlp(config.Hidden);
        _handModel.train();
        _handOptimizer = optim.AdamW(_handModel.parameters(), lr: config.LearningRate, weight_decay: config.WeightDecay);
        _input = randn(config.BatchSize, 1, 16, 16);
        _target = randint(0, 4, config.BatchSize);
    }

    [Benchmark(Baseline = true, Description = "hand-written TorchSharp")]
    public float HandWritten()
    {
        using var scope = NewDisposeScope();
        _handOptimizer.zero_grad();
        var output = _handModel.call(_input);
        var loss = nn.functional.cross_entropy(output, _target);
        loss.backward();
        _handOptimizer.step();
        return 0;
    }

    [Benchmark(Description = "Sculpt generated TrainStep")]
    public float Generated()
    {
        using var loss = _trainer.TrainStep(_input, _target);
        return 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer.Dispose();
        _handOptimizer.Dispose();
        _handModel.Dispose();
    }

    private sealed class HandWrittenMlp : nn.Module<Tensor, Tensor>
    {
        private readonly Linear hidden1;
        private readonly Linear hidden2;
        private readonly Dropout drop;
        private readonly Linear classify;

        public HandWrittenMlp(int hidden) : base(nameof(HandWrittenMlp))
        {
            hidden1 = nn.Linear(256, hidden);
            hidden2 = nn.Linear(hidden, hidden);
            drop = nn.Dropout(0.2);
            classify = nn.Linear(hidden, 4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor image) =>
            classify.forward(drop.forward(nn.functional.relu(hidden2.forward(nn.functional.relu(hidden1.forward(image.flatten(1)))))));
    }
}

[HyperParameters]
public partial record BenchConfig : TrainingHyperParameters
{
    public int Hidden { get; init; } = 256;
    public double Dropout { get; init; } = 0.2;
}

[Model(typeof(BenchConfig))]
public partial class BenchMlp
{
    [Linear(256, "Hidden")] private partial Tensor Hidden1(Tensor x);
    [Linear("Hidden", "Hidden")] private partial Tensor Hidden2(Tensor x);
    [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
    [Linear("Hidden", 4)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 16 16 -> B 4")]
    public Tensor Forward(Tensor image) => Classify(Drop(Ops.Relu(Hidden2(Ops.Relu(Hidden1(Ops.Flatten(image)))))));
}

/// <summary>Never loaded: the benchmark feeds tensors to <c>TrainStep</c> directly.</summary>
public sealed class NoData : IDataSource
{
    public DataSplits Load(int seed) => throw new System.NotSupportedException("the benchmark supplies its own batches");
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class BenchTrainer : Trainer<BenchMlp, NoData, BenchConfig>;
