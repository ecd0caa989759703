namespace Sculpt.Generators.Tests;

/// <summary>Declarations the generator tests share: one per concept and variant.</summary>
internal static class Samples
{
    public const string HyperParameters = """
        using Sculpt;
        using Sculpt.Training;

        namespace Demo;

        public enum Activation { Relu, Gelu }

        [HyperParameters]
        public partial record MlpConfig : TrainingHyperParameters
        {
            /// <summary>Width of the hidden layers.</summary>
            [Range(1, 4096)] public int Hidden { get; init; } = 256;
            [System.ComponentModel.Description("Probability of zeroing a hidden unit in training.")]
            [Range(0.0, 0.9)] public double Dropout { get; init; } = 0.2;
            public long MaxSteps { get; init; } = 1_000;
            public float Scale { get; init; } = 0.5f;
            public bool UseBias { get; init; } = true;
            public string RunName { get; init; } = "mlp";
            public Activation Activation { get; init; } = Activation.Relu;
            public override int Epochs { get; init; } = 3;
            public int Derived => Hidden * 2;
        }
        """;

    public const string Model = """
        using Sculpt;
        using static TorchSharp.torch;

        namespace Demo;

        [HyperParameters]
        public partial record MlpConfig
        {
            public int Hidden { get; init; } = 128;
            public double Dropout { get; init; } = 0.1;
        }

        [Model(typeof(MlpConfig))]
        public partial class Mlp
        {
            [Linear(784, "Hidden")] private partial Tensor Hidden1(Tensor x);
            [Dropout("Dropout")] internal partial Tensor Drop(Tensor x);
            [Linear("Hidden", 10, Bias = false)] public partial Tensor Classify(Tensor x);

            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor image)
            {
                var flat = Ops.Flatten(image);
                var hidden = Ops.Gelu(Hidden1(flat));
                return Classify(Drop(Ops.Tanh(Ops.Sigmoid(Ops.Relu(hidden)))));
            }
        }
        """;

    public const string ModelWithoutConfig = """
        using Sculpt;
        using static TorchSharp.torch;

        namespace Demo.Nested;

        public static partial class Outer
        {
            [Model]
            public partial class Regressor
            {
                [Linear(8, 16)] private partial Tensor Input(Tensor x);
                [Dropout(0.25)] private partial Tensor Drop(Tensor x);
                [Linear(16, 1)] private partial Tensor Output(Tensor x);

                [Forward("*batch 8 -> *batch 1")]
                public Tensor Forward(Tensor features) => Output(Drop(Ops.Relu(Input(features))));
            }
        }
        """;

    public const string ModelWithTwoInputs = """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record PairConfig
        {
            public int Width { get; init; } = 32;
        }

        [Model(typeof(PairConfig))]
        public partial class PairScorer
        {
            [Linear("Width", "Width")] private partial Tensor Left(Tensor x);
            [Linear("Width", 1)] private partial Tensor Score(Tensor x);

            [Forward("B Width, B Width -> B 1")]
            public Tensor Forward(Tensor a, Tensor b) => Score(Left(a) + Left(b));
        }
        """;

