using System.Linq;
using Xunit;

namespace Sculpt.Generators.Tests;

/// <summary>Dataset declarations and the dataset-model-loss contract, each diagnostic at its exact span.</summary>
public class DatasetAnalyzerTests
{
    private static string Program(string declarations) => $$"""
        using Sculpt;
        using Sculpt.Training;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record Config : TrainingHyperParameters
        {
            public int Hidden { get; init; } = 16;
        }

        [CsvDataset("iris.csv")]
        public partial record Iris
        {
            public float SepalLength { get; init; }
            public float SepalWidth { get; init; }
            public float PetalLength { get; init; }
            public float PetalWidth { get; init; }
            [Label(ClassNames = ["setosa", "versicolor", "virginica"])] public string Species { get; init; } = "";
        }

        [CsvDataset("houses.csv")]
        public partial record Houses
        {
            public float Rooms { get; init; }
            public float Age { get; init; }
            [Label] public double Price { get; init; }
        }

        [IdxDataset("images.gz", "labels.gz", Shape = "1 28 28", Classes = 10)]
        public partial class Digits;

        [TextDataset("corpus.txt", Tokenizer = Tokenization.Gpt2, Context = 16)]
        public partial class Corpus;

        {{declarations}}
        """;

    /// <summary>A Kaggle-style pixel file's record: a label column and a vector feature declared as <paramref name="pixels"/>.</summary>
    private static string Pixels(string name, string pixels, string dataset = "[CsvDataset(\"pixels.csv\")]") => $$"""
        {{dataset}}
        public partial record {{name}}
        {
            [Label(Classes = 10)] public int Label { get; init; }
            {{pixels}}
        }

        """;

    private static string Net(string name, string signature, int inputs, int outputs) => $$"""
        [Model(typeof(Config))]
        public partial class {{name}}
        {
            [Linear({{inputs}}, {{outputs}})] private partial Tensor Output(Tensor x);

            [Forward("{{signature}}")]
            public Tensor Forward(Tensor x) => Output(x);
        }
        """;

