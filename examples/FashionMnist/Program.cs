// Fashion-MNIST with an MLP and a CNN, declared with Sculpt.
//   dotnet run --project examples/FashionMnist -c Release -- cnn      (or mlp; then any --options)
// The data comes from Debian's package dataset-fashion-mnist, or from --data FOLDER.
//   dotnet run --project examples/FashionMnist -c Release -- transfer   (fine-tuning a pretrained CNN: docs/fine-tuning.md)
using FashionMnist;
using Sculpt;
using Sculpt.Training;
using static TorchSharp.torch;

string model = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "cnn";
string[] options = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
return model switch
{
    "mlp" => MlpTrainer.Run(options),
    "cnn" => CnnTrainer.Run(options),
    "transfer" => Transfer.Run(options),
    _ => Usage(model),
};

static int Usage(string model)
{
    System.Console.Error.WriteLine($"error: unknown model '{model}'; use mlp, cnn or transfer, e.g. dotnet run -c Release -- cnn --epochs 8");
    return 2;
}

namespace FashionMnist
{
    // `dotnet run -c Release -- mlp search --epochs 2 --objective val-accuracy` searches these (docs/search.md).
    [HyperParameters]
    [SearchRange(1e-4, 3e-2, Log = true, Property = nameof(LearningRate))]
    [SearchRange(1e-6, 1e-1, Log = true, Property = nameof(WeightDecay))]
    public partial record MlpConfig : TrainingHyperParameters
    {
        /// <summary>Units in the first hidden layer.</summary>
        [Range(1, 8192), SearchChoice(64, 128, 256, 512, 1024)] public int Hidden1 { get; init; } = 256;

        /// <summary>Units in the second hidden layer.</summary>
        [Range(1, 8192)] public int Hidden2 { get; init; } = 128;

        /// <summary>Share of hidden units dropped in each training step.</summary>
        [Range(0.0, 0.9), SearchRange(0.0, 0.6)] public double Dropout { get; init; } = 0.2;

        public override int Epochs { get; init; } = 15;
        [SearchChoice(32, 64, 128, 256)] public override int BatchSize { get; init; } = 128;
    }

    /// <summary>The published MLP baseline's shape (256-128), with dropout.</summary>
    [Model(typeof(MlpConfig))]
    public partial class Mlp
    {
        [Linear(784, "Hidden1")] private partial Tensor Hidden1(Tensor x);
        [Linear("Hidden1", "Hidden2")] private partial Tensor Hidden2(Tensor x);
        [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
        [Linear("Hidden2", FashionMnistData.Classes)] private partial Tensor Classify(Tensor x);

        [Forward("B 1 28 28 -> B 10")]
        public Tensor Forward(Tensor image) =>
            Classify(Drop(Ops.Relu(Hidden2(Drop(Ops.Relu(Hidden1(Ops.Flatten(image))))))));
    }

    [HyperParameters]
    public partial record CnnConfig : TrainingHyperParameters
    {
        /// <summary>Channels of the first 3x3 convolution.</summary>
        [Range(1, 512)] public int Channels1 { get; init; } = 32;

        /// <summary>Channels of the second 3x3 convolution.</summary>
        [Range(1, 512)] public int Channels2 { get; init; } = 64;

        /// <summary>Units in the fully connected layer after the convolutions.</summary>
        [Range(1, 8192)] public int Hidden { get; init; } = 128;

        /// <summary>Share of the fully connected layer's units dropped in each training step.</summary>
        [Range(0.0, 0.9)] public double Dropout { get; init; } = 0.3;

        /// <summary>Classes the head scores: 10 for Fashion-MNIST, fewer for a model pretrained or fine-tuned on some of them.</summary>
        [Range(2, 1000)] public int Classes { get; init; } = FashionMnistData.Classes;

        public override int Epochs { get; init; } = 8;
        public override int BatchSize { get; init; } = 128;
    }

    /// <summary>Two convolutions with pooling, as in the published 0.916 baseline.</summary>
    [Model(typeof(CnnConfig))]
    public partial class Cnn
    {
        [Conv2d(1, "Channels1", 3, Padding = 1)] private partial Tensor Conv1(Tensor x);
        [Conv2d("Channels1", "Channels2", 3, Padding = 1)] private partial Tensor Conv2(Tensor x);
        [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
        [Linear(7 * 7 * 64, "Hidden")] private partial Tensor Hidden(Tensor x);
        [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
        [Linear("Hidden", "Classes")] private partial Tensor Classify(Tensor x);

        [Forward("B 1 28 28 -> B Classes")]
        public Tensor Forward(Tensor image)
        {
            var x = Pool(Ops.Relu(Conv1(image)));
            x = Pool(Ops.Relu(Conv2(x)));
            return Classify(Drop(Ops.Relu(Hidden(Ops.Flatten(x)))));
        }
    }

    [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
    public partial class MlpTrainer : Trainer<Mlp, FashionMnistData, MlpConfig>;

    [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
    public partial class CnnTrainer : Trainer<Cnn, FashionMnistData, CnnConfig>;
}