    public const string Trainers = """
        using Sculpt;
        using Sculpt.Data;
        using Sculpt.Training;
        using static TorchSharp.torch;

        namespace Demo;

        [HyperParameters]
        public partial record TinyConfig : TrainingHyperParameters
        {
            public int Hidden { get; init; } = 16;
        }

        [Model(typeof(TinyConfig))]
        public partial class Tiny
        {
            [Linear(4, "Hidden")] private partial Tensor Hidden1(Tensor x);
            [Linear("Hidden", 3)] private partial Tensor Output(Tensor x);

            [Forward("B 4 -> B 3")]
            public Tensor Forward(Tensor x) => Output(Ops.Relu(Hidden1(x)));
        }

        public sealed class TinyData : IDataSource
        {
            public DataSplits Load(int seed) => throw new System.NotImplementedException();
        }

        [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
        public partial class TinyClassifierTrainer : Trainer<Tiny, TinyData, TinyConfig>;

        [Trainer(Loss.MeanSquaredError, Optimizer.Sgd)]
        public partial class TinyRegressionTrainer : Trainer<Tiny, TinyData, TinyConfig>;

        [HyperParameters]
        public partial record TinyLanguageConfig : Sculpt.Preference.PreferenceHyperParameters
        {
            public int Vocabulary { get; init; } = 20;
        }

        [Model(typeof(TinyLanguageConfig))]
        public partial class TinyLanguage
        {
            [Embedding("Vocabulary", 8)] private partial Tensor Embed(Tensor x);
            [Linear(8, "Vocabulary")] private partial Tensor Head(Tensor x);

            [Forward("B T -> B T Vocabulary")]
            public Tensor Forward(Tensor tokens) => Head(Embed(tokens));
        }

        [Trainer(Loss.Dpo, Optimizer.AdamW)]
        public partial class TinyPreferenceTrainer : Trainer<TinyLanguage, TinyData, TinyLanguageConfig>;

        [Model(typeof(TinyLanguageConfig))]
        public partial class TinyScorer
        {
            [Embedding("Vocabulary", 8)] private partial Tensor Embed(Tensor x);
            [Linear(8, 1)] private partial Tensor Score(Tensor x);

            [Forward("B T -> B T 1")]
            public Tensor Forward(Tensor tokens) => Score(Embed(tokens));
        }

        [Trainer(Loss.BradleyTerry, Optimizer.AdamW)]
        public partial class TinyRewardTrainer : Trainer<TinyScorer, TinyData, TinyLanguageConfig>;

        [Trainer(Loss.Rloo, Optimizer.AdamW, Reward = typeof(TinyScorer))]
        public partial class TinyRlhfTrainer : Trainer<TinyLanguage, TinyData, TinyLanguageConfig>;

        [Trainer(Loss.Rloo, Optimizer.AdamW)]
        public partial class TinyRuleRlhfTrainer : Trainer<TinyLanguage, TinyData, TinyLanguageConfig>
        {
            protected override Tensor Reward(Tensor sequences) => sequences.eq(3).to(float32).mean([1]);
        }
        """;

    public const string LeNet = """
        using Sculpt;
        using static TorchSharp.torch;

        namespace Demo;

        [Model]
        public partial class LeNet5
        {
            [Conv2d(1, 6, 5)] private partial Tensor Conv1(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool1(Tensor x);
            [Conv2d(6, 16, 5)] private partial Tensor Conv2(Tensor x);
            [AvgPool2d(2, Stride = 2)] private partial Tensor Pool2(Tensor x);
            [BatchNorm2d(16)] private partial Tensor Norm(Tensor x);
            [Linear(400, 120)] private partial Tensor Fc1(Tensor x);
            [LayerNorm(120)] private partial Tensor Fc1Norm(Tensor x);
            [Linear(120, 84)] private partial Tensor Fc2(Tensor x);
            [Linear(84, 10)] private partial Tensor Fc3(Tensor x);

            [Forward("B 1 32 32 -> B 10")]
            public Tensor Forward(Tensor image)
            {
                var x = Pool1(Ops.Relu(Conv1(image)));
                x = Norm(Pool2(Ops.Relu(Conv2(x))));
                x = Ops.Relu(Fc1Norm(Fc1(Ops.Flatten(x))));
                return Fc3(Ops.Relu(Fc2(x)));
            }
        }

        [HyperParameters]
        public partial record TextConfig
        {
            public int Vocabulary { get; init; } = 100;
            public int Width { get; init; } = 16;
        }

        [Model(typeof(TextConfig))]
        public partial class BagOfWords
        {
            [Embedding("Vocabulary", "Width")] private partial Tensor Embed(Tensor tokens);
            [Conv2d(1, 4, 3, Padding = 1, Groups = 1, Bias = false)] private partial Tensor Smooth(Tensor x);
            [Linear("Width", 2)] private partial Tensor Classify(Tensor x);

            [Forward("B T -> B 2")]
            public Tensor Forward(Tensor tokens) => Classify(Ops.Mean(Embed(tokens), 1));
        }
        """;

