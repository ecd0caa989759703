using System;
using Sculpt.Data;
using Sculpt.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

// The four workloads of docs/performance.md, each declared with Sculpt and written by hand.

/// <summary>Never loaded: the benchmarks feed tensors to <c>TrainStep</c> directly.</summary>
public sealed class NoData : IDataSource
{
    public DataSplits Load(int seed) => throw new NotSupportedException("the benchmark supplies its own batches");
}

[HyperParameters]
public partial record BenchConfig : TrainingHyperParameters
{
    public override int Seed { get; init; } = 42;
}

// ---- MLP 784-512-512-10, batch 128 ----

[Model(typeof(BenchConfig))]
public partial class Mlp
{
    [Linear(784, 512)] private partial Tensor Hidden1(Tensor x);
    [Linear(512, 512)] private partial Tensor Hidden2(Tensor x);
    [Linear(512, 10)] private partial Tensor Classify(Tensor x);

    [Forward("B 784 -> B 10")]
    public Tensor Forward(Tensor x) => Classify(Ops.Relu(Hidden2(Ops.Relu(Hidden1(x)))));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class MlpTrainer : Trainer<Mlp, NoData, BenchConfig>;

public class MlpStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new MlpTrainer(new BenchConfig());
        return (trainer, trainer.TrainStep);
    }

    public override double ForwardFlopsPerSample => 2.0 * (784 * 512 + 512 * 512 + 512 * 10);

    public override int Batch => 128;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new HandMlp();

    protected override (Tensor, Tensor) CreateBatch() => (randn(128, 784), randint(0, 10, 128));

    private sealed class HandMlp : nn.Module<Tensor, Tensor>
    {
        private readonly Linear hidden1 = nn.Linear(784, 512), hidden2 = nn.Linear(512, 512), classify = nn.Linear(512, 10);

        public HandMlp() : base(nameof(HandMlp)) => RegisterComponents();

        public override Tensor forward(Tensor x) => classify.forward(nn.functional.relu(hidden2.forward(nn.functional.relu(hidden1.forward(x)))));
    }
}

// ---- Deep MLP: 32 x (Linear(128, 128) + ReLU), then Linear(128, 10), batch 64 ----

[Model]
public partial class DenseRelu
{
    [Linear(128, 128)] private partial Tensor Dense(Tensor x);

    [Forward("B 128 -> B 128")]
    public Tensor Forward(Tensor x) => Ops.Relu(Dense(x));
}

[Model(typeof(BenchConfig))]
public partial class DeepMlp
{
    [Submodel(Repeat = 32)] private partial ModuleList<DenseRelu> Layers { get; }
    [Linear(128, 10)] private partial Tensor Classify(Tensor x);

    [Forward("B 128 -> B 10")]
    public Tensor Forward(Tensor x)
    {
        foreach (var layer in Layers) x = layer.call(x);
        return Classify(x);
    }
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class DeepMlpTrainer : Trainer<DeepMlp, NoData, BenchConfig>;

public class DeepMlpStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new DeepMlpTrainer(new BenchConfig());
        return (trainer, trainer.TrainStep);
    }

    public override double ForwardFlopsPerSample => 2.0 * (32 * 128 * 128 + 128 * 10);

    public override int Batch => 64;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new HandDeepMlp();

    protected override (Tensor, Tensor) CreateBatch() => (randn(64, 128), randint(0, 10, 64));

    internal sealed class HandDeepMlp : nn.Module<Tensor, Tensor>
    {
        private readonly ModuleList<Linear> layers = new();
        private readonly Linear classify = nn.Linear(128, 10);

        public HandDeepMlp() : base(nameof(HandDeepMlp))
        {
            for (int i = 0; i < 32; i++) layers.Add(nn.Linear(128, 128));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            foreach (var layer in layers) x = nn.functional.relu(layer.forward(x));
            return classify.forward(x);
        }
    }
}

// ---- LeNet-5 on 1x28x28, batch 64 ----

[Model(typeof(BenchConfig))]
public partial class LeNet5
{
    [Conv2d(1, 6, 5, Padding = 2)] private partial Tensor Conv1(Tensor x);
    [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
    [Conv2d(6, 16, 5)] private partial Tensor Conv2(Tensor x);
    [Linear(400, 120)] private partial Tensor Fc1(Tensor x);
    [Linear(120, 84)] private partial Tensor Fc2(Tensor x);
    [Linear(84, 10)] private partial Tensor Fc3(Tensor x);

    [Forward("B 1 28 28 -> B 10")]
    public Tensor Forward(Tensor image)
    {
        var x = Pool(Ops.Relu(Conv1(image)));
        x = Pool(Ops.Relu(Conv2(x)));
        return Fc3(Ops.Relu(Fc2(Ops.Relu(Fc1(Ops.Flatten(x))))));
    }
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class LeNetTrainer : Trainer<LeNet5, NoData, BenchConfig>;

public class LeNetStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new LeNetTrainer(new BenchConfig());
        return (trainer, trainer.TrainStep);
    }

    // Convolutions: 2 x out channels x out pixels x in channels x kernel area.
    public override double ForwardFlopsPerSample => 2.0 * (6 * 28 * 28 * 25 + 16 * 10 * 10 * 6 * 25 + 400 * 120 + 120 * 84 + 84 * 10);

