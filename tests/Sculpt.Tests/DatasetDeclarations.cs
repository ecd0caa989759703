using Sculpt.Training;
using static TorchSharp.torch;

namespace Sculpt.Tests;

// Dataset declarations the runtime tests load from files they write; the generator builds their loaders.

[CsvDataset("flowers.csv", Validation = 0.25, Test = 0.25)]
public partial record Flowers
{
    public float Length { get; init; }
    [Feature(Column = "petal width")] public double Width { get; init; }
    public bool Spotted { get; init; }
    [Label(ClassNames = ["rose", "tulip"])] public string Kind { get; init; } = "";
    [Ignore] public string Comment { get; init; } = "";
}

[CsvDataset("sparse.csv", Missing = MissingValues.FillMean, OnBadRecord = BadRecords.Skip, Normalize = false, Stratify = false)]
public partial record Sparse
{
    public float A { get; init; }
    public float B { get; init; }
    [Label] public int Class { get; init; }
}

[CsvDataset("prices.tsv", Delimiter = '\t', Header = false, Missing = MissingValues.SkipRow, Normalize = false)]
public partial record Prices
{
    public float Rooms { get; init; }
    [Feature(Index = 2)] public float Age { get; init; }
    [Label(Index = 1)] public double Price { get; init; }
}

[CsvDataset("train.csv", TestFile = "test.csv", Validation = 0.25)]
public partial record Split
{
    public float X { get; init; }
    [Label] public string Kind { get; init; } = "";
}

[CsvDataset("people.csv", Missing = MissingValues.Fill, Normalize = false, Stratify = false, Validation = 0.5)]
public partial record People
{
    public float Age { get; init; }
    [Feature(Categories = ["north", "south", "east"])] public string Region { get; init; } = "";
    [Label] public bool Subscribed { get; init; }
}

[CsvDataset("strict.csv")]
public partial record Strict
{
    public float X { get; init; }
    [Label(Classes = 3)] public int Y { get; init; }
}

[IdxDataset("images.idx", "labels.idx", Shape = "1 2 3", Classes = 10, TestImages = "test-images.idx", TestLabels = "test-labels.idx", Validation = 0.25)]
[ImageAugmentation(CropPadding = 1, FlipHorizontal = true)]
public partial class TinyIdx;

[ImageFolderDataset("pictures", Width = 4, Height = 3, Channels = 3, Validation = 0.25, OnBadRecord = BadRecords.Skip)]
public partial class Pictures;

[ImageFolderDataset("pictures", Width = 4, Height = 3, Channels = 1, Validation = 0.25)]
public partial class StrictPictures;

[TextDataset("story.txt", Context = 8, CacheFolder = "sculpt-test-token-cache", Validation = 0.2, Test = 0.1)]
[TokenAugmentation(MaskProbability = 0.25, MaskToken = 0, SpanLength = 2)]
public partial class Story;

[HyperParameters]
public partial record FlowerConfig : TrainingHyperParameters
{
    public override int Epochs { get; init; } = 30;
    public override int BatchSize { get; init; } = 16;
    public override double LearningRate { get; init; } = 0.05;
}

[Model(typeof(FlowerConfig))]
public partial class FlowerNet
{
    [Linear(3, 2)] private partial Tensor Classify(Tensor x);