    public const string Submodels = """
        using Sculpt;
        using static TorchSharp.torch;

        namespace Demo;

        [HyperParameters]
        public partial record BlockConfig
        {
            public int Width { get; init; } = 8;
            public int Depth { get; init; } = 2;
        }

        [Model(typeof(BlockConfig))]
        public partial class Residual
        {
            [Linear("Width", "Width")] private partial Tensor Mix(Tensor x);

            [Forward("*batch Width -> *batch Width")]
            public Tensor Forward(Tensor x) => x + Ops.Gelu(Mix(x));
        }

        [Model]
        public partial class Head
        {
            [Linear(8, 2)] private partial Tensor Out(Tensor x);

            [Forward("B 8 -> B 2")]
            public Tensor Forward(Tensor x) => Out(x);
        }

        [Model(typeof(BlockConfig))]
        public partial class Tower
        {
            [Submodel(Repeat = "Depth")] private partial TorchSharp.Modules.ModuleList<Residual> Blocks { get; }

            [Forward("B T Width -> B T Width")]
            public Tensor Forward(Tensor x)
            {
                foreach (var block in Blocks) x = block.call(x);
                return x;
            }
        }

        [Model(typeof(BlockConfig))]
        public partial class Stack
        {
            [Submodel] private partial Residual First { get; }
            [Submodel] private partial Residual Second { get; }
            [Submodel] internal partial Head Classifier { get; }

            [Forward("B Width -> B 2")]
            public Tensor Forward(Tensor x) => Classifier.call(Second.call(First.call(x)));
        }
        """;

    /// <summary>Sequence layers, recurrent states, cross-attention, weight tying and initialisation schemes.</summary>
    public const string Sequences = """
        using Sculpt;
        using static TorchSharp.torch;

        namespace Demo;

        [HyperParameters]
        public partial record TextConfig
        {
            public int Vocabulary { get; init; } = 100;
            public int Dim { get; init; } = 32;
            public int Heads { get; init; } = 4;
            public int Layers { get; init; } = 2;
        }

        [Model(typeof(TextConfig), Init = InitScheme.Normal, InitStd = 0.02)]
        public partial class Reader
        {
            [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
            [Init(InitScheme.XavierUniform)]
            [Conv1d("Dim", "Dim", 3, Padding = 1, Groups = 4)] private partial Tensor Local(Tensor x);
            [BatchNorm1d("Dim")] private partial Tensor Norm(Tensor x);
            [Dropout1d(0.1)] private partial Tensor Drop(Tensor x);
            [MaxPool1d(2)] private partial Tensor Pool(Tensor x);
            [Lstm("Dim", "Dim", Layers = 2, Bidirectional = true)] private partial (Tensor Output, Tensor Hidden, Tensor Cell) Encode(Tensor x);
            [Gru("Dim", "Dim")] private partial Tensor Summarize(Tensor x);
            [Init(InitScheme.Normal, ScaleByDepth = "Layers")]
            [CrossAttention("Dim", "Heads")] private partial Tensor Attend(Tensor x, Tensor context);
            [Identity] private partial Tensor Same(Tensor x);
            [Linear(64, "Dim")] private partial Tensor Merge(Tensor x);
            [Linear("Dim", "Vocabulary", Bias = false, TiedTo = nameof(Tokens))] private partial Tensor Head(Tensor x);

            [Forward("B T, B S Dim -> B T Vocabulary")]
            public Tensor Forward(Tensor tokens, Tensor memory)
            {
                var x = Tokens(tokens);
                var local = Ops.Transpose(Drop(Norm(Local(Ops.Transpose(x, 1, 2)))), 1, 2);
                var (output, _, _) = Encode(local);
                var merged = Merge(output) + Summarize(Same(x));
                return Head(Attend(merged, memory));
            }
        }
        """;