    public override int Batch => 64;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new HandLeNet();

    protected override (Tensor, Tensor) CreateBatch() => (randn(64, 1, 28, 28), randint(0, 10, 64));

    private sealed class HandLeNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = nn.Conv2d(1, 6, 5, padding: 2), conv2 = nn.Conv2d(6, 16, 5);
        private readonly MaxPool2d pool = nn.MaxPool2d(2);
        private readonly Linear fc1 = nn.Linear(400, 120), fc2 = nn.Linear(120, 84), fc3 = nn.Linear(84, 10);

        public HandLeNet() : base(nameof(HandLeNet)) => RegisterComponents();

        public override Tensor forward(Tensor image)
        {
            var x = pool.forward(nn.functional.relu(conv1.forward(image)));
            x = pool.forward(nn.functional.relu(conv2.forward(x)));
            return fc3.forward(nn.functional.relu(fc2.forward(nn.functional.relu(fc1.forward(x.flatten(1))))));
        }
    }
}

// ---- A small GPT: vocab 256, context 64, dim 128, 4 pre-norm blocks, 4 heads, MLP 512, batch 16 ----

[HyperParameters]
public partial record GptBenchConfig : TrainingHyperParameters
{
    public int Vocabulary { get; init; } = 256;
    public int Context { get; init; } = 64;
    public int Dim { get; init; } = 128;
    public int Heads { get; init; } = 4;
    public int Layers { get; init; } = 4;
    public int Mlp { get; init; } = 512;
}

[Model(typeof(GptBenchConfig))]
public partial class GptBlock
{
    [LayerNorm("Dim")] private partial Tensor Norm1(Tensor x);
    [SelfAttention("Dim", "Heads", Causal = true)] private partial Tensor Attention(Tensor x);
    [LayerNorm("Dim")] private partial Tensor Norm2(Tensor x);
    [Linear("Dim", "Mlp")] private partial Tensor Up(Tensor x);
    [Linear("Mlp", "Dim")] private partial Tensor Down(Tensor x);

    [Forward("B T Dim -> B T Dim")]
    public Tensor Forward(Tensor x)
    {
        x = x + Attention(Norm1(x));
        return x + Down(Ops.Gelu(Up(Norm2(x))));
    }
}

[Model(typeof(GptBenchConfig))]
public partial class SmallGpt
{
    [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
    [Embedding("Context", "Dim")] private partial Tensor Positions(Tensor x);
    [Submodel(Repeat = "Layers")] private partial ModuleList<GptBlock> Blocks { get; }
    [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
    [Linear("Dim", "Vocabulary", Bias = false)] private partial Tensor Head(Tensor x);

    [Forward("B T -> B T Vocabulary")]
    public Tensor Forward(Tensor tokens)
    {
        var x = Tokens(tokens) + Positions(Ops.Positions(tokens));
        foreach (var block in Blocks) x = block.call(x);
        return Head(Norm(x));
    }
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class GptTrainer : Trainer<SmallGpt, NoData, GptBenchConfig>;

public class GptStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new GptTrainer(new GptBenchConfig());
        return (trainer, trainer.TrainStep);
    }

    public override double ForwardFlopsPerSample => ExampleFlops.Gpt(tokens: 64, dim: 128, layers: 4, mlp: 512, vocabulary: 256);

    public override int Batch => 16;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new HandGpt();

    protected override (Tensor, Tensor) CreateBatch() => (randint(0, 256, new long[] { 16, 64 }), randint(0, 256, new long[] { 16, 64 }));

    /// <summary>A pre-norm block of dim 128, 4 heads, MLP 512, written by hand; TinyGpt's blocks have the same sizes.</summary>
    internal sealed class HandBlock : nn.Module<Tensor, Tensor>
    {
        private readonly LayerNorm norm1 = nn.LayerNorm(128), norm2 = nn.LayerNorm(128);
        private readonly Linear qkv = nn.Linear(128, 384), proj = nn.Linear(128, 128), up = nn.Linear(128, 512), down = nn.Linear(512, 128);

        public HandBlock() : base(nameof(HandBlock)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            long batch = x.size(0), time = x.size(1);
            var heads = qkv.forward(norm1.forward(x)).view(batch, time, 3, 4, 32).permute(2, 0, 3, 1, 4);
            var attended = nn.functional.scaled_dot_product_attention(heads[0], heads[1], heads[2], is_casual: true);
            x = x + proj.forward(attended.transpose(1, 2).reshape(batch, time, 128));
            return x + down.forward(nn.functional.gelu(up.forward(norm2.forward(x))));
        }
    }

    private sealed class HandGpt : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding tokens = nn.Embedding(256, 128), positions = nn.Embedding(64, 128);
        private readonly ModuleList<HandBlock> blocks = new(new HandBlock(), new HandBlock(), new HandBlock(), new HandBlock());
        private readonly LayerNorm norm = nn.LayerNorm(128);
        private readonly Linear head = nn.Linear(128, 256, hasBias: false);

        public HandGpt() : base(nameof(HandGpt)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            var x = tokens.forward(input) + positions.forward(arange(input.size(1), device: input.device));
            foreach (var block in blocks) x = block.forward(x);
            return head.forward(norm.forward(x));
        }
    }
}