    [Forward("B 3 -> B 2")]
    public Tensor Forward(Tensor x) => Classify(x);
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class FlowerTrainer : Trainer<FlowerNet, Flowers, FlowerConfig>;

// Trainers on the declared datasets above, for the fault suite (FaultTests): each model fits its data.

[Model(typeof(FlowerConfig))]
public partial class IdxNet
{
    [Linear(6, 10)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 2 3 -> B 10")]
    public Tensor Forward(Tensor image) => Classify(Ops.Flatten(image));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class IdxTrainer : Trainer<IdxNet, TinyIdx, FlowerConfig>;

[Model(typeof(FlowerConfig))]
public partial class PictureNet
{
    [Linear(12, 2)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 3 4 -> B 2")]
    public Tensor Forward(Tensor image) => Classify(Ops.Flatten(image));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class PictureTrainer : Trainer<PictureNet, StrictPictures, FlowerConfig>;

[Model(typeof(FlowerConfig))]
public partial class StoryNet
{
    [Embedding(97, 8)] private partial Tensor Embed(Tensor x);
    [Linear(8, 97)] private partial Tensor Predict(Tensor x);

    [Forward("B 8 -> B 8 97")]
    public Tensor Forward(Tensor tokens) => Predict(Embed(tokens));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class StoryTrainer : Trainer<StoryNet, Story, FlowerConfig>;

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class StrictTrainer : Trainer<StrictNet, Strict, FlowerConfig>;

[Model(typeof(FlowerConfig))]
public partial class StrictNet
{
    [Linear(1, 3)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 -> B 3")]
    public Tensor Forward(Tensor x) => Classify(x);
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class SplitTrainer : Trainer<SplitNet, Split, FlowerConfig>;

[Model(typeof(FlowerConfig))]
public partial class SplitNet
{
    [Linear(1, 2)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 -> B 2")]
    public Tensor Forward(Tensor x) => Classify(x);
}

// Vector features (VectorFeatureTests): a Kaggle-style 785-column pixel file, label,pixel1,...,pixel784.

[CsvDataset("pixels.csv", Validation = 0.25)]
public partial record PixelRows
{
    [Label(Classes = 10)] public int Label { get; init; }
    [Feature(Columns = "pixel1..pixel784", Shape = "1 28 28")] public float[] Pixels { get; init; } = [];
}

[CsvDataset("bands.csv", Normalize = false, Validation = 0.25, Stratify = false)]
public partial record Bands
{
    [Feature(ColumnPattern = "band*", Count = 4)] public float[] Band { get; init; } = [];
    [Feature(Column = "temp")] public float Temperature { get; init; }
    [Label] public double Level { get; init; }
}

[CsvDataset("raw.csv", Header = false, Normalize = false, Validation = 0.25, Stratify = false, OnBadRecord = BadRecords.Skip)]
public partial record RawRows
{
    [Label] public bool Alarm { get; init; }
    [Feature(Count = 3)] public float[] Readings { get; init; } = [];
    public float Temperature { get; init; }
    [Feature(Index = 6, Count = 2)] public bool[] Flags { get; init; } = [];
}

[CsvDataset("grid.csv", Validation = 0.25, Stratify = false)]
public partial record GridRows
{
    [Feature(Columns = "v1..v6", Shape = "2 3")] public float[] Values { get; init; } = [];
    [Label] public int Kind { get; init; }
}

// Two patterns may meet in one column; only the file can tell, and the loader refuses it.
[CsvDataset("overlap.csv")]
public partial record OverlappingPatterns
{
    [Feature(ColumnPattern = "a*", Count = 2)] public float[] A { get; init; } = [];
    [Feature(ColumnPattern = "*b", Count = 1)] public float[] B { get; init; } = [];
    [Label] public int Kind { get; init; }
}

[HyperParameters]
public partial record PixelConfig : TrainingHyperParameters
{
    public override int Epochs { get; init; } = 3;
    public override int BatchSize { get; init; } = 32;
    public override double LearningRate { get; init; } = 0.01;
}

[Model(typeof(PixelConfig))]
public partial class PixelNet
{
    [Conv2d(1, 4, 4, Stride = 4)] private partial Tensor Patches(Tensor x);
    [Linear(4 * 7 * 7, 10)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 28 28 -> B 10")]
    public Tensor Forward(Tensor image) => Classify(Ops.Flatten(Ops.Relu(Patches(image))));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class PixelTrainer : Trainer<PixelNet, PixelRows, PixelConfig>;