    public const string Datasets = """
        using Sculpt;
        using Sculpt.Training;
        using static TorchSharp.torch;

        namespace Demo;

        [CsvDataset("data/iris.csv", Validation = 0.2, Test = 0.1, Missing = MissingValues.FillMean, OnBadRecord = BadRecords.Skip)]
        public partial record Iris
        {
            [Feature(Column = "sepal.length")] public float SepalLength { get; init; }
            public double SepalWidth { get; init; }
            public float PetalLength { get; init; }
            public float PetalWidth { get; init; }
            public bool Measured { get; init; }
            [Feature(Categories = ["garden", "wild"])] public string Origin { get; init; } = "";
            [Label(ClassNames = ["setosa", "versicolor", "virginica"])] public string Species { get; init; } = "";
            [Ignore] public string Note { get; init; } = "";
        }

        [CsvDataset("houses.tsv", Delimiter = '\t', Header = false, Missing = MissingValues.Fill, Fill = -1)]
        public partial record Houses
        {
            public float Rooms { get; init; }
            [Feature(Index = 3)] public float Age { get; init; }
            [Label(Index = 1)] public double Price { get; init; }
            [Label(Index = 2)] public double Rent { get; init; }
        }

        [IdxDataset("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz",
            TestImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", TestLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
            Shape = "1 28 28", Classes = 10, Validation = 0.05)]
        [ImageAugmentation(CropPadding = 2, FlipHorizontal = true)]
        public partial class FashionImages;

        [ImageFolderDataset("pets", Width = 32, Height = 24, Channels = 3, ClassNames = ["cat", "dog"], Test = 0.2, LastBatch = LastBatch.Drop)]
        [ImageAugmentation(Rotation = 10, Translate = 0.1, FlipVertical = true)]
        public partial class Pets;

        [TextDataset("corpus.txt", Tokenizer = Tokenization.Gpt2, Context = 32, CacheFolder = "cache")]
        [TokenAugmentation(MaskProbability = 0.1, SpanLength = 3, MaskToken = 50256)]
        public partial class Corpus;

        [HyperParameters]
        public partial record IrisConfig : TrainingHyperParameters;

        [Model(typeof(IrisConfig))]
        public partial class IrisNet
        {
            [Linear(7, 3)] private partial Tensor Classify(Tensor x);

            [Forward("B 7 -> B 3")]
            public Tensor Forward(Tensor x) => Classify(x);
        }

        [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
        public partial class IrisTrainer : Trainer<IrisNet, Iris, IrisConfig>;
        """;

    public const string VectorDatasets = """
        using Sculpt;
        using Sculpt.Training;
        using static TorchSharp.torch;

        namespace Demo;

        // Kaggle's Fashion-MNIST CSV: label,pixel1,...,pixel784.
        [CsvDataset("fashion-mnist_train.csv", Validation = 0.1)]
        public partial record FashionPixels
        {
            [Label(Classes = 10)] public int Label { get; init; }
            [Feature(Columns = "pixel1..pixel784", Shape = "1 28 28")] public float[] Pixels { get; init; } = [];
        }

        [CsvDataset("sensors.csv", Header = false, Missing = MissingValues.FillMean)]
        public partial record Sensors
        {
            [Label] public bool Alarm { get; init; }
            [Feature(Count = 16)] public float[] Readings { get; init; } = [];
            public float Temperature { get; init; }
            [Feature(Index = 20, Count = 3)] public bool[] Flags { get; init; } = [];
        }

        [CsvDataset("spectra.csv")]
        public partial record Spectra
        {
            [Feature(ColumnPattern = "band_*", Count = 64)] public double[] Bands { get; init; } = [];
            public bool Calibrated { get; init; }
            [Label] public double Concentration { get; init; }
        }

        [HyperParameters]
        public partial record PixelConfig : TrainingHyperParameters;

        [Model(typeof(PixelConfig))]
        public partial class PixelNet
        {
            [Conv2d(1, 4, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Linear(4 * 28 * 28, 10)] private partial Tensor Classify(Tensor x);

            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor image) => Classify(Ops.Flatten(Ops.Relu(Conv(image))));
        }

        [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
        public partial class PixelTrainer : Trainer<PixelNet, FashionPixels, PixelConfig>;
        """;

    public static readonly (string Name, string Source)[] All =
    [
        (nameof(HyperParameters), HyperParameters),
        (nameof(Model), Model),
        (nameof(ModelWithoutConfig), ModelWithoutConfig),
        (nameof(ModelWithTwoInputs), ModelWithTwoInputs),
        (nameof(Trainers), Trainers),
        (nameof(LeNet), LeNet),
        (nameof(Submodels), Submodels),
        (nameof(Sequences), Sequences),
        (nameof(Datasets), Datasets),
        (nameof(VectorDatasets), VectorDatasets),
    ];
}
