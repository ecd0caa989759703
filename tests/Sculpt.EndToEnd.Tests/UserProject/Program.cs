// A user's first Sculpt program, built from the Sculpt package by the end-to-end test.
using Sculpt;
using Sculpt.Data;
using Sculpt.Training;
using static TorchSharp.torch;

return XorTrainer.Run(args);

[HyperParameters]
public partial record XorConfig : TrainingHyperParameters
{
    [Range(1, 1024)] public int Hidden { get; init; } = 16;
    public override double LearningRate { get; init; } = 0.01;
}

[Model(typeof(XorConfig))]
public partial class XorNet
{
    [Linear(2, "Hidden")] private partial Tensor Hidden1(Tensor x);
    [Linear("Hidden", 2)] private partial Tensor Classify(Tensor x);

    [Forward("B 2 -> B 2")]
    public Tensor Forward(Tensor points) => Classify(Ops.Tanh(Hidden1(points)));
}

/// <summary>Noisy points labelled by the XOR of their signs.</summary>
public sealed class XorData : IDataSource
{
    public DataSplits Load(int seed)
    {
        using var generator = new Generator((ulong)seed);
        var points = rand(new long[] { 1000, 2 }, generator: generator) * 2 - 1;
        var labels = points[.., 0].gt(0).logical_xor(points[.., 1].gt(0)).to(int64);
        var (train, validation) = new TensorDataset(points, labels).Split(0.2, seed);
        return new DataSplits(train, validation);
    }
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class XorTrainer : Trainer<XorNet, XorData, XorConfig>;
