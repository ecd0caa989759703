using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

// The examples' own models, built by the examples' own trainers with their default hyperparameters, each beside
// the same model written as idiomatic TorchSharp: what users run, with their dropout, pooling and attention.

/// <summary>The Quickstart's classifier: 16x16 images flattened, two hidden layers of 256 with ReLU, dropout 0.2, 4 classes; batch 64.</summary>
public sealed class QuickstartStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new Quickstart.ShapeTrainer(new Quickstart.ShapeConfig());
        return (trainer, trainer.TrainStep);
    }

    public override double ForwardFlopsPerSample => 2.0 * (256 * 256 + 256 * 256 + 256 * 4);

    public override int Batch => new Quickstart.ShapeConfig().BatchSize;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new Hand();

    protected override (Tensor, Tensor) CreateBatch() => (randn(Batch, 1, 16, 16), randint(0, 4, Batch));

    private sealed class Hand : nn.Module<Tensor, Tensor>
    {
        private readonly Linear hidden1 = nn.Linear(256, 256), hidden2 = nn.Linear(256, 256), classify = nn.Linear(256, 4);
        private readonly Dropout drop = nn.Dropout(0.2);

        public Hand() : base(nameof(Hand)) => RegisterComponents();

        public override Tensor forward(Tensor image) =>
            classify.forward(drop.forward(nn.functional.relu(hidden2.forward(nn.functional.relu(hidden1.forward(image.flatten(1)))))));
    }
}

/// <summary>The Fashion-MNIST MLP: 784-256-128-10 with ReLU and dropout 0.2 after each hidden layer; batch 128.</summary>
public sealed class FashionMlpStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new FashionMnist.MlpTrainer(new FashionMnist.MlpConfig());
        return (trainer, trainer.TrainStep);
    }

    public override double ForwardFlopsPerSample => 2.0 * (784 * 256 + 256 * 128 + 128 * 10);

    public override int Batch => new FashionMnist.MlpConfig().BatchSize;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new Hand();

    protected override (Tensor, Tensor) CreateBatch() => (randn(Batch, 1, 28, 28), randint(0, 10, Batch));

    private sealed class Hand : nn.Module<Tensor, Tensor>
    {
        private readonly Linear hidden1 = nn.Linear(784, 256), hidden2 = nn.Linear(256, 128), classify = nn.Linear(128, 10);
        private readonly Dropout drop = nn.Dropout(0.2);

        public Hand() : base(nameof(Hand)) => RegisterComponents();

        public override Tensor forward(Tensor image)
        {
            var x = drop.forward(nn.functional.relu(hidden1.forward(image.flatten(1))));
            return classify.forward(drop.forward(nn.functional.relu(hidden2.forward(x))));
        }
    }
}

/// <summary>The Fashion-MNIST CNN: two 3x3 convolutions (32, 64 channels) each with ReLU and 2x2 max pooling, FC 128 with dropout 0.3; batch 128.</summary>
public sealed class FashionCnnStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new FashionMnist.CnnTrainer(new FashionMnist.CnnConfig());
        return (trainer, trainer.TrainStep);
    }

    public override double ForwardFlopsPerSample => 2.0 * (32 * 28 * 28 * 1 * 9 + 64 * 14 * 14 * 32 * 9 + 3136 * 128 + 128 * 10);

    public override int Batch => new FashionMnist.CnnConfig().BatchSize;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new Hand();

    protected override (Tensor, Tensor) CreateBatch() => (randn(Batch, 1, 28, 28), randint(0, 10, Batch));

    private sealed class Hand : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = nn.Conv2d(1, 32, 3, padding: 1), conv2 = nn.Conv2d(32, 64, 3, padding: 1);
        private readonly MaxPool2d pool = nn.MaxPool2d(2);
        private readonly Linear hidden = nn.Linear(3136, 128), classify = nn.Linear(128, 10);
        private readonly Dropout drop = nn.Dropout(0.3);

        public Hand() : base(nameof(Hand)) => RegisterComponents();

        public override Tensor forward(Tensor image)
        {
            var x = pool.forward(nn.functional.relu(conv1.forward(image)));
            x = pool.forward(nn.functional.relu(conv2.forward(x)));
            return classify.forward(drop.forward(nn.functional.relu(hidden.forward(x.flatten(1)))));
        }
    }
}

/// <summary>TinyGpt's model: 97 tokens, 64-token windows, dim 128, 3 pre-norm blocks of 4 heads, MLP 512, head tied to the tokens; batch 64.</summary>
public sealed class TinyGptStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new TinyGpt.GptTrainer(new TinyGpt.GptConfig());
        return (trainer, trainer.TrainStep);
    }

    public override double ForwardFlopsPerSample => ExampleFlops.Gpt(tokens: 64, dim: 128, layers: 3, mlp: 512, vocabulary: 97);

    public override int Batch => new TinyGpt.GptConfig().BatchSize;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new Hand();

    protected override (Tensor, Tensor) CreateBatch() => (randint(0, 97, new long[] { Batch, 64 }), randint(0, 97, new long[] { Batch, 64 }));

    private sealed class Hand : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding tokens = nn.Embedding(97, 128), positions = nn.Embedding(64, 128);
        private readonly ModuleList<GptStep.HandBlock> blocks = new(new GptStep.HandBlock(), new GptStep.HandBlock(), new GptStep.HandBlock());
        private readonly LayerNorm norm = nn.LayerNorm(128);

        public Hand() : base(nameof(Hand)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            var x = tokens.forward(input) + positions.forward(arange(input.size(1), device: input.device));
            foreach (var block in blocks) x = block.forward(x);
            // The head shares the token embedding's weights.
            return nn.functional.linear(norm.forward(x), tokens.weight!);
        }
    }
}

/// <summary>The Loans example's MLP: 10 features, two hidden layers of 32 with ReLU, dropout 0.1, 2 classes; batch 64.</summary>
public sealed class LoansStep : StepBenchmark
{
    protected override (IDisposable, Func<Tensor, Tensor, Tensor>) CreateSculpt()
    {
        var trainer = new Loans.LoanTrainer(new Loans.LoanConfig());
        return (trainer, trainer.TrainStep);
    }

    public override double ForwardFlopsPerSample => 2.0 * (10 * 32 + 32 * 32 + 32 * 2);

    public override int Batch => new Loans.LoanConfig().BatchSize;

    protected override nn.Module<Tensor, Tensor> CreateHandWritten() => new Hand();

    protected override (Tensor, Tensor) CreateBatch() => (randn(Batch, 10), randint(0, 2, Batch));

    private sealed class Hand : nn.Module<Tensor, Tensor>
    {
        private readonly Linear hidden1 = nn.Linear(10, 32), hidden2 = nn.Linear(32, 32), classify = nn.Linear(32, 2);
        private readonly Dropout drop = nn.Dropout(0.1);

        public Hand() : base(nameof(Hand)) => RegisterComponents();

        public override Tensor forward(Tensor loan) =>
            classify.forward(drop.forward(nn.functional.relu(hidden2.forward(nn.functional.relu(hidden1.forward(loan))))));
    }
}
