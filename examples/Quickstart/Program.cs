// Sculpt's quickstart: a classifier of 16x16 pictures of shapes that the program draws itself.
// `dotnet run -c Release` trains it; `dotnet run -c Release -- --help` lists the options.
using Quickstart;
using Sculpt;
using Sculpt.Training;
using static TorchSharp.torch;

return ShapeTrainer.Run(args);

namespace Quickstart
{
    // `dotnet run -c Release -- search` tries the searched hyperparameters (docs/search.md).
    [HyperParameters]
    [SearchRange(1e-4, 1e-2, Log = true, Property = nameof(LearningRate))]
    public partial record ShapeConfig : TrainingHyperParameters
    {
        /// <summary>Units in each of the two hidden layers.</summary>
        [Range(1, 4096), SearchChoice(64, 128, 256, 512)] public int Hidden { get; init; } = 256;

        /// <summary>Share of hidden units dropped in each training step.</summary>
        [Range(0.0, 0.9), SearchRange(0.0, 0.5)] public double Dropout { get; init; } = 0.2;

        public override int Epochs { get; init; } = 10;
    }

    [Model(typeof(ShapeConfig))]
    public partial class ShapeClassifier
    {
        [Linear(256, "Hidden")] private partial Tensor Hidden1(Tensor x);
        [Linear("Hidden", "Hidden")] private partial Tensor Hidden2(Tensor x);
        [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
        [Linear("Hidden", SyntheticShapes.Classes)] private partial Tensor Classify(Tensor x);

        [Forward("B 1 16 16 -> B 4")]
        public Tensor Forward(Tensor image) =>
            Classify(Drop(Ops.Relu(Hidden2(Ops.Relu(Hidden1(Ops.Flatten(image)))))));
    }

    [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
    public partial class ShapeTrainer : Trainer<ShapeClassifier, SyntheticShapes, ShapeConfig>;
}
