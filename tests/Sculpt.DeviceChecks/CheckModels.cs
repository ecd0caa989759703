using Sculpt.Training;
using static TorchSharp.torch;

namespace Sculpt.DeviceChecks;

// One model of each family the CUDA parity check covers: dense, convolutional with batch norm, attention, recurrent.
// Small on purpose: the check compares numbers, and each runs on both devices in a second.

[HyperParameters]
public partial record CheckConfig : TrainingHyperParameters
{
    public override int Seed { get; init; } = 7;
    public override int BatchSize { get; init; } = 16;
    public override int Epochs { get; init; } = 2;
    public override double LearningRate { get; init; } = 3e-3;
}

[Model(typeof(CheckConfig))]
public partial class CheckMlp
{
    [Linear(32, 64)] private partial Tensor Hidden(Tensor x);
    [Linear(64, 10)] private partial Tensor Classify(Tensor x);

    [Forward("B 32 -> B 10")]
    public Tensor Forward(Tensor x) => Classify(Ops.Gelu(Hidden(x)));
}

[Model(typeof(CheckConfig))]
public partial class CheckCnn
{
    [Conv2d(3, 8, 3, Padding = 1)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(8)] private partial Tensor Norm1(Tensor x);
    [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
    [Conv2d(8, 16, 3, Padding = 1)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(16)] private partial Tensor Norm2(Tensor x);
    [Linear(1024, 10)] private partial Tensor Classify(Tensor x);

    [Forward("B 3 16 16 -> B 10")]
    public Tensor Forward(Tensor image)
    {
        var x = Pool(Ops.Relu(Norm1(Conv1(image))));
        x = Ops.Relu(Norm2(Conv2(x)));
        return Classify(Ops.Flatten(x));
    }
}

[Model(typeof(CheckConfig))]
public partial class CheckBlock
{
    [LayerNorm(64)] private partial Tensor Norm1(Tensor x);
    [SelfAttention(64, 4, Causal = true)] private partial Tensor Attention(Tensor x);
    [LayerNorm(64)] private partial Tensor Norm2(Tensor x);
    [Linear(64, 256)] private partial Tensor Up(Tensor x);
    [Linear(256, 64)] private partial Tensor Down(Tensor x);

    [Forward("B T 64 -> B T 64")]
    public Tensor Forward(Tensor x)
    {
        x = x + Attention(Norm1(x));
        return x + Down(Ops.Gelu(Up(Norm2(x))));
    }
}

[Model(typeof(CheckConfig))]
public partial class CheckGpt
{
    [Embedding(64, 64)] private partial Tensor Tokens(Tensor x);
    [Embedding(32, 64)] private partial Tensor Positions(Tensor x);
    [Submodel(Repeat = 2)] private partial TorchSharp.Modules.ModuleList<CheckBlock> Blocks { get; }
    [LayerNorm(64)] private partial Tensor Norm(Tensor x);
    [Linear(64, 64, Bias = false)] private partial Tensor Head(Tensor x);

    [Forward("B T -> B T 64")]
    public Tensor Forward(Tensor tokens)
    {
        var x = Tokens(tokens) + Positions(Ops.Positions(tokens));
        foreach (var block in Blocks) x = block.call(x);
        return Head(Norm(x));
    }
}

[Model(typeof(CheckConfig))]
public partial class CheckLstm
{
    [Embedding(64, 32)] private partial Tensor Embed(Tensor x);
    [Lstm(32, 48, Layers = 2)] private partial (Tensor Output, Tensor Hidden, Tensor Cell) Encode(Tensor x);
    [Linear(48, 5)] private partial Tensor Classify(Tensor x);

    [Forward("B T -> B 5")]
    public Tensor Forward(Tensor tokens)
    {
        var (_, hidden, _) = Encode(Embed(tokens));
        return Classify(Ops.Select(hidden, 0, -1));
    }
}

/// <summary>Never loaded: the checks make their own tensors.</summary>
public sealed class NoData : Data.IDataSource
{
    public Data.DataSplits Load(int seed) => throw new System.NotSupportedException("the checks supply their own data");
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class CheckGptTrainer : Trainer<CheckGpt, NoData, CheckConfig>;