    public static TheoryData<string> Invalid => new()
    {
        // SCULPT0012: the samples do not fit the model's input
        Program(Net("Mlp", "B 784 -> B 3", 784, 3) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Mlp, {|SCULPT0012:Iris|}, Config>;
            """),
        Program("""
            [Model(typeof(Config))]
            public partial class Flat
            {
                [Linear(784, 10)] private partial Tensor Output(Tensor x);

                [Forward("B 784 -> B 10")]
                public Tensor Forward(Tensor x) => Output(x);
            }

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Flat, {|SCULPT0012:Digits|}, Config>;
            """),
        Program("""
            [Model(typeof(Config))]
            public partial class Lm
            {
                [Embedding(50257, 8)] private partial Tensor Tokens(Tensor x);
                [Linear(8, 50257)] private partial Tensor Head(Tensor x);

                [Forward("B 32 -> B 32 50257")]
                public Tensor Forward(Tensor x) => Head(Tokens(x));
            }

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Lm, {|SCULPT0012:Corpus|}, Config>;
            """),
        // SCULPT0013: the labels do not suit the loss
        Program(Net("Regressor", "B 4 -> B 1", 4, 1) + """

            [Trainer({|SCULPT0013:Loss.MeanSquaredError|}, Optimizer.AdamW)]
            public partial class T : Trainer<Regressor, Iris, Config>;
            """),
        Program(Net("Classifier", "B 2 -> B 3", 2, 3) + """

            [Trainer({|SCULPT0013:Loss.CrossEntropy|}, Optimizer.AdamW)]
            public partial class T : Trainer<Classifier, Houses, Config>;
            """),
        // SCULPT0014: the output does not have one slot per class or target
        Program(Net("Mlp", "B 4 -> B 10", 4, 10) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<{|SCULPT0014:Mlp|}, Iris, Config>;
            """),
        Program(Net("Regressor", "B 2 -> B 3", 2, 3) + """

            [Trainer(Loss.MeanSquaredError, Optimizer.Sgd)]
            public partial class T : Trainer<{|SCULPT0014:Regressor|}, Houses, Config>;
            """),
        Program("""
            [Model(typeof(Config))]
            public partial class Lm
            {
                [Embedding(50257, 8)] private partial Tensor Tokens(Tensor x);
                [Linear(8, 256)] private partial Tensor Head(Tensor x);

                [Forward("B T -> B T 256")]
                public Tensor Forward(Tensor x) => Head(Tokens(x));
            }

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<{|SCULPT0014:Lm|}, Corpus, Config>;
            """),
        // Both at once: wrong input width and wrong class count.
        Program(Net("Mlp", "B 5 -> B 4", 5, 4) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<{|SCULPT0014:Mlp|}, {|SCULPT0012:Iris|}, Config>;
            """),
        // SCULPT0015: settings that cannot be loaded
        Program("""
            [CsvDataset("a.csv", {|SCULPT0015:Validation = 1.5|})]
            public partial record A
            {
                public float X { get; init; }
                [Label] public int Y { get; init; }
            }
            """),
        Program("""
            [IdxDataset("i.gz", "l.gz", {|SCULPT0015:Shape = "1 x 28"|}, Classes = 10)]
            public partial class B;
            """),
        Program("""
            [CsvDataset("a.csv", Test = 0.1, {|SCULPT0015:TestFile = "b.csv"|})]
            public partial record M
            {
                public float X { get; init; }
                [Label] public int Y { get; init; }
            }
            """),
        Program("""
            [{|SCULPT0015:ImageFolderDataset("pets", Channels = 3)|}]
            public partial class C;
            """),
        Program("""
            [TextDataset("t.txt")]
            [{|SCULPT0015:ImageAugmentation(FlipHorizontal = true)|}]
            public partial class D;
            """),
        Program("""
            [TextDataset("t.txt", Tokenizer = Tokenization.Characters)]
            [TokenAugmentation(MaskProbability = 0.1, {|SCULPT0015:MaskToken = 500|})]
            public partial class E;
            """),
        Program("""
            [IdxDataset("i.gz", "l.gz", Shape = "1 28 28", Classes = 10)]
            [ImageAugmentation({|SCULPT0015:Rotation = 270|})]
            public partial class F;
            """),
        // SCULPT0009: records that cannot become a loader
        Program("""
            [CsvDataset("a.csv")]
            public partial record G
            {
                public {|SCULPT0009:string|} Name { get; init; } = "";
                [Label] public int Y { get; init; }
            }
            """),
        Program("""
            [CsvDataset("a.csv")]
            public partial record N
            {
                [Feature(Categories = ["a", "a"])] public {|SCULPT0009:string|} Kind { get; init; } = "";
                public float X { get; init; }
                [Label] public int Y { get; init; }
            }
            """),
        Program("""
            [CsvDataset("a.csv")]
            public partial record O
            {
                [Feature(Categories = ["a", "b"])] public {|SCULPT0009:float|} X { get; init; }
                [Label] public int Y { get; init; }
            }
            """),
        // A categorical column counts one slot per category: 1 + 3 features, not 2.
        Program("""
            [CsvDataset("a.csv")]
            public partial record P
            {
                public float X { get; init; }
                [Feature(Categories = ["a", "b", "c"])] public string Kind { get; init; } = "";
                [Label] public bool Y { get; init; }
            }
            """ + Net("Two", "B 2 -> B 2", 2, 2) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Two, {|SCULPT0012:P|}, Config>;
            """),
        Program("""
            [CsvDataset("a.csv")]
            public partial record {|SCULPT0009:H|}
            {
                public float X { get; init; }
            }
            """),
        Program("""
            [CsvDataset("a.csv")]
            public partial record I
            {
                public float X { get; init; }
                [Label] public string Y { get; init; } = "";
                [Label] public string {|SCULPT0009:Z|} { get; init; } = "";
            }
            """),
        Program("""
            [CsvDataset("a.csv")]
            public record {|SCULPT0009:J|}
            {
                public float X { get; init; }
                [Label] public int Y { get; init; }
            }
            """),
        Program("""
            [CsvDataset("a.csv")]
            public partial record {|SCULPT0009:K|}(float X)
            {
                [Label] public int Y { get; init; }
            }
            """),
        Program("""
            [CsvDataset("a.csv")]
            public partial record L
            {
                public float X { get; init; }
                [Label(ClassNames = ["a", "b"])] public {|SCULPT0009:int|} Y { get; init; }
            }
            """),
        // SCULPT0016: vector features whose columns cannot be read as declared
        Program(Pixels("V1", """[Feature({|SCULPT0016:Columns = "pixel1-pixel784"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V2", """[Feature({|SCULPT0016:Columns = "pixel784..pixel1"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V3", """[Feature({|SCULPT0016:Columns = "pixel1..px784"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V4", """[Feature({|SCULPT0016:Columns = "p001..p99"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V5", """public {|SCULPT0016:float[]|} Pixels { get; init; } = [];""")),
        Program(Pixels("V6", """[{|SCULPT0016:Feature(Shape = "1 28 28")|}] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V7", """[Feature({|SCULPT0016:ColumnPattern = "*"|}, Count = 784)] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V8", """[Feature({|SCULPT0016:ColumnPattern = "pixel*"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V9", """[Feature(Columns = "pixel1..pixel784", {|SCULPT0016:Shape = "1 28 27"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V10", """
            [Feature(Columns = "pixel1..pixel784", {|SCULPT0016:Shape = "1 28 28"|})] public float[] Pixels { get; init; } = [];
                public float Brightness { get; init; }
            """)),
        Program(Pixels("V11", """[Feature({|SCULPT0016:Columns = "pixel1..pixel784"|})] public float[] Pixels { get; init; } = [];""", """[CsvDataset("pixels.csv", Header = false)]""")),
        Program(Pixels("V12", """[Feature(Columns = "pixel1..pixel784", {|SCULPT0016:ColumnPattern = "pixel*"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V13", """[Feature(Columns = "pixel1..pixel784", {|SCULPT0016:Count = 700|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V14", """
            [Feature({|SCULPT0016:Columns = "pixel1..pixel784"|})] public float[] Pixels { get; init; } = [];
                [Feature(Column = "pixel1")] public float Corner { get; init; }
            """)),
        Program(Pixels("V15", """[Feature({|SCULPT0016:Index = 0|}, Count = 784)] public float[] Pixels { get; init; } = [];""", """[CsvDataset("pixels.csv", Header = false)]""")),
        Program(Pixels("V16", """
            public float Brightness { get; init; }
                [Feature({|SCULPT0016:Count = 3|})] public float Contrast { get; init; }
            """)),
        Program(Pixels("V17", """[Feature(Columns = "name1..name9")] public {|SCULPT0009:string[]|} Names { get; init; } = [];""")),
        Program("""
            [CsvDataset("a.csv")]
            public partial record V18
            {
                public float X { get; init; }
                [Label] public {|SCULPT0009:int[]|} Y { get; init; } = [];
            }
            """),
        Program("""
            [CsvDataset("a.csv")]
            public partial record V19
            {
                [Label] public int Y { get; init; }
                public float X { get; init; }
                [Feature({|SCULPT0016:Column = "x"|})] public float Again { get; init; }
            }
            """),
        Program(Pixels("V20", """[Feature(Columns = "pixel1..pixel784", {|SCULPT0016:Shape = ""|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V21", """[Feature({|SCULPT0016:Columns = "pixel1..pixel99999999"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V22", """[Feature(Index = 1, {|SCULPT0016:Count = -1|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V23", """[Feature({|SCULPT0016:Index = 2147483600|}, Count = 1000)] public float[] Pixels { get; init; } = [];""", """[CsvDataset("pixels.csv", Header = false)]""")),
        Program(Pixels("V24", """[Feature({|SCULPT0016:ColumnPattern = "__"|}, Count = 2)] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V25", """[Feature(Columns = "pixel1..pixel784", {|SCULPT0016:Column = "pixel"|})] public float[] Pixels { get; init; } = [];""")),
        Program(Pixels("V26", """public {|SCULPT0009:float[,]|} Pixels { get; init; } = new float[28, 28];""")),
        // SCULPT0012 with vectors: a shaped vector is the sample, an unshaped one counts its columns.
        Program(Pixels("Flat", """[Feature(Columns = "pixel1..pixel784", Shape = "1 28 28")] public float[] Pixels { get; init; } = [];""")
            + Net("Mlp", "B 784 -> B 10", 784, 10) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Mlp, {|SCULPT0012:Flat|}, Config>;
            """),
        Program(Pixels("Wide", """
            [Feature(Columns = "pixel1..pixel784")] public float[] Pixels { get; init; } = [];
                public float Brightness { get; init; }
            """) + Net("Mlp", "B 784 -> B 10", 784, 10) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Mlp, {|SCULPT0012:Wide|}, Config>;
            """),
        // SCULPT0009: a trainer's model returns one prediction (a two-headed model needs a wrapper that picks one).
        Program("""
            [Model(typeof(Config))]
            public partial class Heads
            {
                [Linear(4, 3)] private partial Tensor Classify(Tensor x);
                [Linear(4, 2)] private partial Tensor Locate(Tensor x);

                [Forward("B 4 -> B 3, B 2")]
                public (Tensor, Tensor) Forward(Tensor x) => (Classify(x), Locate(x));
            }

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class {|SCULPT0009:T|} : Trainer<Heads, Iris, Config>;
            """),
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_invalid_declaration_reports_exactly_the_marked_diagnostics(string markup) => AnalyzerHarness.Verify(markup);

    public static TheoryData<string> Valid => new()
    {
        Program("""
            [CsvDataset("a.csv")]
            public partial record Q
            {
                public float X { get; init; }
                [Feature(Categories = ["a", "b", "c"])] public string Kind { get; init; } = "";
                [Label] public bool Y { get; init; }
            }
            """ + Net("Four", "B 4 -> B 2", 4, 2) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Four, Q, Config>;
            """),
        Program(Net("Mlp", "B 4 -> B 3", 4, 3) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Mlp, Iris, Config>;
            """),
        Program(Net("Regressor", "B 2 -> B 1", 2, 1) + """

            [Trainer(Loss.MeanSquaredError, Optimizer.AdamW)]
            public partial class T : Trainer<Regressor, Houses, Config>;
            """),
        // Sizes the declarations leave open are not checked: a hyperparameter width, a symbol, *batch.
        Program("""
            [Model(typeof(Config))]
            public partial class Open
            {
                [Linear("Hidden", 3)] private partial Tensor Output(Tensor x);

                [Forward("B Hidden -> B 3")]
                public Tensor Forward(Tensor x) => Output(x);
            }

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Open, Iris, Config>;
            """),
        Program("""
            [Model(typeof(Config))]
            public partial class Lm
            {
                [Embedding(50257, 8)] private partial Tensor Tokens(Tensor x);
                [Linear(8, 50257)] private partial Tensor Head(Tensor x);

                [Forward("B T -> B T 50257")]
                public Tensor Forward(Tensor x) => Head(Tokens(x));
            }

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Lm, Corpus, Config>;
            """),
        Program("""
            [Model(typeof(Config))]
            public partial class Cnn
            {
                [Conv2d(1, 4, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
                [Linear(4 * 28 * 28, 10)] private partial Tensor Output(Tensor x);

                [Forward("B 1 28 28 -> B 10")]
                public Tensor Forward(Tensor x) => Output(Ops.Flatten(Ops.Relu(Conv(x))));
            }

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Cnn, Digits, Config>;
            """),
        // Classes known only from the data: the class count is not checked.
        Program("""
            [CsvDataset("a.csv", Delimiter = '\t', Header = false, Missing = MissingValues.FillMean)]
            public partial record Open
            {
                public float X { get; init; }
                [Feature(Index = 3)] public bool Flag { get; init; }
                [Ignore] public string Note { get; init; } = "";
                [Label(Index = 1)] public string Kind { get; init; } = "";
            }

            [ImageFolderDataset("pets", Width = 8, Height = 8, Channels = 1)]
            [ImageAugmentation(CropPadding = 1, FlipHorizontal = true)]
            public partial class Pets;
            """ + Net("Two", "B 2 -> B 7", 2, 7) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Two, Open, Config>;
            """),
        // Vector features: an image-shaped one against a CNN, a flat one beside a scalar against an MLP.
        Program(Pixels("Fashion", """[Feature(Columns = "pixel1..pixel784", Shape = "1 28 28")] public float[] Pixels { get; init; } = [];""") + """
            [Model(typeof(Config))]
            public partial class Cnn
            {
                [Conv2d(1, 4, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
                [Linear(4 * 28 * 28, 10)] private partial Tensor Output(Tensor x);

                [Forward("B 1 28 28 -> B 10")]
                public Tensor Forward(Tensor x) => Output(Ops.Flatten(Ops.Relu(Conv(x))));
            }

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Cnn, Fashion, Config>;
            """),
        Program(Pixels("Wide", """
            [Feature(ColumnPattern = "pixel*", Count = 784)] public float[] Pixels { get; init; } = [];
                [Feature(Column = "brightness")] public float Brightness { get; init; }
            """) + Net("Mlp", "B 785 -> B 10", 785, 10) + """

            [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
            public partial class T : Trainer<Mlp, Wide, Config>;
            """),
        // Without a header: the label at 0, 784 pixels from 1 by default, a scalar after them (785).
        Program(Pixels("Raw", """
            [Feature(Count = 784)] public byte[] Pixels { get; init; } = [];
                public float Brightness { get; init; }
                [Feature(Index = 790, Count = 2)] public bool[] Flags { get; init; } = [];
            """, """[CsvDataset("pixels.csv", Header = false)]""")),
        Program(Pixels("Padded", """[Feature(Columns = "px_001..px_784")] public double[] Pixels { get; init; } = [];""")),
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Each_valid_declaration_builds_without_any_diagnostic(string source) => AnalyzerHarness.VerifyClean(source);

    [Fact]
    public void The_vocabulary_sizes_the_contract_checks_are_the_tokenizers_own()
    {
        Assert.Equal(Sculpt.Text.TextTokenizer.Characters.VocabularySize, Parsing.DatasetParser.VocabularySizes[(int)Tokenization.Characters]);
        Assert.Equal(Sculpt.Text.TextTokenizer.Gpt2.VocabularySize, Parsing.DatasetParser.VocabularySizes[(int)Tokenization.Gpt2]);
    }

    [Theory]
    [InlineData(0, "'Iris' yields samples [4], batched [B, 4], but 'Mlp' takes [B, 784]")]
    [InlineData(5, "'Mlp' outputs [B, 10], but 'Iris' has 3 classes: expected [B, 3]")]
    [InlineData(3, "'Iris' has class labels, but the loss MeanSquaredError needs regression targets")]
    [InlineData(7, "'Lm' outputs [B, T, 256], but 'Corpus' has a vocabulary of 50257 tokens: expected [B, T, 50257]")]
    public void Contract_messages_show_expected_and_actual(int invalidCase, string message)
    {
        var diagnostics = AnalyzerHarness.Verify((string)Enumerable.ElementAt<object[]>(Invalid, invalidCase)[0]);
        Assert.Contains(message, diagnostics.Single().GetMessage());
    }

    [Theory]
    [InlineData("record V1\n", "'V1.Pixels': \"pixel1-pixel784\" is not a range: write the first and the last column's names with '..' between them, e.g. \"pixel1..pixel784\"")]
    [InlineData("record V2\n", "'V2.Pixels': \"pixel784..pixel1\" runs backwards, so it names no column: write the lower end first, \"pixel1..pixel784\"")]
    [InlineData("record V3\n", "'V3.Pixels': the ends of \"pixel1..px784\" must differ only in their number; 'pixel1' and 'px784' differ in what comes before it ('pixel', 'px')")]
    [InlineData("record V5\n", "'V5.Pixels': 'Pixels' is an array: say which columns it reads, with Columns = \"pixel1..pixel784\", ColumnPattern = \"pixel*\" and Count, or Index and Count")]
    [InlineData("record V7\n", "'V7.Pixels': 'Pixels' (ColumnPattern \"*\") and 'Label' both read column 'Label': a column feeds one property")]
    [InlineData("record V8\n", "'V8.Pixels': ColumnPattern \"pixel*\" needs Count (or Shape) to say how many columns it matches")]
    [InlineData("record V9\n", "'V9.Pixels': Shape \"1 28 27\" holds 756 values, but 'Pixels' reads 784 columns")]
    [InlineData("record V10\n", "'V10.Pixels': a Shape makes 'Pixels' the whole sample, [1, 28, 28], but 'V10' has other features too ('Brightness'): mark them [Ignore], or drop the Shape for samples [785]")]
    [InlineData("record V14\n", "'V14.Pixels': 'Pixels' (Columns \"pixel1..pixel784\") and 'Corner' both read column 'pixel1': a column feeds one property")]
    [InlineData("record V15\n", "'V15.Pixels': 'Pixels' (Index 0 to 783) and 'Label' both read the column at Index 0: a column feeds one property")]
    [InlineData("Trainer<Mlp, {|SCULPT0012:Flat|}", "'Flat' yields samples [1, 28, 28], batched [B, 1, 28, 28], but 'Mlp' takes [B, 784]")]
    [InlineData("Trainer<Mlp, {|SCULPT0012:Wide|}", "'Wide' yields samples [785], batched [B, 785], but 'Mlp' takes [B, 784]")]
    public void Vector_feature_messages_name_the_property_and_what_is_wrong(string marker, string message)
    {
        string markup = Enumerable.Single<object[]>(Invalid, row => ((string)row[0]).Contains(marker, System.StringComparison.Ordinal))[0].ToString()!;
        Assert.Equal(message, AnalyzerHarness.Verify(markup).Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture) is var actual && actual.StartsWith(message, System.StringComparison.Ordinal) ? message : actual);
    }
}
