using System.Linq;
using Xunit;

namespace Sculpt.Generators.Tests;

/// <summary>The analyzer corpus: each invalid snippet marks exactly where each diagnostic goes.</summary>
public class AnalyzerTests
{
    private static string Model(string members, string configBody = "") => $$"""
        using Sculpt;
        using Sculpt.Training;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record Config
        {
            [Range(1, 4096)] public int Hidden { get; init; } = 64;
            public long Width { get; init; } = 32;
            [Range(0.0, 0.9)] public double Dropout { get; init; } = 0.1;
        {{configBody}}
        }

        [Model(typeof(Config))]
        public partial class Net
        {
        {{members}}
        }
        """;

    /// <summary><see cref="Model"/> declared <c>Exportable = true</c>.</summary>
    private static string Exportable(string members) => Model(members).Replace("[Model(typeof(Config))]", "[Model(typeof(Config), Exportable = true)]");

    /// <summary>A searched config, a model reading some of it and a trainer for the two: <paramref name="config"/> and <paramref name="model"/> are bodies.</summary>
    private static string Searched(string config, string model, string recordAttributes = "") => $$"""
        using Sculpt;
        using Sculpt.Data;
        using Sculpt.Training;
        using static TorchSharp.torch;

        [HyperParameters]
        {{recordAttributes}}
        public partial record Config : TrainingHyperParameters
        {
        {{config}}
        }

        [Model(typeof(Config))]
        public partial class Net
        {
        {{model}}
        }

        public sealed class Data : IDataSource
        {
            public DataSplits Load(int seed) => throw new System.NotSupportedException();
        }

        [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
        public partial class NetTrainer : Trainer<Net, Data, Config>;
        """;

    public static TheoryData<string> Invalid => new()
    {
        // SCULPT0025: a model declared exportable whose forward has a layer, op or tensor method without an ONNX form
        Exportable("""
            [Linear(4, 4)] private partial Tensor A(Tensor x);
            [AlphaDropout(0.1)] private partial Tensor Drop(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x) => A({|SCULPT0025:Drop(x)|});
            """),
        Exportable("""
            [Linear(4, 4)] private partial Tensor A(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x) => A({|SCULPT0025:Ops.Clamp(x, 0, 1)|});
            """),
        Exportable("""
            [Linear(4, 4)] private partial Tensor A(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x)
            {
                var y = A(x);
                return {|SCULPT0025:y.abs()|};
            }
            """),
        // SCULPT0024: a searched hyperparameter that no layer, body or other code reads
        Searched("""
            [SearchChoice(8, 16)] public int Hidden { get; init; } = 16;
            [{|SCULPT0024:SearchRange(0.0, 0.5)|}] public double Dropout { get; init; } = 0.2;
            """, """
            [Linear(4, "Hidden")] private partial Tensor A(Tensor x);
            [Forward("B 4 -> B Hidden")]
            public Tensor Forward(Tensor x) => A(x);
            """),
        // named only by its own search (nameof on the record): still unread
        Searched("""
                public int Width { get; init; } = 4;
            """, """
            [Linear(4, 4)] private partial Tensor A(Tensor x);
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => A(x);
            """, "[{|SCULPT0024:SearchChoice(4, 8, Property = nameof(Width))|}]"),

        // SCULPT0021: state names that are malformed, taken twice, pass through another component, or sit on no component.
        Model("""
            [Linear(4, 4), {|SCULPT0021:StateName("features..0")|}] private partial Tensor A(Tensor x);
            [Linear(4, 4), {|SCULPT0021:StateName("head weight")|}] private partial Tensor B(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x) => B(A(x));
            """),
        Model("""
            [Linear(4, 4), StateName("head")] private partial Tensor A(Tensor x);
            [Linear(4, 4), {|SCULPT0021:StateName("head")|}] private partial Tensor B(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x) => B(A(x));
            """),
        Model("""
            [Linear(4, 4)] private partial Tensor Head(Tensor x);
            [Linear(4, 4), {|SCULPT0021:StateName("Head")|}] private partial Tensor B(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x) => Head(B(x));
            """),
        Model("""
            [Linear(4, 4), StateName("block")] private partial Tensor A(Tensor x);
            [Linear(4, 4), {|SCULPT0021:StateName("block.0")|}] private partial Tensor B(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x) => B(A(x));
            """),
        Model("""
            [Linear(4, 4)] private partial Tensor A(Tensor x);
            [Forward("N 4 -> N 4"), {|SCULPT0021:StateName("forward")|}]
            public Tensor Forward(Tensor x) => A(x);
            """),
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        [{|SCULPT0021:RenameWeights(@"^encoder\.layers\.(\d+", "blocks.$1")|}]
        public partial class Renamed
        {
            [Linear(4, 4)] private partial Tensor A(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x) => A(x);
        }
        """,

        // A reshape whose -1 takes 4 of each sample's 256 values into the batch: [4*B, 64], so the result is [4*B, 10], never [B, 10].
        Model("""
            [Conv2d(1, 16, 5)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(64, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 12 12 -> B 10")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Classify(Ops.Reshape(Pool(Conv(x)), -1, 64))|};
            """),
        // Several results: each element checked against its shape; a caller's deconstruction gets each shape.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class TwoHeads
        {
            [Linear(8, 5)] private partial Tensor Classify(Tensor x);
            [Linear(8, 4)] private partial Tensor Locate(Tensor x);
            [Forward("B 8 -> B 5, B 4")]
            public (Tensor Classes, Tensor Box) Forward(Tensor x) => (Classify(x), {|SCULPT0002:Classify(x)|});
        }

        [Model]
        public partial class User
        {
            [Submodel] private partial TwoHeads Heads { get; }
            [Linear(5, 1)] private partial Tensor Score(Tensor x);
            [Forward("B 8 -> B 1")]
            public Tensor Forward(Tensor x)
            {
                var (classes, box) = Heads.call(x);
                return Score({|SCULPT0001:box|});
            }
        }
        """,
        Model("""
            [Linear(8, 5)] private partial Tensor Classify(Tensor x);
            [Forward({|SCULPT0004:"B 8 -> B 5, B 5"|})]
            public Tensor Forward(Tensor x) => Classify(x);
            """),
        Model("""
            [Linear(8, 5)] private partial Tensor Classify(Tensor x);
            [Shape({|SCULPT0004:"B 8 -> B 5, B 5"|})]
            private Tensor Twice(Tensor x) => Classify(x);
            [Forward("B 8 -> B 5")]
            public Tensor Forward(Tensor x) => Twice(x);
            """),
        // A transposed 1-D convolution grows L as the 2-D one grows H and W; a declared L is not the 2*L it gives.
        Model("""
            [ConvTranspose1d(6, 4, 4, Stride = 2, Padding = 1)] private partial Tensor Up(Tensor x);
            [Forward("B 6 L -> B 4 L")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Up(x)|};
            """),
        Model("""
            [ConvTranspose1d(6, 4, 4, Stride = 2, Padding = 1)] private partial Tensor Up(Tensor x);
            [Forward("B 6 9 -> B 4 9")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Up(x)|};
            """),
        Model("""
            [ConvTranspose1d(6, 4, 4)] private partial Tensor Up(Tensor x);
            [Forward("B 4 L -> B 4 M")]
            public Tensor Forward(Tensor x) => Up({|SCULPT0001:x|});
            """),
        // Sizes per spatial dim: one per dim, where the layer takes them; the window rule per dim.
        Model("""
            [Conv2d(3, 8, {|SCULPT0006:new[] { 1, 7, 7 }|})] private partial Tensor A(Tensor x);
            [Forward("B 3 H W -> B 8 P Q")]
            public Tensor Forward(Tensor x) => A(x);
            """),
        Model("""
            [Conv1d(3, 8, {|SCULPT0006:new[] { 3 }|})] private partial Tensor A(Tensor x);
            [Forward("B 3 L -> B 8 M")]
            public Tensor Forward(Tensor x) => A(x);
            """),
        Model("""
            [Conv2d(3, 8, new[] { 1, 7 }, Padding = {|SCULPT0006:new[] { 0, -3 }|})] private partial Tensor A(Tensor x);
            [Forward("B 3 H W -> B 8 P Q")]
            public Tensor Forward(Tensor x) => A(x);
            """),
        Model("""
            [Conv2d(3, 8, new[] { 1, 7 })] private partial Tensor A(Tensor x);
            [Forward("B 3 4 5 -> B 8 4 1")]
            public Tensor Forward(Tensor x) => A({|SCULPT0001:x|});
            """),
        Model("""
            [Conv2d(3, 8, new[] { 1, 7 }, Padding = new[] { 0, 3 })] private partial Tensor A(Tensor x);
            [Forward("B 3 4 5 -> B 8 4 4")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:A(x)|};
            """),
        Model("""
            [MaxPool2d(new[] { 3, 1 }, Stride = {|SCULPT0006:new[] { 2 }|})] private partial Tensor Pool(Tensor x);
            [Forward("B 3 H W -> B 3 P Q")]
            public Tensor Forward(Tensor x) => Pool(x);
            """),
        Model("""
            [MaxPool2d(2, Stride = {|SCULPT0006:"Hidden"|})] private partial Tensor Pool(Tensor x);
            [Forward("B 3 H W -> B 3 P Q")]
            public Tensor Forward(Tensor x) => Pool(x);
            """),
        Model("""
            [AvgPool2d(new[] { 3, 1 }, Stride = new[] { 2, 1 })] private partial Tensor Pool(Tensor x);
            [Forward("B 3 9 9 -> B 3 4 4")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Pool(x)|};
            """),
        Model("""
            [Conv2d(3, 8, 3, Stride = {|SCULPT0006:float.NaN|}, Padding = {|SCULPT0006:1.5|})] private partial Tensor A(Tensor x);
            [Forward("B 3 H W -> B 8 P Q")]
            public Tensor Forward(Tensor x) => A(x);
            """),
        // Parts of a tensor: each part has its own shape; split sizes must add up to the dim.
        Model("""
            [Linear(8, 10)] private partial Tensor A(Tensor x);
            [Linear(10, 3)] private partial Tensor B(Tensor x);
            [Forward("N 8 -> N 3")]
            public Tensor Forward(Tensor x)
            {
                var (value, gate) = Ops.Chunk(A(x), 2, -1);
                return B({|SCULPT0001:value * Ops.Sigmoid(gate)|});
            }
            """),
        Model("""
            [Linear(8, 10)] private partial Tensor A(Tensor x);
            [Forward("N 8 -> N 4")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Split(A(x), -1, 4, 4)|}[0];
            """),
        Model("""
            [Linear(8, "Hidden * 2")] private partial Tensor A(Tensor x);
            [Linear("Width", 3)] private partial Tensor B(Tensor x);
            [Forward("N 8 -> N 3")]
            public Tensor Forward(Tensor x) => B({|SCULPT0001:Ops.Chunk(A(x), 2, -1)[1]|});
            """),
        // A key padding mask is [B, T]; initial states are [directions*layers, B, hidden]; no more tensors than the layer takes.
        Model("""
            [SelfAttention(16, 4)] private partial Tensor Attend(Tensor x, Tensor padding);
            [Forward("B T 16 -> B T 16")]
            public Tensor Forward(Tensor x) => Attend(x, {|SCULPT0001:x|});
            """),
        Model("""
            [Lstm(16, 8, Layers = 2)] private partial Tensor Read(Tensor x, Tensor hidden, Tensor cell);
            [Forward("B T 16, 1 B 8, 2 B 8 -> B T 8")]
            public Tensor Forward(Tensor x, Tensor h, Tensor c) => Read(x, {|SCULPT0001:h|}, c);
            """),
        Model("""
            [Gru(16, 8)] private partial Tensor {|SCULPT0009:Read|}(Tensor x, Tensor hidden, Tensor cell);
            [Forward("B T 16 -> B T 16")]
            public Tensor Forward(Tensor x) => x;
            """),
        // Volumes: a 3-D layer needs three spatial dims; ceil mode keeps the last partial window.
        Model("""
            [Conv2d(3, 8, 3)] private partial Tensor A(Tensor x);
            [MaxPool3d(2)] private partial Tensor Pool(Tensor x);
            [BatchNorm3d(8)] private partial Tensor Norm(Tensor x);
            [Forward("B 3 H W -> B 8 P Q")]
            public Tensor Forward(Tensor x) => Pool(Norm({|SCULPT0001:A(x)|}));
            """),
        Model("""
            [MaxPool2d(2, CeilMode = true)] private partial Tensor Pool(Tensor x);
            [Forward("B 3 7 7 -> B 3 3 3")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Pool(x)|};
            """),
        Model("""
            [Conv3d(3, 8, 3, Padding = 1)] private partial Tensor A(Tensor x);
            [Conv3d(16, 8, 1)] private partial Tensor B(Tensor x);
            [Forward("B 3 D H W -> B 8 D H W")]
            public Tensor Forward(Tensor x) => B({|SCULPT0001:A(x)|});
            """),
        // A convolution's window settings may name integer hyperparameters, and only those.
        Model("""
            [Conv2d(3, 8, 3, Stride = {|SCULPT0005:"Strde"|})] private partial Tensor A(Tensor x);
            [Forward("B 3 H W -> B 8 P Q")]
            public Tensor Forward(Tensor x) => A(x);
            """),
        Model("""
            [Conv2d("Hidden", "Hidden", 3, Groups = {|SCULPT0006:"Dropout"|})] private partial Tensor A(Tensor x);
            [Forward("B Hidden H W -> B Hidden P Q")]
            public Tensor Forward(Tensor x) => A(x);
            """),
        // Channels stay checked after a convolution whose stride is a hyperparameter.
        Model("""
            [Conv2d("Hidden", "Hidden", 3, Stride = "Hidden", Padding = 1)] private partial Tensor A(Tensor x);
            [Linear("Width", 10)] private partial Tensor B(Tensor x);
            [Forward("B Hidden 8 8 -> B 10")]
            public Tensor Forward(Tensor x) => B({|SCULPT0001:Ops.Mean(Ops.Mean(A(x), -1), -1)|});
            """),
        // Only an equality of the two sizes makes a sum of them fine; another condition does not.
        Model("""
            [Linear("Hidden", "Width")] private partial Tensor A(Tensor x);
            [Forward("B Hidden -> B Width")]
            public Tensor Forward(Tensor x) => Config.Hidden > 1 ? {|SCULPT0008:x + A(x)|} : A(x);
            """),
        // SCULPT0001: a layer or op receives a shape it cannot take
        Model("""
            [Linear(784, 128)] private partial Tensor Hidden1(Tensor x);
            [Linear(256, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor image) => Classify({|SCULPT0001:Hidden1(Ops.Flatten(image))|});
            """),
        Model("""
            [Linear(10, 10)] private partial Tensor L(Tensor x);
            [Forward("B 20 -> B 10")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:x|});
            """),
        Model("""
            [Linear(8, 16)] private partial Tensor A(Tensor x);
            [Linear(8, 4)] private partial Tensor B(Tensor x);
            [Forward("N 8 -> N 4")]
            public Tensor Forward(Tensor x)
            {
                var h = A(x);
                var r = Ops.Relu(h);
                return B({|SCULPT0001:r|});
            }
            """),
        Model("""
            [Linear(4, 6)] private partial Tensor A(Tensor x);
            [Linear(5, 2)] private partial Tensor B(Tensor x);
            [Forward("B 4 -> B 2")]
            public Tensor Forward(Tensor x) => B({|SCULPT0001:Ops.Tanh(Ops.Sigmoid(Ops.Gelu(A(x))))|});
            """),
        Model("""
            [Linear(190, 10)] private partial Tensor L(Tensor x);
            [Forward("B 3 8 8 -> B 10")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:Ops.Flatten(x)|});
            """),
        Model("""
            [Forward("B 3 8 -> B 24")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Flatten(x, 3)|};
            """),
        Model("""
            [Forward("B 3 8 -> B 24")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Flatten(x, startDim: 2, endDim: 1)|};
            """),
        Model("""
            [Linear(4, 2)] private partial Tensor L(Tensor x);
            [Forward("*batch 5 -> *batch 2")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:x|});
            """),
        Model("""
            [Dropout(0.5)] private partial Tensor Drop(Tensor x);
            [Linear(7, 2)] private partial Tensor L(Tensor x);
            [Forward("B 6 -> B 2")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:Drop(x)|});
            """),
        Model("""
            [Linear(3, "Hidden")] private partial Tensor L(Tensor x);
            [Forward("B 3 4 -> B 3 Hidden")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:x|});
            """),
        Model("""
            [Linear(4, 4)] private partial Tensor L(Tensor x);
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x)
            {
                var flat = Ops.Flatten(x, 0);
                return {|SCULPT0002:L(flat)|};
            }
            """),

        // SCULPT0001 from ops that move, combine or reduce dims
        Model("""
            [Forward("B 1 28 28 -> B 784")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Reshape(x, -1, -1)|};
            """),
        Model("""
            [Forward("B 1 28 28 -> B 784")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Reshape(x, 0, 784)|};
            """),
        Model("""
            [Forward("3 4 -> 5 2")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Reshape(x, 5, 2)|};
            """),
        Model("""
            [Forward("3 5 -> 4 4")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Reshape(x, 4, -1)|};
            """),
        Model("""
            [Forward("B T C -> B C T")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Transpose(x, 1, 3)|};
            """),
        Model("""
            [Forward("B H W C -> B C H W")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Permute(x, 0, 3, 1)|};
            """),
        Model("""
            [Forward("B H W C -> B C H W")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Permute(x, 0, 3, 3, 2)|};
            """),
        Model("""
            [Forward("B 3 4, B 5 6 -> B 3 6")]
            public Tensor Forward(Tensor a, Tensor b) => {|SCULPT0001:Ops.MatMul(a, b)|};
            """),
        Model("""
            [Forward("2 3 4, 5 4 6 -> 2 3 6")]
            public Tensor Forward(Tensor a, Tensor b) => {|SCULPT0001:Ops.MatMul(a, b)|};
            """),
        Model("""
            [Forward("B 3, B 4 5 -> B 7")]
            public Tensor Forward(Tensor a, Tensor b) => {|SCULPT0001:Ops.Concat(1, a, b)|};
            """),
        Model("""
            [Forward("B 3 2, B 4 5 -> B 7 2")]
            public Tensor Forward(Tensor a, Tensor b) => {|SCULPT0001:Ops.Concat(1, a, b)|};
            """),
        Model("""
            [Forward("B 3, B 4 -> B 2 3")]
            public Tensor Forward(Tensor a, Tensor b) => {|SCULPT0001:Ops.Stack(1, a, b)|};
            """),
        Model("""
            [Forward("B 3 -> B")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Sum(x, 2)|};
            """),
        Model("""
            [Forward("B 3 -> B")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Mean(x, -3)|};
            """),
        Model("""
            [Forward("B 3 -> B 3")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Softmax(x, 2)|};
            """),
        Model("""
            [Linear(4, 2)] private partial Tensor L(Tensor x);
            [Forward("B 3 4 -> B 4 2")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:Ops.Transpose(x, 1, 2)|});
            """),
        Model("""
            [Linear(16, 2)] private partial Tensor L(Tensor x);
            [Forward("B T 8 -> B 2")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:Ops.Mean(x, 1)|});
            """),
        Model("""
            [Linear(6, 2)] private partial Tensor L(Tensor x);
            [Forward("B 3, B 4 -> B 2")]
            public Tensor Forward(Tensor a, Tensor b) => L({|SCULPT0001:Ops.Concat(-1, a, b)|});
            """),

        // Helpers with a [Shape] signature are checked like layers, and so are their bodies.
        Model("""
            [Shape("B T C -> B T C")] private static Tensor Norm(Tensor x) => x;
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:x|});
            """),
        Model("""
            [Shape("B C, B C -> B C")] private static Tensor Mix(Tensor a, Tensor b) => a + b;
            [Forward("B 3, B 4 -> B 3")]
            public Tensor Forward(Tensor x, Tensor y) => Mix(x, {|SCULPT0001:y|});
            """),
        Model("""
            [Shape("*batch D -> *batch D")] private static Tensor Scale(Tensor x) => x * 2.0;
            [Linear(5, 2)] private partial Tensor L(Tensor x);
            [Forward("B 4 -> B 2")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:Scale(x)|});
            """),
        Model("""
            [Shape("B 4 -> B 4")] private static Tensor Bad(Tensor x) => {|SCULPT0002:Ops.Sum(x, 1)|};
            """),
        Model("""
            [Linear(4, 3)] private partial Tensor L(Tensor x);
            [Shape("B 4 -> B 4")] private Tensor Project(Tensor x) => {|SCULPT0002:L(x)|};
            """),
        Model("""
            [Shape("B {|SCULPT0003:4x|} -> B")] private static Tensor H(Tensor x) => x;
            """),
        Model("""
            [Shape({|SCULPT0004:"B 4, B 4 -> B 4"|})] private static Tensor H(Tensor x) => x;
            """),

        // Conditionals: both arms agree, so the result is known.
        Model("""
            [Linear(4, 5)] private partial Tensor A(Tensor x);
            [Linear(4, 5)] private partial Tensor B(Tensor x);
            [Linear(4, 2)] private partial Tensor C(Tensor x);
            [Forward("N 4 -> N 2")]
            public Tensor Forward(Tensor x) => C({|SCULPT0001:training ? A(x) : B(x)|});
            """),
        Model("""
            [Linear(4, 5)] private partial Tensor A(Tensor x);
            [Linear(4, 2)] private partial Tensor C(Tensor x);
            [Forward("N 4 -> N 2")]
            public Tensor Forward(Tensor x)
            {
                Tensor h;
                if (training) { h = A(x); } else { h = Ops.Relu(A(x)); }
                return C({|SCULPT0001:h|});
            }
            """),
        Model("""
            [Linear(4, 3)] private partial Tensor L(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x)
            {
                if (training) return {|SCULPT0002:L(x)|};
                return x;
            }
            """),

        // Convolution, pooling, normalisation and embedding layers.
        Model("""
            [Conv2d(3, 6, 5)] private partial Tensor Conv(Tensor x);
            [Forward("B 1 32 32 -> B 6 28 28")]
            public Tensor Forward(Tensor x) => Conv({|SCULPT0001:x|});
            """),
        Model("""
            [Conv2d(1, 6, 5)] private partial Tensor Conv(Tensor x);
            [Forward("B 1 4 4 -> B 6 1 1")]
            public Tensor Forward(Tensor x) => Conv({|SCULPT0001:x|});
            """),
        Model("""
            [Conv2d(1, 6, 3, Stride = 2, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Forward("B 1 28 28 -> B 6 28 28")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Conv(x)|};
            """),
        Model("""
            [MaxPool2d(8)] private partial Tensor Pool(Tensor x);
            [Forward("B 6 4 4 -> B 6 1 1")]
            public Tensor Forward(Tensor x) => Pool({|SCULPT0001:x|});
            """),
        Model("""
            [Conv2d(1, 6, 5)] private partial Tensor Conv1(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(256, 10)] private partial Tensor Fc(Tensor x);
            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor x) => Fc({|SCULPT0001:Ops.Flatten(Pool(Conv1(x)))|});
            """),
        Model("""
            [BatchNorm2d(8)] private partial Tensor Norm(Tensor x);
            [Forward("B 6 5 5 -> B 6 5 5")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:x|});
            """),
        Model("""
            [BatchNorm2d(6)] private partial Tensor Norm(Tensor x);
            [Forward("B 6 -> B 6")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:x|});
            """),
        Model("""
            [LayerNorm(10)] private partial Tensor Norm(Tensor x);
            [Forward("B 12 -> B 12")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:x|});
            """),
        Model("""
            [Embedding(100, 16)] private partial Tensor Embed(Tensor x);
            [Linear(8, 2)] private partial Tensor L(Tensor x);
            [Forward("B T -> B T 2")]
            public Tensor Forward(Tensor tokens) => L({|SCULPT0001:Embed(tokens)|});
            """),
        Model("""
            [Conv2d(6, 12, 3, Stride = {|SCULPT0006:0|})] private partial Tensor Conv(Tensor x);
            """),
        Model("""
            [Conv2d(6, 12, 3, Padding = {|SCULPT0006:-1|})] private partial Tensor Conv(Tensor x);
            """),
        Model("""
            [Conv2d(6, 12, 3, Groups = {|SCULPT0006:4|})] private partial Tensor Conv(Tensor x);
            """),
        Model("""
            [Conv2d(6, 12, {|SCULPT0006:0|})] private partial Tensor Conv(Tensor x);
            """),
        Model("""
            [MaxPool2d({|SCULPT0005:"Kernel"|})] private partial Tensor Pool(Tensor x);
            """),

        // Sub-models: their [Forward] signature is checked at each call.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Inner
        {
            [Linear(8, 4)] private partial Tensor L(Tensor x);
            [Forward("B 8 -> B 4")]
            public Tensor Forward(Tensor x) => L(x);
        }

        [Model]
        public partial class Outer
        {
            [Submodel] private partial Inner Body { get; }
            [Linear(5, 2)] private partial Tensor Head(Tensor x);
            [Forward("B 8 -> B 2")]
            public Tensor Forward(Tensor x) => Head({|SCULPT0001:Body.call(x)|});
        }
        """,
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Inner
        {
            [Forward("B 8 -> B 4")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:x|};
        }

        [Model]
        public partial class Outer
        {
            [Submodel] private partial Inner Body { get; }
            [Forward("B 6 -> B 4")]
            public Tensor Forward(Tensor x) => Body.forward({|SCULPT0001:x|});
        }
        """,
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters] public partial record A { public int Width { get; init; } = 4; }
        [HyperParameters] public partial record C { public int Width { get; init; } = 4; }

        [Model(typeof(A))]
        public partial class Inner
        {
            [Forward("B Width -> B Width")]
            public Tensor Forward(Tensor x) => x;
        }

        [Model(typeof(C))]
        public partial class Outer
        {
            [Submodel] private partial Inner {|SCULPT0009:Body|} { get; }
            [Submodel] private partial string {|SCULPT0009:NotAModel|} { get; }
        }
        """,

        // Repeated blocks: a block that changes the shape cannot run in a loop that expects it kept.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Widen
        {
            [Linear(4, 8)] private partial Tensor L(Tensor x);
            [Forward("B 4 -> B 8")]
            public Tensor Forward(Tensor x) => L(x);
        }

        [Model]
        public partial class Tower
        {
            [Submodel(Repeat = 2)] private partial TorchSharp.Modules.ModuleList<Widen> Blocks { get; }
            [Linear(4, 2)] private partial Tensor Head(Tensor x);
            [Forward("B 4 -> B 2")]
            public Tensor Forward(Tensor x)
            {
                var h = x;
                foreach (var block in Blocks) h = block.call({|SCULPT0001:h|});
                return Head(h);
            }
        }
        """,
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Inner
        {
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }

        [Model]
        public partial class Outer
        {
            [Submodel(Repeat = 2)] private partial Inner {|SCULPT0009:Blocks|} { get; }
            [Linear(4, 2)] private partial Tensor Head(Tensor x);
            [Forward("B 3 -> B 2")]
            public Tensor Forward(Tensor x) => Head({|SCULPT0001:x|});
        }
        """,

        Model("""
            [AdaptiveAvgPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(32, 10)] private partial Tensor Fc(Tensor x);
            [Forward("B 16 H W -> B 10")]
            public Tensor Forward(Tensor x) => Fc({|SCULPT0001:Ops.Flatten(Pool(x))|});
            """),

        Model("""
            [RMSNorm(16)] private partial Tensor Norm(Tensor x);
            [Forward("B T 12 -> B T 12")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:x|});
            """),

        // Self-attention: [B, T, dim], heads dividing dim.
        Model("""
            [SelfAttention(64, {|SCULPT0006:5|})] private partial Tensor Attend(Tensor x);
            """),
        Model("""
            [SelfAttention(64, 8, Causal = true)] private partial Tensor Attend(Tensor x);
            [Forward("B T 32 -> B T 32")]
            public Tensor Forward(Tensor x) => Attend({|SCULPT0001:x|});
            """),
        Model("""
            [SelfAttention(64, 8)] private partial Tensor Attend(Tensor x);
            [Forward("B 64 -> B 64")]
            public Tensor Forward(Tensor x) => Attend({|SCULPT0001:x|});
            """),

        Model("""
            [Conv2d(3, 8, 4, SamePadding = true, Stride = {|SCULPT0006:2|})] private partial Tensor C(Tensor x);
            """),
        Model("""
            [Conv2d(3, 8, 4, SamePadding = true)] private partial Tensor C(Tensor x);
            [Forward("B 3 32 32 -> B 8 31 31")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:C(x)|};
            """),
        // Sequences: Conv1d and 1-D pooling over [*, C, L].
        Model("""
            [Conv1d(8, 16, 3)] private partial Tensor Conv(Tensor x);
            [Forward("B 4 100 -> B 16 98")]
            public Tensor Forward(Tensor x) => Conv({|SCULPT0001:x|});
            """),
        Model("""
            [Conv1d(4, 16, 3)] private partial Tensor Conv(Tensor x);
            [Forward("B 4 100 -> B 16 100")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Conv(x)|};
            """),
        Model("""
            [MaxPool1d(8)] private partial Tensor Pool(Tensor x);
            [Forward("B 4 5 -> B 4 1")]
            public Tensor Forward(Tensor x) => Pool({|SCULPT0001:x|});
            """),
        Model("""
            [Conv1d(6, 12, 3, Groups = {|SCULPT0006:4|})] private partial Tensor C(Tensor x);
            """),
        Model("""
            [BatchNorm1d(16)] private partial Tensor Norm(Tensor x);
            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:x|});
            """),
        Model("""
            [BatchNorm1d(16)] private partial Tensor Norm(Tensor x);
            [Forward("B 8 20 -> B 8 20")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:x|});
            """),
        // Recurrent layers: [B, T, input] in; output, hidden and cell states known.
        Model("""
            [Lstm(32, 64)] private partial Tensor Encode(Tensor x);
            [Forward("B T 16 -> B T 64")]
            public Tensor Forward(Tensor x) => Encode({|SCULPT0001:x|});
            """),
        Model("""
            [Gru(32, 64, Bidirectional = true)] private partial Tensor Encode(Tensor x);
            [Forward("B T 32 -> B T 64")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Encode(x)|};
            """),
        Model("""
            [Lstm(32, 64, Layers = 2)] private partial (Tensor Output, Tensor Hidden, Tensor Cell) Encode(Tensor x);
            [Linear(32, 5)] private partial Tensor Classify(Tensor x);
            [Forward("B T 32 -> B 5")]
            public Tensor Forward(Tensor x)
            {
                var (output, hidden, cell) = Encode(x);
                return Classify({|SCULPT0001:Ops.Mean(hidden, 0)|});
            }
            """),
        Model("""
            [Rnn(8, 12)] private partial (Tensor Output, Tensor Hidden) Encode(Tensor x);
            [Forward("B T 8 -> B 12")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Encode(x).Hidden|};
            """),
        Model("""
            [Lstm(8, 12)] private partial {|SCULPT0009:(Tensor Output, Tensor Hidden)|} Encode(Tensor x);
            """),
        Model("""
            [Linear(8, 12)] private partial {|SCULPT0009:(Tensor, Tensor)|} Encode(Tensor x);
            """),
        Model("""
            [Gru(8, 12, Layers = 2)] private partial (Tensor Output, Tensor Hidden) Encode(Tensor x);
            [Forward("B T 8 -> B 12")]
            public Tensor Forward(Tensor x) => {|SCULPT0001:Ops.Select(Encode(x).Hidden, 0, 2)|};
            """),
        // Cross-attention: queries [B, T, dim] and a context [B, S, dim].
        Model("""
            [CrossAttention(64, 8)] private partial Tensor Attend(Tensor x, Tensor context);
            [Forward("B T 64, B S 32 -> B T 64")]
            public Tensor Forward(Tensor x, Tensor memory) => Attend(x, {|SCULPT0001:memory|});
            """),
        Model("""
            [CrossAttention(64, {|SCULPT0006:6|})] private partial Tensor Attend(Tensor x, Tensor context);
            """),
        Model("""
            [CrossAttention(64, 8)] private partial Tensor {|SCULPT0009:Attend|}(Tensor x);
            """),

        // SCULPT0011: weight tying
        Model("""
            [Embedding(1000, 64)] private partial Tensor Tokens(Tensor x);
            [Linear(128, 1000, Bias = false, TiedTo = {|SCULPT0011:nameof(Tokens)|})] private partial Tensor Head(Tensor x);
            """),
        Model("""
            [Embedding(1000, 64)] private partial Tensor Tokens(Tensor x);
            [Linear(64, 1000, TiedTo = {|SCULPT0011:"Tokes"|})] private partial Tensor Head(Tensor x);
            """),
        Model("""
            [LayerNorm(64)] private partial Tensor Norm(Tensor x);
            [Linear(64, 64, TiedTo = {|SCULPT0011:nameof(Norm)|})] private partial Tensor Head(Tensor x);
            """),

        // [Init]: the depth is an integer hyperparameter, the std positive.
        Model("""
            [Init(InitScheme.Normal, ScaleByDepth = {|SCULPT0005:"Layer"|})] [Linear(8, 8)] private partial Tensor Down(Tensor x);
            """),
        Model("""
            [Init(InitScheme.Normal, ScaleByDepth = {|SCULPT0005:"Dropout"|})] [Linear(8, 8)] private partial Tensor Down(Tensor x);
            """),
        Model("""
            [Init(InitScheme.Normal, Std = {|SCULPT0006:0.0|})] [Linear(8, 8)] private partial Tensor Down(Tensor x);
            """),

        // SCULPT0002: the forward result does not have the declared shape
        Model("""
            [Linear(4, 5)] private partial Tensor L(Tensor x);
            [Forward("B 4 -> B 10")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:L(x)|};
            """),
        Model("""
            [Linear(4, 10)] private partial Tensor L(Tensor x);
            [Forward("B 4 -> B 10 1")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:L(x)|};
            """),
        Model("""
            [Linear(4, 3)] private partial Tensor L(Tensor x);
            [Forward("B 4 -> B 2")]
            public Tensor Forward(Tensor x)
            {
                var y = L(x);
                return {|SCULPT0002:y|};
            }
            """),
        Model("""
            [Forward("B 4 -> B 5")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:x|};
            """),
        Model("""
            [Forward("B 2 3 -> B 5")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Ops.Flatten(x)|};
            """),
        Model("""
            [Linear("Hidden", 3)] private partial Tensor L(Tensor x);
            [Forward("B Hidden -> B 3 1")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Ops.Relu(L(x))|};
            """),

        // SCULPT0003: a signature that does not parse, marked inside the string
        Model("""
            [Forward("{|SCULPT0003:B 4|}")]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Forward("B {|SCULPT0003:4x|} -> B 4")]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Forward("B {|SCULPT0003:0|} -> B")]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Forward("B {|SCULPT0003:*rest|} -> B")]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Forward("B 4 -> B {|SCULPT0003:->|} 4")]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Forward("B 3 ->{|SCULPT0003:|}")]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Forward("B 3,{|SCULPT0003: |}-> B 3")]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Forward("B {|SCULPT0003:Hid-den|} -> B 3")]
            public Tensor Forward(Tensor x) => x;
            """),

        // SCULPT0004: signature inputs and method parameters disagree
        Model("""
            [Forward({|SCULPT0004:"B 4, B 4 -> B 4"|})]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Forward({|SCULPT0004:"B 4 -> B 4"|})]
            public Tensor Forward(Tensor x, Tensor y) => x;
            """),

        // SCULPT0005: names that are not hyperparameters
        Model("""
            [Linear({|SCULPT0005:"Hiden"|}, 10)] private partial Tensor L(Tensor x);
            """),
        Model("""
            [Linear(10, {|SCULPT0005:"Classes"|})] private partial Tensor L(Tensor x);
            """),
        Model("""
            [Dropout({|SCULPT0005:"Rate"|})] private partial Tensor Drop(Tensor x);
            """),
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class NoConfig
        {
            [Linear({|SCULPT0005:"Hidden"|}, 2)] private partial Tensor L(Tensor x);
        }
        """,

        // SCULPT0006: sizes and rates out of range
        Model("""
            [Linear({|SCULPT0006:0|}, 10)] private partial Tensor L(Tensor x);
            """),
        Model("""
            [Linear(4, {|SCULPT0006:-3|})] private partial Tensor L(Tensor x);
            """),
        Model("""
            [Linear({|SCULPT0006:2.5|}, 4)] private partial Tensor L(Tensor x);
            """),
        Model("""
            [Dropout({|SCULPT0006:1.0|})] private partial Tensor Drop(Tensor x);
            """),
        Model("""
            [Dropout({|SCULPT0006:-0.1|})] private partial Tensor Drop(Tensor x);
            """),
        Model("""
            [Linear({|SCULPT0006:"Dropout"|}, 4)] private partial Tensor L(Tensor x);
            """),

        // SCULPT0007: defaults outside their range
        Model("", """
            [Range(1, 10)] public int Layers { get; init; } = {|SCULPT0007:0|};
            """),
        Model("", """
            [Range(0.0, 1.0)] public double Rate { get; init; } = {|SCULPT0007:-0.5|};
            """),
        """
        using Sculpt;
        using Sculpt.Training;

        [HyperParameters]
        public partial record Training : TrainingHyperParameters
        {
            public override int Epochs { get; init; } = {|SCULPT0007:0|};
            public override double WeightDecay { get; init; } = {|SCULPT0007:2.0|};
        }
        """,

        // SCULPT0022: search spaces no search could draw from
        Model("", """
            [{|SCULPT0022:SearchRange(10, 1)|}] public int Layers { get; init; } = 4;
            [{|SCULPT0022:SearchRange(0, 1, Log = true)|}] public double Rate { get; init; } = 0.5;
            [{|SCULPT0022:SearchChoice(64, "wide")|}] public int Width2 { get; init; } = 64;
            [{|SCULPT0022:SearchRange(0.5, 2.5)|}] public int Depth { get; init; } = 1;
            [Range(1, 8)][{|SCULPT0022:SearchRange(1, 16)|}] public int Heads { get; init; } = 2;
            [SearchChoice(1, 2)][{|SCULPT0022:SearchRange(1, 4)|}] public int Twice { get; init; } = 1;
            [{|SCULPT0022:SearchRange(0, 1)|}] public bool Flag { get; init; }
            [{|SCULPT0022:SearchChoice(1, 2, 1)|}] public int Repeated { get; init; } = 1;
            [{|SCULPT0022:SearchRange(1e-4, 1e-1, Log = true, Step = 0.01)|}] public double Stepped { get; init; } = 0.01;
            [SearchChoice(1, 2)] public int Mode { get; init; } = 1;
            [{|SCULPT0022:SearchRange(0.1, 0.9, When = "Mode == 3")|}] public double ForModeThree { get; init; } = 0.5;
            [{|SCULPT0022:SearchRange(0.1, 0.9, When = "Stepped == 1")|}] public double OnARange { get; init; } = 0.5;
            [{|SCULPT0022:SearchRange(0.1, 0.9, When = "Mode")|}] public double NoValue { get; init; } = 0.5;
            """),
        """
        using Sculpt;
        using Sculpt.Training;

        [HyperParameters]
        [{|SCULPT0022:SearchRange(1e-4, 1e-1, Log = true, Property = "LearningRat")|}]
        [{|SCULPT0022:SearchChoice(16, 32)|}]
        [{|SCULPT0022:SearchChoice(Optimizer.Sgd, Property = nameof(BatchSize))|}]
        public partial record Training : TrainingHyperParameters
        {
        }
        """,

        // SCULPT0023: a combination of searched sizes that the forward body cannot take
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            [SearchChoice(8, 16)] public int Hidden { get; init; } = 16;
            [SearchRange(8, 16, Step = 8)] public int Hidden2 { get; init; } = 16;
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Linear(12, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear("Hidden2", 3)] private partial Tensor Classify(Tensor x);
            [{|SCULPT0023:Forward("B 12 -> B 3")|}]
            public Tensor Forward(Tensor x) => Classify(Encode(x));
        }
        """,

        // SCULPT0008: elementwise operands that cannot broadcast
        Model("""
            [Linear(4, 4)] private partial Tensor A(Tensor x);
            [Linear(4, 5)] private partial Tensor B(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x) => {|SCULPT0008:A(x) + B(x)|};
            """),
        Model("""
            [Forward("B 3, B 4 -> B 3")]
            public Tensor Forward(Tensor x, Tensor y) => {|SCULPT0008:x * y|};
            """),
        Model("""
            [Forward("B 3 2, B 4 2 -> B 3 2")]
            public Tensor Forward(Tensor x, Tensor y)
            {
                var d = {|SCULPT0008:x - y|};
                return d;
            }
            """),

        // SCULPT0009: declarations Sculpt cannot generate
        """
        using Sculpt;

        [HyperParameters]
        public partial record {|SCULPT0009:Positional|}(int Hidden);
        """,
        """
        using Sculpt;

        [HyperParameters]
        public record {|SCULPT0009:NotPartial|} { public int Hidden { get; init; } = 3; }
        """,
        """
        using Sculpt;

        [HyperParameters]
        public partial class {|SCULPT0009:NotARecord|} { public int Hidden { get; set; } = 3; }
        """,
        """
        using Sculpt;

        [HyperParameters]
        public partial record {|SCULPT0009:WithRequired|} { public required int Hidden { get; init; } }
        """,
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public class {|SCULPT0009:NotPartialModel|} { }

        [Model]
        public partial class {|SCULPT0009:forward|}
        {
            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => x;
        }

        public class {|SCULPT0009:System|} { }

        [HyperParameters]
        [CsvDataset("both.csv")]
        public partial record {|SCULPT0009:Both|}
        {
            public int Hidden { get; init; } = 3;
            [Label] public int Kind { get; init; }
        }

        [Model]
        public class {|SCULPT0009:PlainWithLayers|}
        {
            [Linear(4, 8)] private partial Tensor L(Tensor x);
            [Forward("B 4 -> B 8")]
            public Tensor Forward(Tensor x) => L(x);
        }
        """,
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class {|SCULPT0009:GenericModel|}<T> { }
        """,
        Model("""
            [Forward("B 4 -> B 4")]
            public Tensor {|SCULPT0009:forward|}(Tensor x) => x;
            """),
        Model("""
            [Linear(4, 8)][{|SCULPT0009:Dropout(0.1)|}] private partial Tensor P(Tensor x);
            """),
        Model("""
            [Linear(4, 8)] private partial Tensor {|SCULPT0009:Two|}(Tensor x, Tensor y);
            """),
        Model("""
            [Linear(4, 8)] private Tensor {|SCULPT0009:HasBody|}(Tensor x) => x;
            """),
        """
        using Sculpt;
        using Sculpt.Training;

        [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
        public abstract partial class {|SCULPT0009:AbstractTrainer|} { }
        """,

        // Loss.Dpo: the hyperparameters must carry Beta (PreferenceHyperParameters), and the model must be a language model.
        """
        using Sculpt;
        using Sculpt.Data;
        using Sculpt.Preference;
        using Sculpt.Training;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record LmConfig : TrainingHyperParameters { }

        [HyperParameters]
        public partial record ScorerConfig : PreferenceHyperParameters { }

        [Model(typeof(LmConfig))]
        public partial class Lm
        {
            [Embedding(10, 8)] private partial Tensor Embed(Tensor x);
            [Linear(8, 10)] private partial Tensor Head(Tensor x);
            [Forward("B T -> B T 10")]
            public Tensor Forward(Tensor tokens) => Head(Embed(tokens));
        }

        [Model(typeof(ScorerConfig))]
        public partial class Scorer
        {
            [Linear(4, 3)] private partial Tensor Score(Tensor x);
            [Forward("N 4 -> N 3")]
            public Tensor Forward(Tensor x) => Score(x);
        }

        public sealed class Pairs : IDataSource
        {
            public DataSplits Load(int seed) => throw new System.NotSupportedException();
        }

        [Trainer(Loss.Dpo, Optimizer.AdamW)]
        public partial class {|SCULPT0009:LmTrainer|} : Trainer<Lm, Pairs, LmConfig>;

        [Trainer(Loss.Dpo, Optimizer.AdamW)]
        public partial class {|SCULPT0009:ScorerTrainer|} : Trainer<Scorer, Pairs, ScorerConfig>;

        // A reward model scores each position with one number: a language model's [B, T, 10] is not one.
        [Trainer(Loss.BradleyTerry, Optimizer.AdamW)]
        public partial class {|SCULPT0009:RewardTrainer|} : Trainer<Lm, Pairs, LmConfig>;
        """,

        // Loss.Rloo: a language model, the preference hyperparameters, and one reward that fits.
        """
        using Sculpt;
        using Sculpt.Data;
        using Sculpt.Preference;
        using Sculpt.Training;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record LmConfig : TrainingHyperParameters { }

        [HyperParameters]
        public partial record TuneConfig : PreferenceHyperParameters { }

        [HyperParameters]
        public partial record OtherConfig : PreferenceHyperParameters { }

        [Model(typeof(TuneConfig))]
        public partial class Policy
        {
            [Embedding(10, 8)] private partial Tensor Embed(Tensor x);
            [Linear(8, 10)] private partial Tensor Head(Tensor x);
            [Forward("B T -> B T 10")]
            public Tensor Forward(Tensor tokens) => Head(Embed(tokens));
        }

        [Model(typeof(LmConfig))]
        public partial class PlainLm
        {
            [Embedding(10, 8)] private partial Tensor Embed(Tensor x);
            [Linear(8, 10)] private partial Tensor Head(Tensor x);
            [Forward("B T -> B T 10")]
            public Tensor Forward(Tensor tokens) => Head(Embed(tokens));
        }

        [Model(typeof(TuneConfig))]
        public partial class Scorer
        {
            [Embedding(10, 8)] private partial Tensor Embed(Tensor x);
            [Linear(8, 1)] private partial Tensor Score(Tensor x);
            [Forward("B T -> B T 1")]
            public Tensor Forward(Tensor tokens) => Score(Embed(tokens));
        }

        [Model(typeof(OtherConfig))]
        public partial class OtherScorer
        {
            [Embedding(10, 8)] private partial Tensor Embed(Tensor x);
            [Linear(8, 1)] private partial Tensor Score(Tensor x);
            [Forward("B T -> B T 1")]
            public Tensor Forward(Tensor tokens) => Score(Embed(tokens));
        }

        [Model(typeof(TuneConfig))]
        public partial class Classifier
        {
            [Linear(4, 3)] private partial Tensor Score(Tensor x);
            [Forward("N 4 -> N 3")]
            public Tensor Forward(Tensor x) => Score(x);
        }

        public sealed class Openings : IDataSource
        {
            public DataSplits Load(int seed) => throw new System.NotSupportedException();
        }

        public sealed class NotAModel { }

        // No reward at all.
        [Trainer(Loss.Rloo, Optimizer.AdamW)]
        public partial class {|SCULPT0009:Unrewarded|} : Trainer<Policy, Openings, TuneConfig>;

        // A reward model and a rule: which one counts is unclear.
        [Trainer(Loss.Rloo, Optimizer.AdamW, Reward = typeof(Scorer))]
        public partial class {|SCULPT0009:TwoRewards|} : Trainer<Policy, Openings, TuneConfig>
        {
            protected override Tensor Reward(Tensor sequences) => sequences.sum(1);
        }

        // The reward model must score each position with one number, be a [Model], and share the hyperparameters.
        [Trainer(Loss.Rloo, Optimizer.AdamW, Reward = typeof(Policy))]
        public partial class {|SCULPT0009:VocabularyReward|} : Trainer<Policy, Openings, TuneConfig>;

        [Trainer(Loss.Rloo, Optimizer.AdamW, Reward = typeof(NotAModel))]
        public partial class {|SCULPT0009:PlainReward|} : Trainer<Policy, Openings, TuneConfig>;

        [Trainer(Loss.Rloo, Optimizer.AdamW, Reward = typeof(OtherScorer))]
        public partial class {|SCULPT0009:ForeignReward|} : Trainer<Policy, Openings, TuneConfig>;

        // The policy must be a language model, with the preference hyperparameters.
        [Trainer(Loss.Rloo, Optimizer.AdamW, Reward = typeof(Scorer))]
        public partial class {|SCULPT0009:ClassifierPolicy|} : Trainer<Classifier, Openings, TuneConfig>;

        [Trainer(Loss.Rloo, Optimizer.AdamW)]
        public partial class {|SCULPT0009:PlainConfig|} : Trainer<PlainLm, Openings, LmConfig>
        {
            protected override Tensor Reward(Tensor sequences) => sequences.sum(1);
        }

        // A reward model belongs on a Loss.Rloo trainer only.
        [Trainer(Loss.Dpo, Optimizer.AdamW, Reward = typeof(Scorer))]
        public partial class {|SCULPT0009:DpoWithReward|} : Trainer<Policy, Openings, TuneConfig>;
        """,

        // SCULPT0005/0006 on Repeat, alone: the generated code compiles around the bad name.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record StackConfig
        {
            public int Depth { get; init; } = 2;
            public double Rate { get; init; } = 0.1;
        }

        [Model(typeof(StackConfig))]
        public partial class Block
        {
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }

        [Model(typeof(StackConfig))]
        public partial class Stack
        {
            [Submodel(Repeat = {|SCULPT0005:"Layers"|})] private partial TorchSharp.Modules.ModuleList<Block> Blocks { get; }
            [Submodel(Repeat = {|SCULPT0006:"Rate"|})] private partial TorchSharp.Modules.ModuleList<Block> More { get; }
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }
        """,
        // SCULPT0005 alone on layer sizes: no error from the generated half.
        Model("""
            [Linear({|SCULPT0005:"Hiden"|}, 4)] private partial Tensor A(Tensor x);
            [Linear(4, {|SCULPT0005:"Widht"|})] private partial Tensor B(Tensor x);
            [Dropout({|SCULPT0005:"Rate"|})] private partial Tensor C(Tensor x);
            """),

        // SCULPT0009: a model Sculpt cannot construct, and members named like generated ones.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public abstract partial class {|SCULPT0009:Base|}
        {
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }

        public record Plain { public int Hidden { get; init; } = 4; }

        [Model(typeof(Plain))]
        public partial class {|SCULPT0009:Configured|}
        {
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }

        [HyperParameters]
        internal partial record Hidden { public int Size { get; init; } = 4; }

        [Model(typeof(Hidden))]
        public partial class {|SCULPT0009:Exposed|}
        {
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }
        """,

        // SCULPT0018: the user's own error (a property without a getter) reaches the generated half.
        """
        using Sculpt;

        [HyperParameters]
        public partial record {|SCULPT0018:Config|}
        {
            public int Hidden { init; } = 64;
        }
        """,

        // SCULPT0017: a model that contains itself, directly or through another.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Recursive
        {
            [Submodel] private partial Recursive {|SCULPT0017:Again|} { get; }
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }

        [Model]
        public partial class Encoder
        {
            [Submodel] private partial Layer {|SCULPT0017:First|} { get; }
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }

        [Model]
        public partial class Layer
        {
            [Submodel] private partial Encoder {|SCULPT0017:Inner|} { get; }
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x) => x;
        }
        """,

        // Hyperparameter sizes compared under their declared defaults: each mismatch fails as declared.
        Model("""
            [Linear(784, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear("Hidden2", 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 784 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:Ops.Relu(Encode(x))|});
            """, "    public int Hidden2 { get; init; } = 128;"),
        Model("""
            [Linear(784, 128)] private partial Tensor Encode(Tensor x);
            [Linear("Hidden", 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 784 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:Encode(x)|});
            """),
        Model("""
            [Linear(784, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 784 -> B Hidden")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Classify(x)|};
            """),
        Model("""
            [Conv2d(1, "Channels", 5)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(400, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 12 12 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:Ops.Flatten(Pool(Conv(x)))|});
            """, "    public int Channels { get; init; } = 32;"),
        Model("""
            [SelfAttention("Dim", {|SCULPT0006:"Heads"|})] private partial Tensor Attend(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => Attend(x);
            """, "    public int Dim { get; init; } = 256;\n    public int Heads { get; init; } = 6;"),

        // SCULPT0019: a symbol of the inputs that must take one value for the model to run.
        Model("""
            [Conv1d(16, 32, 3)] private partial Tensor Conv(Tensor x);
            [Forward("B T 16 -> B 32 L")]
            public Tensor Forward(Tensor x) => Conv({|SCULPT0019:x|});
            """),
        Model("""
            [Linear(32, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B T 32 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0019:Ops.Mean(x, 2)|});
            """),
        Model("""
            [BatchNorm1d(16)] private partial Tensor Norm(Tensor x);
            [Forward("B T 16 -> B T 16")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0019:x|});
            """),
        Model("""
            [Linear(64, 64)] private partial Tensor Query(Tensor x);
            [Linear(64, 64)] private partial Tensor Key(Tensor x);
            [Forward("B T 64 -> B T T")]
            public Tensor Forward(Tensor x) => {|SCULPT0019:Ops.MatMul(Query(x), Key(x))|};
            """),

        // Control flow people use: helpers without [Shape] and local functions are followed, a switch
        // expression's arms joined, an indexed loop over repeated blocks followed like a foreach.
        Model("""
            [Linear(3, 2)] private partial Tensor L(Tensor x);
            private Tensor Helper(Tensor x) => x;
            [Forward("B 5 -> B 2")]
            public Tensor Forward(Tensor x) => L({|SCULPT0001:Helper(x)|});
            """),
        Model("""
            [Linear(8, 4)] private partial Tensor A(Tensor x);
            private Tensor Project(Tensor x)
            {
                var h = Ops.Relu(x);
                return A({|SCULPT0001:h|});
            }
            [Forward("B 6 -> B 4")]
            public Tensor Forward(Tensor x) => Project(x) + Project(x);
            """),
        Model("""
            [Linear(8, 4)] private partial Tensor A(Tensor x);
            [Forward("B 6 -> B 4")]
            public Tensor Forward(Tensor x)
            {
                Tensor Mix(Tensor h) => A({|SCULPT0001:h|});
                return Mix(x);
            }
            """),
        Model("""
            [Linear(6, 4)] private partial Tensor A(Tensor x);
            [Linear(5, 2)] private partial Tensor Classify(Tensor x);
            [Forward("B 6 -> B 2")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:x.dim() switch { 2 => A(x), _ => throw new System.ArgumentException("rank") }|});
            """),
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Block
        {
            [Linear(8, 8)] private partial Tensor Mix(Tensor x);
            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => Mix(x);
        }

        [Model]
        public partial class Stack
        {
            [Submodel(Repeat = 2)] private partial TorchSharp.Modules.ModuleList<Block> Blocks { get; }
            [Linear(6, 2)] private partial Tensor Head(Tensor x);
            [Forward("B 8 -> B 2")]
            public Tensor Forward(Tensor x)
            {
                for (int i = 0; i < Blocks.Count; i++) x = Blocks[i].call(x);
                return Head({|SCULPT0001:x|});
            }
        }
        """,

        // SCULPT0020: the arms of a choice leave a value with shapes that differ (once listed as valid:
        // the joined value was unknown and nothing was said, though one path always fails).
        Model("""
            [Linear(4, 4)] private partial Tensor L(Tensor x);
            [Forward("B 4 -> B 4")]
            public Tensor Forward(Tensor x)
            {
                var h = x;
                if (training) { {|SCULPT0020:h = Ops.Flatten(h, 0);|} }
                return L(h);
            }
            """),
        Model("""
            [Linear(4, 5)] private partial Tensor A(Tensor x);
            [Linear(4, 2)] private partial Tensor C(Tensor x);
            [Forward("N 4 -> N 2")]
            public Tensor Forward(Tensor x) => C({|SCULPT0020:training ? A(x) : x|});
            """),
        Model("""
            [Linear(4, 5)] private partial Tensor A(Tensor x);
            [Linear(4, 2)] private partial Tensor C(Tensor x);
            [Forward("N 4 -> N 2")]
            public Tensor Forward(Tensor x)
            {
                var h = x;
                if (training) {|SCULPT0020:h = A(x);|}
                return C(h);
            }
            """),
        Model("""
            [Linear("Hidden", "Width")] private partial Tensor Project(Tensor x);
            [Linear("Hidden", 10)] private partial Tensor Head(Tensor x);
            [Forward("B Hidden -> B 10")]
            public Tensor Forward(Tensor x)
            {
                if (training) {|SCULPT0020:x = Project(x);|}
                return Head(x);
            }
            """),
        Model("""
            [Linear("Hidden", "Width")] private partial Tensor Narrow(Tensor x);
            [Linear("Hidden", "Hidden")] private partial Tensor Mix(Tensor x);
            [Linear("Width", 10)] private partial Tensor Head(Tensor x);
            [Forward("B Hidden -> B 10")]
            public Tensor Forward(Tensor x)
            {
                Tensor h;
                if (Config.Dropout > 0.0 && training)
                {
                    {|SCULPT0020:h = Narrow(x);|}
                }
                else
                {
                    h = Mix(x);
                }
                return Head(h);
            }
            """),
        Model("""
            [Conv2d(3, 8, 3)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(1800, 10)] private partial Tensor Head(Tensor x);
            [Forward("B 3 32 32 -> B 10")]
            public Tensor Forward(Tensor x)
            {
                var h = Conv(x);
                var y = {|SCULPT0020:training ? Pool(h) : h|};
                return Head(Ops.Flatten(y));
            }
            """),

        // Found while growing the corpus (issue 14): compound assignment, a result that fits one batch size,
        // a broadcast that aligns a symbol with a size, groups against hyperparameter channels, the batch written into a view.
        Model("""
            [Conv2d(64, 64, 1, Bias = false)] private partial Tensor Reduce(Tensor x);
            [BatchNorm2d(64)] private partial Tensor Bn1(Tensor x);
            [Conv2d(64, 64, 3, Padding = 1, Bias = false)] private partial Tensor Conv(Tensor x);
            [BatchNorm2d(64)] private partial Tensor Bn2(Tensor x);
            [Conv2d(64, 256, 1, Bias = false)] private partial Tensor Expand(Tensor x);
            [BatchNorm2d(256)] private partial Tensor Bn3(Tensor x);
            [Forward("B 64 H W -> B 256 H W")]
            public Tensor Forward(Tensor x)
            {
                var identity = x;
                var y = Ops.Relu(Bn1(Reduce(x)));
                y = Ops.Relu(Bn2(Conv(y)));
                y = Bn3(Expand(y));
                {|SCULPT0008:y += identity|};
                return Ops.Relu(y);
            }
            """),
        Model("""
            [Lstm(16, 32)] private partial Tensor Encode(Tensor x);
            [Linear(32, 5)] private partial Tensor Classify(Tensor x);
            [Forward("B 20 16 -> B 5")]
            public Tensor Forward(Tensor x)
            {
                var outputs = Encode(x);
                var last = Ops.Select(outputs, 0, -1);
                return {|SCULPT0019:Classify(last)|};
            }
            """),
        Model("""
            [Linear("Hidden", 1)] private partial Tensor Score(Tensor x);
            [Linear("Hidden", 4)] private partial Tensor Classify(Tensor x);
            [Forward("B T Hidden -> B 4")]
            public Tensor Forward(Tensor h)
            {
                var weights = Ops.Softmax(Ops.Sum(Score(h), -1), -1);
                var pooled = Ops.Sum({|SCULPT0019:weights * h|}, 1);
                return Classify(pooled);
            }
            """),
        Model("""
            [Conv2d("Width", "Width", 3, Padding = 1, Groups = {|SCULPT0006:12|})] private partial Tensor Grouped(Tensor x);
            [Forward("B Width H W -> B Width H W")]
            public Tensor Forward(Tensor x) => x + Grouped(x);
            """),
        Model("""
            [Conv2d(1, 16, 5)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(256, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 12 12 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0019:Ops.Reshape(Pool(Conv(x)), 64, -1)|});
            """),

        // The shape ops added with issue 15.
        Model("""
            [Linear(8, 1)] private partial Tensor Score(Tensor x);
            [Forward("B T 8 -> B 8")]
            public Tensor Forward(Tensor h) => Ops.Sum(Ops.Softmax({|SCULPT0001:Ops.Squeeze(h, -1)|}, 1), 1);
            """),
        Model("""
            [Linear(4, 2)] private partial Tensor Head(Tensor x);
            [Forward("B 6 -> B 2")]
            public Tensor Forward(Tensor x) => Head({|SCULPT0001:Ops.Narrow(x, 1, 4, 4)|});
            """),
        Model("""
            [Linear(3, 2)] private partial Tensor Head(Tensor x);
            [Forward("B T 3, B T 4 -> B T 2")]
            public Tensor Forward(Tensor a, Tensor b) => Head({|SCULPT0001:Ops.Where(a > 0, a, b)|});
            """),
        Model("""
            [Conv2d(3, 16, 3)] private partial Tensor Conv(Tensor x);
            [AdaptiveMaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(16, 10)] private partial Tensor Head(Tensor x);
            [Forward("B 3 H W -> B 10")]
            public Tensor Forward(Tensor x) => Head({|SCULPT0001:Ops.Flatten(Pool(Conv(x)))|});
            """),
        Model("""
            [Conv1d(8, 8, 3)] private partial Tensor Causal(Tensor x);
            [Forward("B 8 T -> B 8 T")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Causal(Ops.Pad(x, 1, 0))|};
            """),
        Model("""
            [Linear("Hidden", 4)] private partial Tensor Head(Tensor x);
            [Forward("B T Hidden -> B 4")]
            public Tensor Forward(Tensor h) => Head({|SCULPT0019:Ops.Max(h, 2)|});
            """),

        // Learned tensors ([Parameter]): sizes known when the model is built, uses shape-checked.
        Model("""
            [Parameter("1 {|SCULPT0005:T|} Hidden")] private partial Tensor Positions { get; }
            [Forward("B T Hidden -> B T Hidden")]
            public Tensor Forward(Tensor x) => x + Positions;
            """),
        Model("""
            [Parameter("1 {|SCULPT0003:Hidden*|}")] private partial Tensor Scale { get; }
            [Forward("B Hidden -> B Hidden")]
            public Tensor Forward(Tensor x) => x * Scale;
            """),
        Model("""
            [Parameter("1 Hidden")] public Tensor {|SCULPT0009:Scale|} { get; set; } = null!;
            [Forward("B Hidden -> B Hidden")]
            public Tensor Forward(Tensor x) => x;
            """),
        Model("""
            [Parameter("1 17 Hidden")] private partial Tensor Positions { get; }
            [Forward("B 16 Hidden -> B 16 Hidden")]
            public Tensor Forward(Tensor x) => {|SCULPT0008:x + Positions|};
            """),
        Model("""
            [Parameter("2 1 Hidden")] private partial Tensor ClassToken { get; }
            [Forward("B 16 Hidden -> B 17 Hidden")]
            public Tensor Forward(Tensor x) => Ops.Concat(1, {|SCULPT0001:Ops.ExpandBatch(ClassToken, x)|}, x);
            """),

        // A window whose stride and padding are hyperparameters is sized with their defaults: 8x8 in, 4x4 out, not 3x3.
        Model("""
            [Conv2d(3, "Width", "Kernel", Stride = "Stride", Padding = "Padding")] private partial Tensor Conv(Tensor x);
            [Linear("Width * 9", 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 3 8 8 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:Ops.Flatten(Conv(x))|});
            """, "    public int Kernel { get; init; } = 3;\n    public int Stride { get; init; } = 2;\n    public int Padding { get; init; } = 1;"),
        // A list of stages is followed stage by stage: the last one leaves 24 channels where the head takes 16.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            public int Width { get; init; } = 16;
        }

        [HyperParameters]
        public partial record BlockSizes
        {
            public int In { get; init; } = 8;
            public int Out { get; init; } = 8;
        }

        [Model(typeof(BlockSizes))]
        public partial class Block
        {
            [Linear("In", "Out")] private partial Tensor Mix(Tensor x);
            [Forward("B In -> B Out")]
            public Tensor Forward(Tensor x) => Ops.Relu(Mix(x));
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Submodel(nameof(Keep), Repeat = 2)] private partial TorchSharp.Modules.ModuleList<Block> Stage1 { get; }
            [Submodel(nameof(Widen), Repeat = 2)] private partial TorchSharp.Modules.ModuleList<Block> Stage2 { get; }
            [Linear("Width", 10)] private partial Tensor Head(Tensor x);
            private static BlockSizes Keep(NetConfig c, int i) => new() { In = c.Width, Out = c.Width };
            private static BlockSizes Widen(NetConfig c, int i) => new() { In = i == 0 ? c.Width : 24, Out = 24 };
            [Forward("B Width -> B 10")]
            public Tensor Forward(Tensor x)
            {
                foreach (var stage in new[] { Stage1, Stage2 })
                {
                    foreach (var block in stage) x = block.call(x);
                }
                return Head({|SCULPT0001:x|});
            }
        }
        """,

        // Blocks with their own sizes, made per instance by the parent ([Submodel(nameof(Sizes))]).
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            public int Width { get; init; } = 32;
        }

        [HyperParameters]
        public partial record BlockSizes
        {
            public int In { get; init; } = 8;
            public int Out { get; init; } = 8;
        }

        [Model(typeof(BlockSizes))]
        public partial class Block
        {
            [Linear("In", "Out")] private partial Tensor Mix(Tensor x);
            [Forward("B In -> B Out")]
            public Tensor Forward(Tensor x) => Ops.Relu(Mix(x));
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Submodel(nameof(Widen))] private partial Block First { get; }
            [Linear("Width", 10)] private partial Tensor Head(Tensor x);
            private static BlockSizes Widen(NetConfig c) => new() { In = c.Width, Out = c.Width * 2 };
            [Forward("B Width -> B 10")]
            public Tensor Forward(Tensor x) => Head({|SCULPT0001:First.call(x)|});
        }
        """,
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            public int Width { get; init; } = 32;
        }

        [HyperParameters]
        public partial record BlockSizes
        {
            public int In { get; init; } = 8;
            public int Out { get; init; } = 8;
        }

        [Model(typeof(BlockSizes))]
        public partial class Block
        {
            [Linear("In", "Out")] private partial Tensor Mix(Tensor x);
            [Forward("B In -> B Out")]
            public Tensor Forward(Tensor x) => Ops.Relu(Mix(x));
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Submodel(nameof(Narrow))] private partial Block First { get; }
            private static BlockSizes Narrow(NetConfig c) => new() { In = 16, Out = c.Width };
            [Forward("B Width -> B Width")]
            public Tensor Forward(Tensor x) => First.call({|SCULPT0001:x|});
        }
        """,
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            public int Width { get; init; } = 32;
        }

        [HyperParameters]
        public partial record BlockSizes
        {
            public int In { get; init; } = 8;
            public int Out { get; init; } = 8;
        }

        [Model(typeof(BlockSizes))]
        public partial class Block
        {
            [Linear("In", "Out")] private partial Tensor Mix(Tensor x);
            [Forward("B In -> B Out")]
            public Tensor Forward(Tensor x) => Ops.Relu(Mix(x));
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Submodel] private partial Block {|SCULPT0009:First|} { get; }
            [Forward("B Width -> B Width")]
            public Tensor Forward(Tensor x) => x;
        }
        """,
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            public int Width { get; init; } = 32;
        }

        [HyperParameters]
        public partial record BlockSizes
        {
            public int In { get; init; } = 8;
            public int Out { get; init; } = 8;
        }

        [Model(typeof(BlockSizes))]
        public partial class Block
        {
            [Linear("In", "Out")] private partial Tensor Mix(Tensor x);
            [Forward("B In -> B Out")]
            public Tensor Forward(Tensor x) => Ops.Relu(Mix(x));
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Submodel(nameof(Stage), Repeat = 2)] private partial TorchSharp.Modules.ModuleList<Block> {|SCULPT0009:Blocks|} { get; }
            private static NetConfig Stage(NetConfig c, int i) => c;
            [Forward("B Width -> B Width")]
            public Tensor Forward(Tensor x) => x;
        }
        """,

        // Once listed as valid: a reshape that writes the batch and time in runs only for B = T = 4.
        Model("""
            [Linear("Hidden", 2)] private partial Tensor L(Tensor x);
            [Forward("B T Hidden -> B T 2")]
            public Tensor Forward(Tensor x) => {|SCULPT0019:L(Ops.Reshape(x, 4, 4, 64))|};
            """),

        // The layers added as one-file definitions (issue 15).
        Model("""
            [GroupNorm({|SCULPT0006:5|}, 16)] private partial Tensor Norm(Tensor x);
            [Forward("B 16 H W -> B 16 H W")]
            public Tensor Forward(Tensor x) => Norm(x);
            """),
        Model("""
            [GroupNorm({|SCULPT0006:12|}, "Width")] private partial Tensor Norm(Tensor x);
            [Forward("B Width H W -> B Width H W")]
            public Tensor Forward(Tensor x) => Norm(x);
            """),
        Model("""
            [Conv2d(3, 16, 3, Padding = 1)] private partial Tensor Encode(Tensor x);
            [ConvTranspose2d(32, 8, 2, Stride = 2)] private partial Tensor Up(Tensor x);
            [Forward("B 3 H W -> B 8 H*2 W*2")]
            public Tensor Forward(Tensor x) => Up({|SCULPT0001:Encode(x)|});
            """),
        Model("""
            [ConvTranspose2d(100, 64, 4, Bias = false)] private partial Tensor Up1(Tensor x);
            [ConvTranspose2d(64, 3, 4, Stride = 2, Padding = 1, Bias = false)] private partial Tensor Up2(Tensor x);
            [Forward("B 100 1 1 -> B 3 16 16")]
            public Tensor Forward(Tensor z) => {|SCULPT0002:Up2(Ops.Relu(Up1(z)))|};
            """),
        Model("""
            [Linear(8, 8)] private partial Tensor Branch(Tensor x);
            [DropPath({|SCULPT0006:1.0|})] private partial Tensor Drop(Tensor x);
            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => x + Drop(Branch(x));
            """),
        Model("""
            [Lstm(8, 6, Layers = 2, Dropout = {|SCULPT0006:1.0|})] private partial Tensor Encode(Tensor x);
            [Forward("B T 8 -> B T 6")]
            public Tensor Forward(Tensor x) => Encode(x);
            """),
        Model("""
            [Conv2d(3, 16, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [LayerNorm2d(8, Eps = 1e-6)] private partial Tensor Norm(Tensor x);
            [Forward("B 3 H W -> B 16 H W")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:Conv(x)|});
            """),
        Model("""
            [SelfAttention("Hidden", 4, Dropout = {|SCULPT0006:1.5|})] private partial Tensor Attend(Tensor x);
            [Forward("B T Hidden -> B T Hidden")]
            public Tensor Forward(Tensor x) => Attend(x);
            """),
        Model("""
            [CrossAttention("Hidden", 4, "Width")] private partial Tensor Attend(Tensor x, Tensor memory);
            [Forward("B T Hidden, B S Hidden -> B T Hidden")]
            public Tensor Forward(Tensor x, Tensor memory) => Attend(x, {|SCULPT0001:memory|});
            """),
        Model("""
            [LayerNorm(8, Eps = {|SCULPT0006:0|})] private partial Tensor Norm(Tensor x);
            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => Norm(x);
            """),
        Model("""
            [LeakyReLU({|SCULPT0006:-0.1|})] private partial Tensor Act(Tensor x);
            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => Act(x);
            """),
        Model("""
            [Upsample(2)] private partial Tensor Grow(Tensor x);
            [Linear(192, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 3 8 8 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:Ops.Flatten(Grow(x))|});
            """),
        Model("""
            [Conv2d(3, 16, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [InstanceNorm2d(8, Affine = true)] private partial Tensor Norm(Tensor x);
            [SiLU] private partial Tensor Act(Tensor x);
            [Forward("B 3 H W -> B 16 H W")]
            public Tensor Forward(Tensor x) => Act(Norm({|SCULPT0001:Conv(x)|}));
            """),

        // Sizes written as arithmetic over hyperparameters: compared under the defaults like any other size.
        Model("""
            [Linear("Dim", "Dim * 4")] private partial Tensor Up(Tensor x);
            [Linear("Dim * 2", "Dim")] private partial Tensor Down(Tensor x);
            [Forward("B Dim -> B Dim")]
            public Tensor Forward(Tensor x) => Down({|SCULPT0001:Ops.Gelu(Up(x))|});
            """, "    public int Dim { get; init; } = 64;"),
        Model("""
            [Linear("Dim", "{|SCULPT0005:Dimm|} * 4")] private partial Tensor Up(Tensor x);
            [Forward("B Dim -> B Width")]
            public Tensor Forward(Tensor x) => Up(x);
            """, "    public int Dim { get; init; } = 64;"),
        Model("""
            [Linear("Dim", {|SCULPT0006:"Dim * "|})] private partial Tensor Up(Tensor x);
            [Forward("B Dim -> B Width")]
            public Tensor Forward(Tensor x) => Up(x);
            """, "    public int Dim { get; init; } = 64;"),
        Model("""
            [Linear("Dim", "Dim {|SCULPT0006:- Hidden|}")] private partial Tensor Up(Tensor x);
            [Forward("B Dim -> B Width")]
            public Tensor Forward(Tensor x) => Up(x);
            """, "    public int Dim { get; init; } = 64;"),
        Model("""
            [Dropout({|SCULPT0006:"Dropout * 2"|})] private partial Tensor Drop(Tensor x);
            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => Drop(x);
            """),
        Model("""
            [SelfAttention("Dim", {|SCULPT0006:"Dim / 10"|})] private partial Tensor Attend(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => Attend(x);
            """, "    public int Dim { get; init; } = 64;"),
        Model("""
            [Linear("Hidden", 32)] private partial Tensor A(Tensor x);
            [Linear("Width", 32)] private partial Tensor B(Tensor x);
            [Linear("Hidden", 10)] private partial Tensor Head(Tensor x);
            [Forward("N Hidden, N Width -> N 10")]
            public Tensor Forward(Tensor x, Tensor y) => Head({|SCULPT0001:Ops.Concat(-1, x, y)|});
            """),
        Model("""
            [Linear("Dim", "Dim * 2")] private partial Tensor Up(Tensor x);
            [Forward("B T Dim -> B T Dim*3")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Up(x)|};
            """, "    public int Dim { get; init; } = 64;"),

        // Sizes computed from other hyperparameters take part like any other, with their computed defaults.
        Model("""
            [Linear("Dim", "FeedForward")] private partial Tensor Up(Tensor x);
            [Linear(100, "Dim")] private partial Tensor Down(Tensor x);
            [Forward("B Dim -> B Dim")]
            public Tensor Forward(Tensor x) => Down({|SCULPT0001:Up(x)|});
            """, "    public int Dim { get; init; } = 64;\n    public int FeedForward => Dim * 4;"),
        Model("""
            [SelfAttention("Dim", {|SCULPT0006:"Heads"|})] private partial Tensor Attend(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => Attend(x);
            """, "    public int Dim { get; init; } = 64;\n    public int HeadDim { get; init; } = 24;\n    public int Heads => Dim / 32 + 1;"),

        // SCULPT0019: a reshape whose -1 cannot keep the batch.
        Model("""
            [Conv2d(1, 16, 5)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(400, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 12 12 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0019:Ops.Reshape(Pool(Conv(x)), -1, 400)|});
            """),

        // More real bug classes, in other code styles.
        // A classifier head sized by one hyperparameter, fed by a block sized by another.
        Model("""
            [Embedding(1000, "EmbedDim")] private partial Tensor Tokens(Tensor x);
            [Linear("ModelDim", 2)] private partial Tensor Head(Tensor x);
            [Forward("B T -> B 2")]
            public Tensor Forward(Tensor tokens)
            {
                var embedded = Tokens(tokens);
                var pooled = Ops.Mean(embedded, 1);
                return Head({|SCULPT0001:pooled|});
            }
            """, "    public int EmbedDim { get; init; } = 128;\n    public int ModelDim { get; init; } = 256;"),
        // The flatten size of a conv stack with hyperparameter channels, written as a literal.
        Model("""
            [Conv2d(3, "Channels", 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(1024, 10)] private partial Tensor Fc(Tensor x);
            [Forward("B 3 8 8 -> B 10")]
            public Tensor Forward(Tensor x)
            {
                var features = Pool(Ops.Relu(Conv(x)));
                var flat = Ops.Flatten(features);
                return Fc({|SCULPT0001:flat|});
            }
            """, "    public int Channels { get; init; } = 32;"),
        // A residual whose projection changes the width.
        Model("""
            [Linear("Dim", "Wide")] private partial Tensor Project(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => {|SCULPT0008:x + Project(x)|};
            """, "    public int Dim { get; init; } = 64;\n    public int Wide { get; init; } = 96;"),
        // Attention over a width other than its declared dim.
        Model("""
            [Embedding(50, "Width")] private partial Tensor Tokens(Tensor x);
            [SelfAttention("Hidden", 4)] private partial Tensor Attend(Tensor x);
            [Forward("B T -> B T Hidden")]
            public Tensor Forward(Tensor t) => Attend({|SCULPT0001:Tokens(t)|});
            """),
        // LSTM input size against an embedding of another width.
        Model("""
            [Embedding(50, "Hidden")] private partial Tensor Tokens(Tensor x);
            [Lstm(32, 16)] private partial Tensor Encode(Tensor x);
            [Forward("B T -> B T 16")]
            public Tensor Forward(Tensor t) => Encode({|SCULPT0001:Tokens(t)|});
            """),
        // Concatenated features into a head sized for one of them.
        Model("""
            [Linear(8, "Hidden")] private partial Tensor Left(Tensor x);
            [Linear(8, "Hidden")] private partial Tensor Right(Tensor x);
            [Linear("Hidden", 1)] private partial Tensor Score(Tensor x);
            [Forward("B 8 -> B 1")]
            public Tensor Forward(Tensor x) => Score({|SCULPT0001:Ops.Concat(1, Left(x), Right(x))|});
            """),
        // The declared output forgets the classes are a hyperparameter of their own.
        Model("""
            [Linear(16, "Classes")] private partial Tensor Classify(Tensor x);
            [Forward("B 16 -> B 10")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Classify(x)|};
            """, "    public int Classes { get; init; } = 5;"),
        // A 1-d convolution on a [B, T, C] sequence from an embedding: the missing transpose.
        Model("""
            [Embedding(100, 32)] private partial Tensor Tokens(Tensor x);
            [Conv1d(32, 64, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Forward("B T -> B 64 T")]
            public Tensor Forward(Tensor tokens) => Conv({|SCULPT0019:Tokens(tokens)|});
            """),
        // Scores without the keys' transpose, in a helper.
        Model("""
            [Linear(32, 32)] private partial Tensor Q(Tensor x);
            [Linear(32, 32)] private partial Tensor K(Tensor x);
            private Tensor Scores(Tensor x) => {|SCULPT0019:Ops.MatMul(Q(x), K(x))|};
            [Forward("B T 32 -> B T T")]
            public Tensor Forward(Tensor x) => Ops.Softmax(Scores(x), -1);
            """),

        // Strides over symbolic sizes: an identity shortcut around a stride-2 block.
        Model("""
            [Conv2d(16, 16, 3, Stride = 2, Padding = 1)] private partial Tensor Down(Tensor x);
            [Forward("B 16 H W -> B 16 H W")]
            public Tensor Forward(Tensor x) => {|SCULPT0019:x + Down(x)|};
            """),

        // Channel counts and widths that drift apart through hyperparameters.
        Model("""
            [Conv2d(3, "Channels", 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [BatchNorm2d(64)] private partial Tensor Norm(Tensor x);
            [Forward("B 3 H W -> B 64 H W")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:Conv(x)|});
            """, "    public int Channels { get; init; } = 32;"),
        Model("""
            [Conv2d(3, "Channels", 3, Padding = 1)] private partial Tensor First(Tensor x);
            [Conv2d(16, 32, 3, Padding = 1)] private partial Tensor Second(Tensor x);
            [Forward("B 3 H W -> B 32 H W")]
            public Tensor Forward(Tensor x) => Second({|SCULPT0001:Ops.Relu(First(x))|});
            """, "    public int Channels { get; init; } = 24;"),
        Model("""
            [SelfAttention("Dim", 4)] private partial Tensor Attend(Tensor x);
            [LayerNorm("Hidden")] private partial Tensor Norm(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => Norm({|SCULPT0001:Attend(x)|});
            """, "    public int Dim { get; init; } = 128;"),
        Model("""
            [Gru(16, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear(32, 4)] private partial Tensor Classify(Tensor x);
            [Forward("B T 16 -> B 4")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:Ops.Mean(Encode(x), 1)|});
            """),
        Model("""
            [Linear(8, "Hidden")] private partial Tensor Left(Tensor x);
            [Linear(8, "Hidden")] private partial Tensor Right(Tensor x);
            [Linear("Both", 1)] private partial Tensor Score(Tensor x);
            [Forward("B 8 -> B 2 1")]
            public Tensor Forward(Tensor x) => Score({|SCULPT0001:Ops.Stack(1, Left(x), Right(x))|});
            """, "    public int Both => Hidden * 2;"),
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record TowerConfig
        {
            public int Hidden { get; init; } = 48;
            public int Width { get; init; } = 32;
        }

        [Model(typeof(TowerConfig))]
        public partial class Block
        {
            [Linear("Width", "Width")] private partial Tensor Mix(Tensor x);
            [Forward("B Width -> B Width")]
            public Tensor Forward(Tensor x) => Mix(x);
        }

        [Model(typeof(TowerConfig))]
        public partial class Tower
        {
            [Linear(8, "Hidden")] private partial Tensor Embed(Tensor x);
            [Submodel] private partial Block Body { get; }
            [Forward("B 8 -> B Width")]
            public Tensor Forward(Tensor x) => Body.call({|SCULPT0001:Embed(x)|});
        }
        """,

        // Written as people write them: locals, reassignment, helpers and blocks.
        Model("""
            [Linear(784, 256)] private partial Tensor Fc1(Tensor x);
            [Linear(256, 128)] private partial Tensor Fc2(Tensor x);
            [Linear(256, 10)] private partial Tensor Fc3(Tensor x);
            [Forward("B 784 -> B 10")]
            public Tensor Forward(Tensor x)
            {
                x = Ops.Relu(Fc1(x));
                x = Ops.Relu(Fc2(x));
                return Fc3({|SCULPT0001:x|});
            }
            """),
        Model("""
            [Embedding(1000, 64)] private partial Tensor Tokens(Tensor x);
            [Embedding(128, 32)] private partial Tensor Positions(Tensor x);
            [Forward("B T -> B T 64")]
            public Tensor Forward(Tensor t) => {|SCULPT0008:Tokens(t) + Positions(Ops.Positions(t))|};
            """),
        Model("""
            [Conv2d(1, 8, 3)] private partial Tensor Conv(Tensor x);
            [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
            [Linear(16, 2)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 H W -> B 2")]
            public Tensor Forward(Tensor x)
            {
                var features = Ops.Flatten(Pool(Conv(x)));
                return Classify({|SCULPT0001:features|});
            }
            """),
        Model("""
            [Lstm(16, 32, Bidirectional = true)] private partial Tensor Encode(Tensor x);
            [Linear(32, 5)] private partial Tensor Tag(Tensor x);
            [Forward("B T 16 -> B T 5")]
            public Tensor Forward(Tensor x) => Tag({|SCULPT0001:Encode(x)|});
            """),
        Model("""
            [Linear(64, 64)] private partial Tensor Q(Tensor x);
            [Linear(64, 64)] private partial Tensor V(Tensor x);
            [Forward("B T 64 -> B T 64")]
            public Tensor Forward(Tensor x)
            {
                var weights = Ops.Softmax(Ops.MatMul(Q(x), Ops.Transpose(x, -2, -1)), -1);
                return {|SCULPT0019:Ops.MatMul(V(x), weights)|};
            }
            """),
        Model("""
            [Linear(32, 32)] private partial Tensor Mix(Tensor x);
            private Tensor Block(Tensor x) => x + Mix(x);
            [Linear(16, 2)] private partial Tensor Head(Tensor x);
            [Forward("B 32 -> B 2")]
            public Tensor Forward(Tensor x) => Head({|SCULPT0001:Block(Block(x))|});
            """),
        Model("""
            [Linear(10, 20)] private partial Tensor A(Tensor x);
            [Linear(10, 30)] private partial Tensor B(Tensor x);
            [Forward("N 10 -> N 20")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Ops.Concat(1, A(x), B(x))|};
            """),
        Model("""
            [Conv1d(8, 16, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Linear(16, 4)] private partial Tensor Classify(Tensor x);
            [Forward("B 8 L -> B 4")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0019:Ops.Mean(Conv(x), 1)|});
            """),

        // SCULPT0010: hyperparameter types flags and JSON cannot carry
        Model("", """
            public {|SCULPT0010:int?|} MaxSteps { get; init; }
            public {|SCULPT0010:decimal|} Budget { get; init; }
            public {|SCULPT0010:System.Collections.Generic.List<int>|} Sizes { get; set; } = new();
            public int Derived => Hidden * 2;
            """),

        // Corpus, issue 14 (third batch): shape bugs as they are reported on forums and issue trackers,
        // in the styles people write them.
        // LeNet-5 as written for 32x32 inputs (16 * 5 * 5), trained on 28x28 MNIST: the maps are 4x4.
        Model("""
            [Conv2d(1, 6, 5)] private partial Tensor Conv1(Tensor x);
            [Conv2d(6, 16, 5)] private partial Tensor Conv2(Tensor x);
            [MaxPool2d(2, Stride = 2)] private partial Tensor Pool(Tensor x);
            [Linear(16 * 5 * 5, 120)] private partial Tensor Fc1(Tensor x);
            [Linear(120, 84)] private partial Tensor Fc2(Tensor x);
            [Linear(84, 10)] private partial Tensor Fc3(Tensor x);
            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor x)
            {
                x = Pool(Ops.Relu(Conv1(x)));
                x = Pool(Ops.Relu(Conv2(x)));
                x = Ops.Flatten(x, 1);
                x = Ops.Relu(Fc1({|SCULPT0001:x|}));
                x = Ops.Relu(Fc2(x));
                return Fc3(x);
            }
            """),
        // A VGG stack whose third convolution still expects the first stage's 64 channels.
        Model("""
            [Conv2d(3, 64, 3, Padding = 1)] private partial Tensor Conv1(Tensor x);
            [BatchNorm2d(64)] private partial Tensor Bn1(Tensor x);
            [Conv2d(64, 128, 3, Padding = 1)] private partial Tensor Conv2(Tensor x);
            [BatchNorm2d(128)] private partial Tensor Bn2(Tensor x);
            [Conv2d(64, 256, 3, Padding = 1)] private partial Tensor Conv3(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Forward("B 3 32 32 -> B 256 8 8")]
            public Tensor Forward(Tensor x)
            {
                var h = Pool(Ops.Relu(Bn1(Conv1(x))));
                h = Pool(Ops.Relu(Bn2(Conv2(h))));
                return Ops.Relu(Conv3({|SCULPT0001:h|}));
            }
            """),
        // A LayerNorm over the channels of a sequence still laid out channels-first for its convolution.
        Model("""
            [Conv1d("Dim", "Dim", 7, Padding = 3)] private partial Tensor Mix(Tensor x);
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x)
            {
                var h = Mix(Ops.Transpose(x, 1, 2));
                h = Norm({|SCULPT0019:h|});
                return x + Ops.Transpose(h, 1, 2);
            }
            """, "    public int Dim { get; init; } = 64;"),
        // A bag-of-words classifier moved to embeddings, its head still sized by the vocabulary.
        Model("""
            [Embedding("Vocabulary", "Dim")] private partial Tensor Embed(Tensor x);
            [Linear("Vocabulary", "Classes")] private partial Tensor Classify(Tensor x);
            [Forward("B T -> B Classes")]
            public Tensor Forward(Tensor tokens)
            {
                var bag = Ops.Sum(Embed(tokens), 1);
                return Classify({|SCULPT0001:bag|});
            }
            """, "    public int Vocabulary { get; init; } = 5000;\n    public int Dim { get; init; } = 100;\n    public int Classes { get; init; } = 4;"),
        // Two LSTMs stacked by hand: the first is bidirectional, so the second receives 2 * 32 features.
        Model("""
            [Lstm(16, 32, Bidirectional = true)] private partial (Tensor Output, Tensor Hidden, Tensor Cell) First(Tensor x);
            [Lstm(32, 32)] private partial (Tensor Output, Tensor Hidden, Tensor Cell) Second(Tensor x);
            [Linear(32, 4)] private partial Tensor Classify(Tensor x);
            [Forward("B T 16 -> B 4")]
            public Tensor Forward(Tensor x)
            {
                var (sequence, _, _) = First(x);
                var (top, hidden, _) = Second({|SCULPT0001:sequence|});
                return Classify(Ops.Select(hidden, 0, -1));
            }
            """),
        // The final states of a two-layer GRU go to the head whole: [2, B, 5] scores, not [B, 5].
        Model("""
            [Gru(16, "Hidden", Layers = 2)] private partial (Tensor Output, Tensor Hidden) Encode(Tensor x);
            [Linear("Hidden", 5)] private partial Tensor Classify(Tensor x);
            [Forward("B T 16 -> B 5")]
            public Tensor Forward(Tensor x) => {|SCULPT0002:Classify(Encode(x).Hidden)|};
            """),
        // BERT's 12 heads on a 64-wide model.
        Model("""
            [CrossAttention("Hidden", {|SCULPT0006:"Heads"|})] private partial Tensor Attend(Tensor x, Tensor context);
            [LayerNorm("Hidden")] private partial Tensor Norm(Tensor x);
            [Forward("B T Hidden, B S Hidden -> B T Hidden")]
            public Tensor Forward(Tensor x, Tensor memory) => Norm(x + Attend(x, memory));
            """, "    public int Heads { get; init; } = 12;"),
        // Cross-attention alignments scored in a local function without the keys' transpose: it runs only
        // when the memory is exactly Hidden long.
        Model("""
            [Linear("Hidden", "Hidden")] private partial Tensor Query(Tensor x);
            [Linear("Hidden", "Hidden")] private partial Tensor Key(Tensor x);
            [Forward("B T Hidden, B S Hidden -> B T S")]
            public Tensor Forward(Tensor x, Tensor memory)
            {
                Tensor Scores(Tensor q, Tensor k) => {|SCULPT0019:Ops.MatMul(q, k)|} / 8.0;
                var alignment = Ops.Softmax(Scores(Query(x), Key(memory)), -1);
                return alignment;
            }
            """),
        // Two directions joined along time (dim 1) instead of features (dim -1).
        Model("""
            [Gru("Dim", "Dim")] private partial Tensor Forwards(Tensor x);
            [Gru("Dim", "Dim")] private partial Tensor Backwards(Tensor x);
            [Linear("Dim * 2", "Tags")] private partial Tensor Tag(Tensor x);
            [Forward("B T Dim -> B T Tags")]
            public Tensor Forward(Tensor x)
            {
                var both = Ops.Concat(1, Forwards(x), Backwards(x));
                return Tag({|SCULPT0001:both|});
            }
            """, "    public int Dim { get; init; } = 64;\n    public int Tags { get; init; } = 9;"),
        // A ResNet bottleneck that expands to 256 channels, added to its 64-channel input without a projection.
        Model("""
            [Conv2d(64, 64, 1, Bias = false)] private partial Tensor Reduce(Tensor x);
            [BatchNorm2d(64)] private partial Tensor Bn1(Tensor x);
            [Conv2d(64, 64, 3, Padding = 1, Bias = false)] private partial Tensor Conv(Tensor x);
            [BatchNorm2d(64)] private partial Tensor Bn2(Tensor x);
            [Conv2d(64, 256, 1, Bias = false)] private partial Tensor Expand(Tensor x);
            [BatchNorm2d(256)] private partial Tensor Bn3(Tensor x);
            [Forward("B 64 H W -> B 256 H W")]
            public Tensor Forward(Tensor x)
            {
                var identity = x;
                var y = Ops.Relu(Bn1(Reduce(x)));
                y = Ops.Relu(Bn2(Conv(y)));
                y = Bn3(Expand(y));
                y = {|SCULPT0008:y + identity|};
                return Ops.Relu(y);
            }
            """),
        // A downsampling block whose 1x1 shortcut has the channels right but not the stride.
        Model("""
            [Conv2d(16, 32, 3, Stride = 2, Padding = 1)] private partial Tensor Conv1(Tensor x);
            [Conv2d(32, 32, 3, Padding = 1)] private partial Tensor Conv2(Tensor x);
            [Conv2d(16, 32, 1)] private partial Tensor Shortcut(Tensor x);
            [Forward("B 16 32 32 -> B 32 16 16")]
            public Tensor Forward(Tensor x) => Ops.Relu({|SCULPT0008:Conv2(Ops.Relu(Conv1(x))) + Shortcut(x)|});
            """),
        // A tagger that flattens time into the batch for its head and never restores it.
        Model("""
            [Lstm(32, 64)] private partial Tensor Encode(Tensor x);
            [Linear(64, "Tags")] private partial Tensor Tag(Tensor x);
            [Forward("B T 32 -> B T Tags")]
            public Tensor Forward(Tensor x)
            {
                var states = Ops.Reshape(Encode(x), -1, 64);
                var logits = Tag(states);
                return {|SCULPT0002:logits|};
            }
            """, "    public int Tags { get; init; } = 9;"),
        // Time-first habits: transpose(0, 1) where Conv1d needs the channels in dim 1.
        Model("""
            [Conv1d(16, 32, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Forward("B T 16 -> B 32 T")]
            public Tensor Forward(Tensor x)
            {
                var channelsFirst = Ops.Transpose(x, 0, 1);
                return Ops.Relu(Conv({|SCULPT0019:channelsFirst|}));
            }
            """),
        // Global average pooling over the channels and the height instead of the height and the width.
        Model("""
            [Conv2d(3, 64, 3, Padding = 1)] private partial Tensor Features(Tensor x);
            [Linear(64, 10)] private partial Tensor Head(Tensor x);
            [Forward("B 3 H W -> B 10")]
            public Tensor Forward(Tensor x)
            {
                var maps = Ops.Relu(Features(x));
                var pooled = Ops.Mean(Ops.Mean(maps, 1), 1);
                return Head({|SCULPT0019:pooled|});
            }
            """),
        // A VAE's encoder gives mean and log-variance side by side; the decoder gets both.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record VaeConfig
        {
            public int Latent { get; init; } = 16;
            public int Hidden { get; init; } = 256;
        }

        [Model(typeof(VaeConfig))]
        public partial class Encoder
        {
            [Linear(784, "Hidden")] private partial Tensor Fc(Tensor x);
            [Linear("Hidden", "Latent * 2")] private partial Tensor Stats(Tensor x);
            [Forward("B 784 -> B Latent*2")]
            public Tensor Forward(Tensor x) => Stats(Ops.Relu(Fc(x)));
        }

        [Model(typeof(VaeConfig))]
        public partial class Decoder
        {
            [Linear("Latent", "Hidden")] private partial Tensor Fc(Tensor x);
            [Linear("Hidden", 784)] private partial Tensor Out(Tensor x);
            [Forward("B Latent -> B 784")]
            public Tensor Forward(Tensor z) => Ops.Sigmoid(Out(Ops.Relu(Fc(z))));
        }

        [Model(typeof(VaeConfig))]
        public partial class Vae
        {
            [Submodel] private partial Encoder Encode { get; }
            [Submodel] private partial Decoder Decode { get; }
            [Forward("B 1 28 28 -> B 784")]
            public Tensor Forward(Tensor image)
            {
                var stats = Encode.call(Ops.Flatten(image));
                return Decode.call({|SCULPT0001:stats|});
            }
        }
        """,
        // A downsampling stage (16 -> 32 channels, half the size) repeated: the second cannot take the first's output.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Down
        {
            [Conv2d(16, 32, 3, Stride = 2, Padding = 1)] private partial Tensor Conv(Tensor x);
            [BatchNorm2d(32)] private partial Tensor Norm(Tensor x);
            [Forward("B 16 32 32 -> B 32 16 16")]
            public Tensor Forward(Tensor x) => Ops.Relu(Norm(Conv(x)));
        }

        [Model]
        public partial class Backbone
        {
            [Submodel(Repeat = 3)] private partial TorchSharp.Modules.ModuleList<Down> Stages { get; }
            [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
            [Linear(32, 10)] private partial Tensor Head(Tensor x);
            [Forward("B 16 32 32 -> B 10")]
            public Tensor Forward(Tensor x)
            {
                for (int i = 0; i < Stages.Count; i++)
                {
                    x = Stages[i].call({|SCULPT0001:x|});
                }
                return Head(Ops.Flatten(Pool(x)));
            }
        }
        """,
        // A [Shape] feed-forward helper whose down-projection goes to Hidden, not back to Dim.
        Model("""
            [Linear("Dim", "Dim * 4")] private partial Tensor Up(Tensor x);
            [Linear("Dim * 4", "Hidden")] private partial Tensor Down(Tensor x);
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Shape("*batch Dim -> *batch Dim")]
            private Tensor FeedForward(Tensor x)
            {
                var h = Ops.Gelu(Up(Norm(x)));
                return {|SCULPT0002:Down(h)|};
            }
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => x + FeedForward(x);
            """, "    public int Dim { get; init; } = 128;"),
        // A pooling mode chosen by a switch over an enum flag; both arms give Hidden features, the head takes Width.
        Model("""
            [Gru(16, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear("Width", 3)] private partial Tensor Classify(Tensor x);
            [Forward("B T 16 -> B 3")]
            public Tensor Forward(Tensor x)
            {
                var states = Encode(x);
                var summary = Config.Pool switch
                {
                    Config.Pooling.Mean => Ops.Mean(states, 1),
                    Config.Pooling.Last => Ops.Select(states, 1, -1),
                    _ => throw new System.ArgumentOutOfRangeException(nameof(x)),
                };
                return Classify({|SCULPT0001:summary|});
            }
            """, "    public enum Pooling { Mean, Last }\n    public Pooling Pool { get; init; } = Pooling.Mean;"),
        // A gated feed-forward whose gate is Dim * 4 wide and whose value is Dim * 2.
        Model("""
            [Linear("Dim", "Dim * 4")] private partial Tensor Gate(Tensor x);
            [Linear("Dim", "Dim * 2")] private partial Tensor Up(Tensor x);
            [Linear("Dim * 4", "Dim")] private partial Tensor Down(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => x + Down({|SCULPT0008:Ops.Gelu(Gate(x)) * Up(x)|});
            """, "    public int Dim { get; init; } = 64;"),
        // A flag picks a bidirectional encoder, but the tagger is sized for one direction.
        Model("""
            [Lstm(16, "Hidden", Bidirectional = true)] private partial (Tensor Output, Tensor Hidden, Tensor Cell) BiEncode(Tensor x);
            [Lstm(16, "Hidden")] private partial (Tensor Output, Tensor Hidden, Tensor Cell) Encode(Tensor x);
            [Linear("Hidden", 5)] private partial Tensor Tag(Tensor x);
            [Forward("B T 16 -> B T 5")]
            public Tensor Forward(Tensor x)
            {
                Tensor features;
                if (Config.Bidirectional)
                {
                    var (both, _, _) = BiEncode(x);
                    {|SCULPT0020:features = both;|}
                }
                else
                {
                    var (one, _, _) = Encode(x);
                    features = one;
                }
                return Tag(features);
            }
            """, "    public bool Bidirectional { get; init; } = true;"),
        // A CRNN: the columns of the feature maps carry 64 channels x 16 rows, the LSTM takes 64.
        Model("""
            [Conv2d(1, 64, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Lstm(64, 128, Bidirectional = true)] private partial Tensor Sequence(Tensor x);
            [Linear(256, "Classes")] private partial Tensor Classify(Tensor x);
            [Forward("B 1 32 128 -> B 64 Classes")]
            public Tensor Forward(Tensor image)
            {
                var maps = Pool(Ops.Relu(Conv(image)));
                var columns = Ops.Flatten(Ops.Permute(maps, 0, 3, 1, 2), 2);
                return Classify(Sequence({|SCULPT0001:columns|}));
            }
            """, "    public int Classes { get; init; } = 37;"),
        // ImageNet's AvgPool2d(7) kept for CIFAR: the last maps are 4x4.
        Model("""
            [Conv2d(3, 64, 3, Stride = 2, Padding = 1)] private partial Tensor Stem(Tensor x);
            [Conv2d(64, 128, 3, Stride = 2, Padding = 1)] private partial Tensor Stage(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [AvgPool2d(7)] private partial Tensor Average(Tensor x);
            [Linear(128, 10)] private partial Tensor Fc(Tensor x);
            [Forward("B 3 32 32 -> B 10")]
            public Tensor Forward(Tensor x)
            {
                x = Pool(Ops.Relu(Stem(x)));
                x = Ops.Relu(Stage(x));
                x = Average({|SCULPT0001:x|});
                return Fc(Ops.Flatten(x));
            }
            """),
        // Skip features stacked (a new dim) where they should be concatenated along the channels, in a helper.
        Model("""
            [Conv2d(3, 32, 3, Padding = 1)] private partial Tensor Encode(Tensor x);
            [Conv2d(32, 32, 3, Padding = 1)] private partial Tensor Refine(Tensor x);
            [Conv2d(64, 1, 1)] private partial Tensor Merge(Tensor x);
            private Tensor Fuse(Tensor skip, Tensor deep) => Ops.Sigmoid(Merge({|SCULPT0001:Ops.Stack(1, skip, deep)|}));
            [Forward("B 3 H W -> B 1 H W")]
            public Tensor Forward(Tensor x)
            {
                var skip = Ops.Relu(Encode(x));
                var deep = Ops.Relu(Refine(skip));
                return Fuse(skip, deep);
            }
            """),
        // output[:, :, -1] where output[:, -1, :] was meant: the last feature of every step, not the last step.
        Model("""
            [Embedding(10000, 128)] private partial Tensor Embed(Tensor x);
            [Gru(128, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear("Hidden", 2)] private partial Tensor Classify(Tensor x);
            [Forward("B T -> B 2")]
            public Tensor Forward(Tensor tokens)
            {
                var outputs = Encode(Embed(tokens));
                var last = Ops.Select(outputs, -1, -1);
                return Classify({|SCULPT0019:last|});
            }
            """),
    };

    [Fact]
    public void A_fit_that_needs_one_size_of_a_symbol_is_a_warning_naming_the_condition()
    {
        var conv = AnalyzerHarness.Verify(Model("""
            [Conv1d(16, 32, 3)] private partial Tensor Conv(Tensor x);
            [Forward("B T 16 -> B 32 L")]
            public Tensor Forward(Tensor x) => Conv({|SCULPT0019:x|});
            """)).Single();
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, conv.Severity);
        Assert.Equal("'Conv' expects [*batch, 16, L] and receives [B, T, 16]: it fits only when T = 16", conv.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var product = AnalyzerHarness.Verify(Model("""
            [Forward("B T 64, B T 64 -> B T T")]
            public Tensor Forward(Tensor q, Tensor k) => {|SCULPT0019:Ops.MatMul(q, k)|};
            """)).Single();
        Assert.Equal(
            "'Ops.MatMul' expects [*, N, K] and [*, K, M] and receives [B, T, 64] and [B, T, 64]: the left's last dim (64) meets the right's second-to-last (T), so it multiplies only when T = 64",
            product.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_fix_is_offered_only_where_it_repairs_the_cause()
    {
        // A forgotten flatten: the features multiply out to what the Linear takes.
        string Message(string members) => AnalyzerHarness.Verify(Model(members)).Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith(
            "it comes from 'Pool' (MaxPool2d 2); try Ops.Flatten(Pool(Conv(x))) (its 16x5x5 features are the 400 it takes)",
            Message("""
                [Conv2d(3, 16, 5)] private partial Tensor Conv(Tensor x);
                [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
                [Linear(400, 120)] private partial Tensor Fc(Tensor x);
                [Forward("B 3 14 14 -> B 120")]
                public Tensor Forward(Tensor x) => Fc({|SCULPT0001:Pool(Conv(x))|});
                """));
        // Features that do not multiply out: resizing the Linear would hide the real mistake, so no fix.
        Assert.DoesNotContain("try", Message("""
                [Conv2d(3, 16, 5)] private partial Tensor Conv(Tensor x);
                [Linear(400, 120)] private partial Tensor Fc(Tensor x);
                [Forward("B 3 14 14 -> B 120")]
                public Tensor Forward(Tensor x) => Fc({|SCULPT0001:Conv(x)|});
                """));
    }

    [Fact]
    public void A_stride_over_a_symbolic_size_is_carried_as_an_expression()
    {
        var diagnostic = AnalyzerHarness.Verify(Model("""
            [Conv2d(16, 16, 3, Stride = 2, Padding = 1)] private partial Tensor Down(Tensor x);
            [Forward("B 16 H W -> B 16 H W")]
            public Tensor Forward(Tensor x) => {|SCULPT0019:x + Down(x)|};
            """)).Single();
        Assert.Equal(
            "'+' expects [B, 16, H, W] and receives [B, 16, (H-1)/2+1, (W-1)/2+1]: dim -1 is W on the left and (W-1)/2+1 on the right: the stride of 2 shrinks it, so they agree only when W <= 1",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_dropout_named_as_an_origin_shows_its_rate()
    {
        var diagnostic = AnalyzerHarness.Verify(Model("""
            [Linear(784, 20)] private partial Tensor Encode(Tensor x);
            [Dropout(0.5)] private partial Tensor Drop(Tensor x);
            [Linear(10, 2)] private partial Tensor Classify(Tensor x);
            [Forward("B 784 -> B 2")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:Drop(Encode(x))|});
            """)).Single();
        Assert.Contains("it comes from 'Drop' (Dropout 0.5)", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_mismatch_under_the_defaults_names_each_hyperparameter_with_its_value()
    {
        var diagnostic = AnalyzerHarness.Verify(Model("""
            [Linear(784, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear("Hidden2", 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 784 -> B 10")]
            public Tensor Forward(Tensor x) => Classify({|SCULPT0001:Encode(x)|});
            """, "    public int Hidden2 { get; init; } = 128;")).Single();
        Assert.Equal(
            "'Classify' expects [*batch, Hidden2] but receives [B, Hidden]: the last dim is Hidden (= 64 with the defaults), not Hidden2 (= 128 with the defaults); it comes from 'Encode' (Linear 784 -> Hidden)",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_search_space_that_cannot_build_names_one_failing_combination()
    {
        var diagnostic = AnalyzerHarness.Verify("""
            using Sculpt;
            using static TorchSharp.torch;

            [HyperParameters]
            public partial record NetConfig
            {
                [SearchChoice(8, 16)] public int Hidden { get; init; } = 16;
                [SearchChoice(8, 16)] public int Hidden2 { get; init; } = 16;
            }

            [Model(typeof(NetConfig))]
            public partial class Net
            {
                [Linear(12, "Hidden")] private partial Tensor Encode(Tensor x);
                [Linear("Hidden2", 3)] private partial Tensor Classify(Tensor x);
                [{|SCULPT0023:Forward("B 12 -> B 3")|}]
                public Tensor Forward(Tensor x) => Classify(Encode(x));
            }
            """).Single();
        Assert.Equal(
            "With --hidden 8 --hidden2 16, Net cannot build: 'Classify' expects [*batch, Hidden2] but receives [B, Hidden]: the last dim is Hidden = 8, not Hidden2 = 16; "
            + "search records such configurations as invalid without training them: narrow the space, or suppress SCULPT0023 to accept the skips",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
    }

    [Fact]
    public void A_searched_hyperparameter_nothing_reads_is_named_with_its_model()
    {
        var diagnostic = AnalyzerHarness.Verify(Searched("""
            [SearchChoice(8, 16)] public int Hidden { get; init; } = 16;
            [{|SCULPT0024:SearchRange(0.0, 0.5)|}] public double Dropout { get; init; } = 0.2;
            """, """
            [Linear(4, "Hidden")] private partial Tensor A(Tensor x);
            [Forward("B 4 -> B Hidden")]
            public Tensor Forward(Tensor x) => A(x);
            """)).Single();
        Assert.Equal(
            "'Dropout' is searched, but neither Net nor any other code of this project reads Config.Dropout: every trial would train the same model for it; "
            + "use it in a layer, the forward body or the data, or remove its search",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_invalid_snippet_reports_exactly_the_marked_diagnostics(string markup) => AnalyzerHarness.Verify(markup);

    public static TheoryData<string> Valid => new()
    {
        // Exportable: layers, ops, operators, config reads and a repeated block all have ONNX forms.
        Exportable("""
            [Linear(4, "Hidden")] private partial Tensor A(Tensor x);
            [LayerNorm("Hidden")] private partial Tensor Norm(Tensor x);
            [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
            [Linear("Hidden", 4)] private partial Tensor B(Tensor x);
            [Forward("N 4 -> N 4")]
            public Tensor Forward(Tensor x)
            {
                var h = Norm(Ops.Gelu(A(x)));
                if (Config.Hidden > 8) h = h * 0.5 + Drop(h);
                return B(h) + x;
            }
            """),
        // Searched hyperparameters read in every way a model can: a layer's argument, a computed size, the forward body,
        // a signature's dim; inherited ones (LearningRate) are read by the trainer.
        Searched("""
            [SearchChoice(8, 16)] public int Hidden { get; init; } = 16;
            [SearchChoice(1, 2)] public int Factor { get; init; } = 1;
            public int Wide => Hidden * Factor;
            [SearchRange(0.0, 0.5)] public double Scale { get; init; } = 0.2;
            [SearchChoice(3, 4)] public int Classes { get; init; } = 3;
            """, """
            [Linear(4, "Wide")] private partial Tensor A(Tensor x);
            [Linear("Wide", "Classes")] private partial Tensor B(Tensor x);
            [Forward("N 4 -> N Classes")]
            public Tensor Forward(Tensor x) => B(A(x)) * Config.Scale;
            """, "[SearchRange(1e-4, 1e-2, Log = true, Property = nameof(LearningRate))]"),
        // A sequence decoder: a transposed 1-D convolution doubles the length.
        Model("""
            [Conv1d(8, 16, 3, Stride = 2, Padding = 1)] private partial Tensor Down(Tensor x);
            [ConvTranspose1d(16, 8, 4, Stride = 2, Padding = 1)] private partial Tensor Up(Tensor x);
            [Forward("B 8 32 -> B 8 32")]
            public Tensor Forward(Tensor x) => Up(Ops.Relu(Down(x)));
            """),
        // Several results: a two-headed forward, a helper returning two tensors, a caller reading both.
        Model("""
            [Linear("Hidden", 5)] private partial Tensor Classify(Tensor x);
            [Linear("Hidden", 4)] private partial Tensor Locate(Tensor x);
            [Linear(9, 1)] private partial Tensor Score(Tensor x);

            [Shape("B Hidden -> B 5, B 4")]
            private (Tensor Classes, Tensor Box) Heads(Tensor x) => (Classify(x), Locate(x));

            [Forward("B Hidden -> B 1, B 5")]
            public (Tensor, Tensor) Forward(Tensor x)
            {
                var (classes, box) = Heads(x);
                var both = Heads(x);
                return (Score(Ops.Concat(-1, classes, box)), both.Classes);
            }
            """),
        Model("""
            [MaxPool2d(new[] { 3, 1 }, Stride = new[] { 2, 1 }, Padding = new[] { 1, 0 })] private partial Tensor Rows(Tensor x);
            [AvgPool3d(new[] { 1, 2, 2 }, CeilMode = true)] private partial Tensor Frames(Tensor x);
            [Forward("B 3 9 7 -> B 3 5 7")]
            public Tensor Forward(Tensor x) => Rows(x);
            [Shape("B 3 T 5 5 -> B 3 T 3 3")]
            private Tensor Clip(Tensor x) => Frames(x);
            """),
        // Inception's factorised 7x7: 1x7 then 7x1, paddings per dim, then a strided 3x1.
        Model("""
            [Conv2d(192, 128, new[] { 1, 7 }, Padding = new[] { 0, 3 }, Bias = false)] private partial Tensor Row(Tensor x);
            [Conv2d(128, 192, new[] { 7, 1 }, Padding = new[] { 3, 0 }, Bias = false)] private partial Tensor Column(Tensor x);
            [Conv2d(192, 192, new[] { 3, 1 }, Stride = new[] { 2, 1 })] private partial Tensor Down(Tensor x);
            [Forward("B 192 17 17 -> B 192 8 17")]
            public Tensor Forward(Tensor x) => Down(Column(Row(x)));
            """),
        // A gated unit by Chunk, a split projection, parts by index.
        Model("""
            [Linear("Hidden", "Hidden * 2")] private partial Tensor A(Tensor x);
            [Linear("Hidden", 12)] private partial Tensor B(Tensor x);
            [Linear(4, 3)] private partial Tensor C(Tensor x);
            [Forward("N Hidden -> N 3")]
            public Tensor Forward(Tensor x)
            {
                var (value, gate) = Ops.Chunk(A(x), 2, -1);
                var (q, k, v) = Ops.Chunk(B(value * Ops.Sigmoid(gate)), 3, -1);
                return C(q + k + Ops.Split(v, -1, 1, 3)[0] * 0 + v);
            }
            """),
        // Padded sequences: a key padding mask, recurrent layers from given states.
        Model("""
            [SelfAttention(16, 4, Causal = true)] private partial Tensor Attend(Tensor x, Tensor padding);
            [Lstm(16, 8, Layers = 2, Bidirectional = true)] private partial Tensor Read(Tensor x, Tensor hidden, Tensor cell);
            [Gru(16, 8)] private partial (Tensor Output, Tensor Hidden) Carry(Tensor x, Tensor hidden);
            [Forward("B T 16, B T, 4 B 8, 4 B 8 -> B T 16")]
            public Tensor Forward(Tensor x, Tensor padding, Tensor h, Tensor c)
            {
                var attended = x + Attend(x, padding);
                var (carried, _) = Carry(attended, Ops.Narrow(h, 0, 0, 1));
                return Read(attended, h, c) + Ops.Concat(-1, carried, carried);
            }
            """),
        // Volumes and ceil-mode pooling.
        Model("""
            [Conv3d(3, 8, 3, Padding = 1, Stride = 2)] private partial Tensor A(Tensor x);
            [BatchNorm3d(8)] private partial Tensor Norm(Tensor x);
            [MaxPool3d(2, CeilMode = true)] private partial Tensor Pool(Tensor x);
            [AvgPool3d(2)] private partial Tensor Average(Tensor x);
            [Forward("B 3 9 9 9 -> B 8 1 1 1")]
            public Tensor Forward(Tensor x) => Average(Pool(Ops.Relu(Norm(A(x)))));
            """),
        Model("""
            [MaxPool2d(3, Stride = 2, CeilMode = true)] private partial Tensor Pool(Tensor x);
            [Forward("B 64 112 112 -> B 64 56 56")]
            public Tensor Forward(Tensor x) => Pool(x);
            """),
        // Published state names: dotted paths, a learned tensor and a sub-model among them, renaming rules.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Stem
        {
            [Conv2d(3, 8, 3, Padding = 1, Bias = false), StateName("0")] private partial Tensor Conv(Tensor x);
            [BatchNorm2d(8), StateName("1")] private partial Tensor Norm(Tensor x);
            [Forward("B 3 H W -> B 8 H W")]
            public Tensor Forward(Tensor x) => Ops.Relu(Norm(Conv(x)));
        }

        [Model]
        [RenameWeights(@"^encoder\.layer_(\d+)\.", "features.$1.")]
        public partial class Published
        {
            [Submodel, StateName("features.0")] private partial Stem First { get; }
            [Conv2d(8, 8, 3, Padding = 1, Groups = 8), StateName("features.1.0")] private partial Tensor Depthwise(Tensor x);
            [Parameter("8 1 1", Fill = 1e-6), StateName("features.1.scale")] private partial Tensor Scale { get; }
            [Linear(8, 10), StateName("classifier.1")] private partial Tensor Head(Tensor x);
            [Forward("B 3 H W -> B 10")]
            public Tensor Forward(Tensor x)
            {
                var h = First.call(x);
                h = h + Scale * Depthwise(h);
                return Head(Ops.Mean(Ops.Mean(h, -1), -1));
            }
        }
        """,
        // A depthwise block whose widths, kernel and stride come from a settings table through a helper, with
        // torchvision's residual only where stride and widths allow it.
        """
        using Sculpt;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record BlockSizes
        {
            public int In { get; init; } = 16;
            public int Out { get; init; } = 24;
            public int Kernel { get; init; } = 3;
            public int Stride { get; init; } = 1;
            public int Padding => (Kernel - 1) / 2;
        }

        [Model(typeof(BlockSizes))]
        public partial class Block
        {
            [Conv2d("In", "In", "Kernel", Stride = "Stride", Padding = "Padding", Groups = "In")] private partial Tensor Depthwise(Tensor x);
            [Conv2d("In", "Out", 1)] private partial Tensor Project(Tensor x);
            [Forward("B In H W -> B Out P Q")]
            public Tensor Forward(Tensor x)
            {
                var h = Project(Depthwise(x));
                return Config.Stride == 1 && Config.In == Config.Out ? x + h : h;
            }
        }

        [Model]
        public partial class Table
        {
            [Conv2d(3, 16, 3, Padding = 1)] private partial Tensor Stem(Tensor x);
            [Submodel(nameof(Stage), Repeat = 3)] private partial ModuleList<Block> Blocks { get; }
            [Linear(24, 10)] private partial Tensor Head(Tensor x);

            private static BlockSizes Row(int kernel, int stride, int width, int i) => new() { In = i == 0 ? 16 : width, Out = width, Kernel = kernel, Stride = i == 0 ? stride : 1 };
            private static BlockSizes Stage(int i) => Row(5, 2, 24, i);

            [Forward("B 3 H W -> B 10")]
            public Tensor Forward(Tensor x)
            {
                var h = Stem(x);
                foreach (var block in Blocks) h = block.call(h);
                return Head(Ops.Flatten(Ops.Mean(Ops.Mean(h, -1, true), -2, true)));
            }
        }
        """,
        // The same written correctly.
        Model("""
            [Linear(784, 256)] private partial Tensor Fc1(Tensor x);
            [Linear(256, 128)] private partial Tensor Fc2(Tensor x);
            [Linear(128, 10)] private partial Tensor Fc3(Tensor x);
            [Forward("B 784 -> B 10")]
            public Tensor Forward(Tensor x)
            {
                x = Ops.Relu(Fc1(x));
                x = Ops.Relu(Fc2(x));
                return Fc3(x);
            }
            """),
        Model("""
            [Embedding(1000, 64)] private partial Tensor Tokens(Tensor x);
            [Embedding(128, 64)] private partial Tensor Positions(Tensor x);
            [Forward("B T -> B T 64")]
            public Tensor Forward(Tensor t) => Tokens(t) + Positions(Ops.Positions(t));
            """),
        Model("""
            [Lstm(16, 32, Bidirectional = true)] private partial Tensor Encode(Tensor x);
            [Linear(64, 5)] private partial Tensor Tag(Tensor x);
            [Forward("B T 16 -> B T 5")]
            public Tensor Forward(Tensor x) => Tag(Encode(x));
            """),
        Model("""
            [Linear(64, 64)] private partial Tensor Q(Tensor x);
            [Linear(64, 64)] private partial Tensor K(Tensor x);
            [Linear(64, 64)] private partial Tensor V(Tensor x);
            [Forward("B T 64 -> B T 64")]
            public Tensor Forward(Tensor x)
            {
                var weights = Ops.Softmax(Ops.MatMul(Q(x), Ops.Transpose(K(x), -2, -1)), -1);
                return Ops.MatMul(weights, V(x));
            }
            """),
        Model("""
            [Conv1d(8, 16, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Linear(16, 4)] private partial Tensor Classify(Tensor x);
            [Forward("B 8 L -> B 4")]
            public Tensor Forward(Tensor x) => Classify(Ops.Mean(Conv(x), 2));
            """),

        // The same architectures with their sizes agreeing.
        Model("""
            [Conv2d(3, "Channels", 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [BatchNorm2d("Channels")] private partial Tensor Norm(Tensor x);
            [Conv2d("Channels", 32, 3, Padding = 1)] private partial Tensor Second(Tensor x);
            [Forward("B 3 H W -> B 32 H W")]
            public Tensor Forward(Tensor x) => Second(Ops.Relu(Norm(Conv(x))));
            """, "    public int Channels { get; init; } = 32;"),
        Model("""
            [Gru(16, "Hidden")] private partial Tensor Encode(Tensor x);
            [LayerNorm("Hidden")] private partial Tensor Norm(Tensor x);
            [Linear("Hidden", 4)] private partial Tensor Classify(Tensor x);
            [Forward("B T 16 -> B 4")]
            public Tensor Forward(Tensor x) => Classify(Norm(Ops.Mean(Encode(x), 1)));
            """),
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record TowerConfig
        {
            public int Width { get; init; } = 32;
        }

        [Model(typeof(TowerConfig))]
        public partial class Block
        {
            [Linear("Width", "Width")] private partial Tensor Mix(Tensor x);
            [Forward("B Width -> B Width")]
            public Tensor Forward(Tensor x) => Mix(x);
        }

        [Model(typeof(TowerConfig))]
        public partial class Tower
        {
            [Linear(8, "Width")] private partial Tensor Embed(Tensor x);
            [Submodel] private partial Block Body { get; }
            [Forward("B 8 -> B Width")]
            public Tensor Forward(Tensor x) => Body.call(Embed(x));
        }
        """,

        // A strided block with a strided shortcut: both halve H and W alike.
        Model("""
            [Conv2d(16, 32, 3, Stride = 2, Padding = 1)] private partial Tensor Down(Tensor x);
            [Conv2d(16, 32, 1, Stride = 2)] private partial Tensor Shortcut(Tensor x);
            [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
            [Linear(32, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 16 H W -> B 10")]
            public Tensor Forward(Tensor x) => Classify(Ops.Flatten(Pool(Ops.Relu(Down(x) + Shortcut(x)))));
            """),

        // Valid architectures in other styles: hyperparameter widths that agree, transposes in place.
        Model("""
            [Embedding(100, 32)] private partial Tensor Tokens(Tensor x);
            [Conv1d(32, 64, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Forward("B T -> B 64 T")]
            public Tensor Forward(Tensor tokens) => Conv(Ops.Transpose(Tokens(tokens), 1, 2));
            """),
        Model("""
            [Linear(32, 32)] private partial Tensor Q(Tensor x);
            [Linear(32, 32)] private partial Tensor K(Tensor x);
            private Tensor Scores(Tensor x) => Ops.MatMul(Q(x), Ops.Transpose(K(x), -2, -1));
            [Forward("B T 32 -> B T T")]
            public Tensor Forward(Tensor x) => Ops.Softmax(Scores(x), -1);
            """),
        Model("""
            [Linear(8, "Hidden")] private partial Tensor Left(Tensor x);
            [Linear(8, "Hidden")] private partial Tensor Right(Tensor x);
            [Linear("Both", 1)] private partial Tensor Score(Tensor x);
            [Forward("B 8 -> B 1")]
            public Tensor Forward(Tensor x) => Score(Ops.Concat(1, Left(x), Right(x)));
            """, "    public int Both => Hidden * 2;"),
        Model("""
            [Conv2d(3, "Channels", 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear("Flat", 10)] private partial Tensor Fc(Tensor x);
            [Forward("B 3 8 8 -> B 10")]
            public Tensor Forward(Tensor x) => Fc(Ops.Flatten(Pool(Ops.Relu(Conv(x)))));
            """, "    public int Channels { get; init; } = 32;\n    public int Flat => Channels * 16;"),
        Model("""
            [Conv2d(1, 16, 5)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(256, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 12 12 -> B 10")]
            public Tensor Forward(Tensor x) => Classify(Ops.Reshape(Pool(Conv(x)), -1, 256));
            """),

        // Choices whose arms agree, or whose condition reads a size that may make them agree.
        Model("""
            [Linear("Hidden", "Width")] private partial Tensor Project(Tensor x);
            [Linear("Width", 10)] private partial Tensor Head(Tensor x);
            [Forward("B Hidden -> B 10")]
            public Tensor Forward(Tensor x)
            {
                var h = x;
                if (Config.Hidden != Config.Width) h = Project(x);
                var y = training ? Ops.Relu(h) : h;
                return Head(h);
            }
            """),
        Model("""
            [Linear("Hidden", "Width")] private partial Tensor Project(Tensor x);
            [Linear("Hidden", 10)] private partial Tensor Head(Tensor x);
            [Forward("B Hidden -> B 10")]
            public Tensor Forward(Tensor x)
            {
                if (training)
                {
                    var unused = Project(x);
                    x = Ops.Relu(x);
                }
                return Head(x);
            }
            """),

        // The layers added as one-file definitions (issue 15): a DCGAN-style generator, a U-Net level at any size, activations.
        Model("""
            [ConvTranspose2d("Hidden", "Width * 4", 4, Bias = false)] private partial Tensor Up1(Tensor x);
            [BatchNorm2d("Width * 4")] private partial Tensor Norm1(Tensor x);
            [ConvTranspose2d("Width * 4", "Width", 4, Stride = 2, Padding = 1, Bias = false)] private partial Tensor Up2(Tensor x);
            [GroupNorm(8, "Width")] private partial Tensor Norm2(Tensor x);
            [ConvTranspose2d("Width", 3, 4, Stride = 2, Padding = 1)] private partial Tensor Up3(Tensor x);
            [ReLU] private partial Tensor Act(Tensor x);
            [Tanh] private partial Tensor Squash(Tensor x);
            [Forward("B Hidden 1 1 -> B 3 16 16")]
            public Tensor Forward(Tensor z) => Squash(Up3(Act(Norm2(Up2(Act(Norm1(Up1(z))))))));
            """),
        Model("""
            [Conv2d(3, 8, 3, Padding = 1)] private partial Tensor Down(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Conv2d(8, 16, 3, Padding = 1)] private partial Tensor Bottom(Tensor x);
            [ConvTranspose2d(16, 8, 2, Stride = 2)] private partial Tensor Up(Tensor x);
            [Conv2d(16, 8, 3, Padding = 1)] private partial Tensor Merge(Tensor x);
            [Upsample(2, Bilinear = true)] private partial Tensor Smooth(Tensor x);
            [Forward("B 3 H W -> B 8 H*2 W*2")]
            public Tensor Forward(Tensor image)
            {
                var skip = Ops.Silu(Down(image));
                var up = Up(Ops.LeakyRelu(Bottom(Pool(skip)), 0.2));
                return Smooth(Ops.Mish(Merge(Ops.Concat(1, up, skip))));
            }
            """),
        Model("""
            [Linear(16, "Hidden")] private partial Tensor In(Tensor x);
            [LeakyReLU] private partial Tensor A(Tensor x);
            [ELU(0.5)] private partial Tensor B(Tensor x);
            [Softplus("Dropout")] private partial Tensor C(Tensor x);
            [Hardswish] private partial Tensor D(Tensor x);
            [Linear("Hidden", 2)] private partial Tensor Out(Tensor x);
            [Forward("N 16 -> N 2")]
            public Tensor Forward(Tensor x) => Out(D(C(B(A(In(x))))) + Ops.Hardsigmoid(Ops.Relu6(In(x))));
            """),

        // The shape ops added with issue 15: attention pooling with an unsqueezed gate, a causal pad, global max pooling.
        Model("""
            [Linear("Hidden", 1)] private partial Tensor Score(Tensor x);
            [Conv1d("Hidden", "Hidden", 3)] private partial Tensor Causal(Tensor x);
            [AdaptiveMaxPool2d(1)] private partial Tensor GlobalMax(Tensor x);
            [Linear("Hidden * 2", 4)] private partial Tensor Head(Tensor x);
            [Forward("B T Hidden, B Hidden H W -> B 4")]
            public Tensor Forward(Tensor h, Tensor image)
            {
                var conv = Ops.Transpose(Causal(Ops.Pad(Ops.Transpose(h, 1, 2), 2, 0)), 1, 2);
                var weights = Ops.Softmax(Ops.Squeeze(Score(conv), -1), 1);
                var pooled = Ops.Sum(Ops.Unsqueeze(weights, -1) * conv, 1);
                var peak = Ops.Squeeze(Ops.Squeeze(GlobalMax(image), -1), -1);
                var gated = Ops.Where(peak > 0, peak, Ops.Clamp(peak, -1.0, 0.0));
                return Head(Ops.Concat(1, pooled, Ops.Max(Ops.Narrow(conv, 1, 0, 1), 1) + gated));
            }
            """),

        // A decoder reading an encoder memory of another width.
        Model("""
            [SelfAttention("Hidden", 4, Causal = true)] private partial Tensor Look(Tensor x);
            [CrossAttention("Hidden", 4, "Width")] private partial Tensor Attend(Tensor x, Tensor memory);
            [Forward("B T Hidden, B S Width -> B T Hidden")]
            public Tensor Forward(Tensor x, Tensor memory) => Attend(Look(x), memory);
            """),

        // A stage table: one block class, a widening block, then blocks whose first differs by index.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            public int Width { get; init; } = 32;
        }

        [HyperParameters]
        public partial record BlockSizes
        {
            public int In { get; init; } = 8;
            public int Out { get; init; } = 8;
        }

        [Model(typeof(BlockSizes))]
        public partial class Block
        {
            [Linear("In", "Out")] private partial Tensor Mix(Tensor x);
            [Forward("B In -> B Out")]
            public Tensor Forward(Tensor x) => Ops.Relu(Mix(x));
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Submodel(nameof(Widen))] private partial Block First { get; }
            [Submodel(nameof(Stage), Repeat = 3)] private partial TorchSharp.Modules.ModuleList<Block> Blocks { get; }
            [Linear("Width", 10)] private partial Tensor Head(Tensor x);
            private static BlockSizes Widen(NetConfig c) => new() { In = c.Width, Out = c.Width * 2 };
            private static BlockSizes Stage(NetConfig c, int i) => new() { In = i == 0 ? c.Width * 2 : c.Width, Out = c.Width };
            [Forward("B Width -> B 10")]
            public Tensor Forward(Tensor x)
            {
                var h = First.call(x);
                foreach (var block in Blocks) h = block.call(h);
                return Head(h);
            }
        }
        """,

        // A ConvNeXt block: depthwise 7x7, channel LayerNorm, inverted MLP, layer scale, stochastic depth.
        Model("""
            [Conv2d("Width", "Width", 7, Padding = 3, Groups = 32)] private partial Tensor Depthwise(Tensor x);
            [LayerNorm2d("Width", Eps = 1e-6)] private partial Tensor Norm(Tensor x);
            [Conv2d("Width", "Width * 4", 1)] private partial Tensor Expand(Tensor x);
            [GELU] private partial Tensor Act(Tensor x);
            [Conv2d("Width * 4", "Width", 1)] private partial Tensor Reduce(Tensor x);
            [Parameter("Width 1 1", Fill = 1e-6)] private partial Tensor LayerScale { get; }
            [DropPath("Dropout")] private partial Tensor Drop(Tensor x);
            [Gru(8, 6, Layers = 3, Dropout = 0.2, Bidirectional = true)] private partial Tensor Rows(Tensor x);
            [Forward("B Width H W, B T 8 -> B Width H W")]
            public Tensor Forward(Tensor x, Tensor rows) => x + Drop(LayerScale * Reduce(Act(Expand(Norm(Depthwise(x)))))) + 0 * Ops.Sum(Ops.Sum(Rows(rows), 2), 1).reshape(-1, 1, 1, 1);
            """),

        // A vision transformer in miniature: a learned class token, position table and layer scale.
        Model("""
            [Conv2d(3, "Hidden", 4, Stride = 4)] private partial Tensor Patchify(Tensor x);
            [Parameter("1 1 Hidden")] private partial Tensor ClassToken { get; }
            [Parameter("1 Patches+1 Hidden", Std = 0.02)] private partial Tensor Positions { get; }
            [Parameter("Hidden", Fill = 1e-6)] private partial Tensor LayerScale { get; }
            [LayerNorm("Hidden", Eps = 1e-6)] private partial Tensor Norm(Tensor x);
            [SelfAttention("Hidden", 4)] private partial Tensor Attend(Tensor x);
            [Linear("Hidden", 10)] private partial Tensor Head(Tensor x);
            [Forward("B 3 32 32 -> B 10")]
            public Tensor Forward(Tensor image)
            {
                var patches = Ops.Transpose(Ops.Flatten(Patchify(image), 2), 1, 2);
                var tokens = Ops.Concat(1, Ops.ExpandBatch(this.ClassToken, patches), patches) + Positions;
                tokens = tokens + LayerScale * Attend(Norm(tokens));
                return Head(Ops.Select(Norm(tokens), 1, 0));
            }
            """, "    public int Patches => 64;"),

        // Sizes written as arithmetic, in layer arguments and in signatures.
        Model("""
            [SelfAttention("Dim", "Dim / 16")] private partial Tensor Attend(Tensor x);
            [Linear("Dim", "Dim * 4")] private partial Tensor Up(Tensor x);
            [Linear("4 * Dim", "Dim")] private partial Tensor Down(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => Down(Ops.Gelu(Up(Attend(x)))) + x;
            """, "    public int Dim { get; init; } = 64;"),
        Model("""
            [Linear("Hidden", 32)] private partial Tensor A(Tensor x);
            [Linear("Hidden + Width", 10)] private partial Tensor Head(Tensor x);
            [Forward("N Hidden, N Width -> N 10")]
            public Tensor Forward(Tensor x, Tensor y) => Head(Ops.Concat(-1, x, y));
            """),
        Model("""
            [Linear("Dim", "Dim")] private partial Tensor Mix(Tensor x);
            [Forward("B T Dim -> B T (Dim * 2)")]
            public Tensor Forward(Tensor x) => Ops.Concat(-1, Mix(x), x);
            """, "    public int Dim { get; init; } = 64;"),
        Model("""
            [Conv2d(3, 16, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Shape("B C H W -> B C H/2 W/2")]
            private Tensor Halve(Tensor x) => Pool(x);
            [Forward("B 3 H W -> B 16 H/2 W/2")]
            public Tensor Forward(Tensor x) => Halve(Ops.Relu(Conv(x)));
            """),

        // A feed-forward width computed from the model dim, and a head count dividing it.
        Model("""
            [SelfAttention("Dim", "Heads")] private partial Tensor Attend(Tensor x);
            [Linear("Dim", "FeedForward")] private partial Tensor Up(Tensor x);
            [Linear("FeedForward", "Dim")] private partial Tensor Down(Tensor x);
            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x) => Down(Ops.Gelu(Up(Attend(x)))) + x;
            """, "    public int Dim { get; init; } = 64;\n    public int FeedForward => Dim * 4;\n    public int Heads => Dim / 16;"),

        // Followed helpers, local functions and indexed loops that fit.
        Model("""
            [Linear(6, 4)] private partial Tensor A(Tensor x);
            [Linear(4, 2)] private partial Tensor Classify(Tensor x);
            private Tensor Project(Tensor x) => Ops.Relu(A(x));
            private Tensor Twice(Tensor x) => Project(x) + Project(x);
            [Forward("B 6 -> B 2")]
            public Tensor Forward(Tensor x)
            {
                Tensor Head(Tensor h) => Classify(h);
                return Head(Twice(x));
            }
            """),
        """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Block
        {
            [Linear(8, 8)] private partial Tensor Mix(Tensor x);
            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => Mix(x);
        }

        [Model]
        public partial class Stack
        {
            [Submodel(Repeat = 3)] private partial TorchSharp.Modules.ModuleList<Block> Blocks { get; }
            [Linear(8, 2)] private partial Tensor Head(Tensor x);
            [Forward("B 8 -> B 2")]
            public Tensor Forward(Tensor x)
            {
                for (int i = 0; i < Blocks.Count; i++) x = Blocks[i].call(x);
                return Head(x);
            }
        }
        """,

        // Different hyperparameters with equal defaults, and a default that is no literal: nothing fails as declared.
        Model("""
            [Linear(784, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear("Hidden2", 10)] private partial Tensor Classify(Tensor x);
            [Linear("Computed", 10)] private partial Tensor Other(Tensor x);
            [Forward("B 784 -> B 10")]
            public Tensor Forward(Tensor x) => Classify(Encode(x)) + Other(Encode(x));
            """, "    public int Hidden2 { get; init; } = 64;\n    public int Computed { get; init; } = 2 * 32;"),
        Model("""
            [SelfAttention("Dim", "Heads")] private partial Tensor Attend(Tensor x);
            [Linear("Dim", "Hidden")] private partial Tensor Widen(Tensor x);
            [Forward("B T Dim -> B T Hidden")]
            public Tensor Forward(Tensor x) => Widen(Attend(x));
            """, "    public int Dim { get; init; } = 256;\n    public int Heads { get; init; } = 8;"),

        Samples.Model,
        Samples.ModelWithoutConfig,
        Samples.ModelWithTwoInputs,
        Samples.Trainers,
        Samples.HyperParameters,
        Model("""
            [Linear(784, "Hidden")] private partial Tensor Hidden1(Tensor x);
            [Linear("Hidden", "Hidden")] private partial Tensor Hidden2(Tensor x);
            [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
            [Linear("Hidden", 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor image) => Classify(Drop(Ops.Relu(Hidden2(Ops.Relu(Hidden1(Ops.Flatten(image)))))));
            """),
        // A hyperparameter against a literal: equal or not only at run time, so silent.
        Model("""
            [Linear(784, "Hidden")] private partial Tensor Hidden1(Tensor x);
            [Linear(64, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 784 -> B 10")]
            public Tensor Forward(Tensor x) => Classify(Hidden1(x));
            """),
        // A residual connection.
        Model("""
            [Linear("Hidden", "Hidden")] private partial Tensor Mix(Tensor x);
            [Forward("B Hidden -> B Hidden")]
            public Tensor Forward(Tensor x) => x + Ops.Gelu(Mix(x));
            """),
        // Broadcasting against 1 and against a scalar.
        Model("""
            [Forward("B 4, 1 4 -> B 4")]
            public Tensor Forward(Tensor x, Tensor bias) => x * 2.0 + bias;
            """),
        // Unknown shapes downstream of a helper that calls TorchSharp directly, and of a TorchSharp call: no guesses.
        Model("""
            [Linear(3, 2)] private partial Tensor L(Tensor x);
            private Tensor Helper(Tensor x) => x.reshape(-1, 3);
            [Forward("B 5 -> B 2")]
            public Tensor Forward(Tensor x) => L(Helper(x)) + L(x.reshape(-1, 3)) * 0;
            """),
        // Variadic leading dims.
        Model("""
            [Linear(8, 16)] private partial Tensor L(Tensor x);
            [Forward("*batch 8 -> *batch 16")]
            public Tensor Forward(Tensor x) => L(x);
            """),
        // Flatten with explicit dims, and symbols that may be equal at run time.
        Model("""
            [Linear(12, 2)] private partial Tensor L(Tensor x);
            [Forward("B T 3 4 -> B T 2")]
            public Tensor Forward(Tensor x) => L(Ops.Flatten(x, startDim: 2, endDim: 3));
            """),
        Model("""
            [Forward("B T, T B -> B T")]
            public Tensor Forward(Tensor x, Tensor y) => x + y;
            """),
        // Hyperparameters as dims in the signature, long and int.
        Model("""
            [Linear("Width", "Hidden")] private partial Tensor L(Tensor x);
            [Forward("B Width -> B Hidden")]
            public Tensor Forward(Tensor x) => L(x);
            """),
        // Rates at the edges of their range, a layer never called, sizes as constants.
        Model("""
            private const int Classes = 3;
            [Dropout(0.0)] private partial Tensor Off(Tensor x);
            [Dropout(0.99)] private partial Tensor Heavy(Tensor x);
            [Linear(1, Classes)] private partial Tensor Unused(Tensor x);
            [Forward("B 7 -> B 7")]
            public Tensor Forward(Tensor x) => Heavy(Off(x));
            """),
        // Ops that move, combine and reduce dims.
        Model("""
            [Linear(784, 10)] private partial Tensor L(Tensor x);
            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor x) => L(Ops.Reshape(x, -1, 784));
            """),
        Model("""
            [Linear(12, 2)] private partial Tensor L(Tensor x);
            [Forward("B 3 4 -> B 2")]
            public Tensor Forward(Tensor x) => L(Ops.Reshape(x, 2, -1, 12)).sum(0);
            """),
        Model("""
            [Forward("B T C -> B C T")]
            public Tensor Forward(Tensor x) => Ops.Transpose(x, -1, -2);
            """),
        Model("""
            [Forward("B H W C -> B C H W")]
            public Tensor Forward(Tensor x) => Ops.Permute(x, 0, 3, 1, 2);
            """),
        Model("""
            [Forward("B T 8, B 8 T -> B T T")]
            public Tensor Forward(Tensor q, Tensor k) => Ops.Softmax(Ops.MatMul(q, k) / 8.0, -1);
            """),
        Model("""
            [Forward("4 T 8, 8 5 -> 4 T 5")]
            public Tensor Forward(Tensor a, Tensor b) => Ops.MatMul(a, b);
            """),
        Model("""
            [Linear(7, 1)] private partial Tensor L(Tensor x);
            [Forward("B 3, B 4 -> B 1")]
            public Tensor Forward(Tensor a, Tensor b) => L(Ops.Concat(1, a, b));
            """),
        Model("""
            [Forward("B 3, B 3 -> B 2 3")]
            public Tensor Forward(Tensor a, Tensor b) => Ops.Stack(1, a, b);
            """),
        Model("""
            [Linear(8, 2)] private partial Tensor L(Tensor x);
            [Forward("B T 8 -> B 2")]
            public Tensor Forward(Tensor x) => L(Ops.Mean(x, 1));
            """),
        Model("""
            [Forward("B T 8 -> B 1 8")]
            public Tensor Forward(Tensor x) => Ops.Sum(x, 1, keepDim: true);
            """),
        // Keywords as names, a derived [HyperParameters] record, and a multi-line signature.
        """"
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record BaseConfig { public int Width { get; init; } = 4; }

        [HyperParameters]
        public partial record DerivedConfig : BaseConfig { public int @class { get; init; } = 2; }

        [Model(typeof(DerivedConfig))]
        public partial class Keywords
        {
            [Linear("Width", "class")] private partial Tensor Project(Tensor @in);

            [Forward("""
                B Width
                -> B class
                """)]
            public Tensor Forward(Tensor @in) => Project(@in);
        }
        """",
        // Helpers: symbols bind per call, *batch carries leading dims through.
        Model("""
            [Shape("*batch D -> *batch D")] private static Tensor Scale(Tensor x) => x * 2.0;
            [Shape("B C, B C -> B C")] private static Tensor Mix(Tensor a, Tensor b) => a + b;
            [Linear(4, 2)] private partial Tensor L(Tensor x);
            [Forward("B T 4, B T 4 -> B T 2")]
            public Tensor Forward(Tensor x, Tensor y) => L(Scale(Mix(Ops.Flatten(x, 0, 1), Ops.Flatten(y, 0, 1)))).reshape(x.size(0), x.size(1), 2);
            """),
        Samples.LeNet,
        Samples.Submodels,
        // A VGG-style block: "same" padding keeps symbolic heights and widths.
        Model("""
            [Conv2d(3, 64, 3, Padding = 1)] private partial Tensor Conv1(Tensor x);
            [Conv2d(64, 64, 3, Padding = 1)] private partial Tensor Conv2(Tensor x);
            [BatchNorm2d(64)] private partial Tensor Norm(Tensor x);
            [Forward("B 3 H W -> B 64 H W")]
            public Tensor Forward(Tensor x) => Ops.Relu(Norm(Conv2(Ops.Relu(Conv1(x)))));
            """),
        // A residual block: same-padded convolutions keep the shape, so the skip adds up.
        Model("""
            [Conv2d("Width", "Width", 3, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
            [Conv2d("Width", "Width", 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
            [Forward("B Width H W -> B Width H W")]
            public Tensor Forward(Tensor x) => Ops.Relu(x + Conv2(Ops.Relu(Conv1(x))));
            """),
        // Pooling of a symbolic size: unknown, so no report downstream.
        Model("""
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Linear(100, 10)] private partial Tensor L(Tensor x);
            [Forward("B 1 H W -> B 10")]
            public Tensor Forward(Tensor x) => L(Ops.Flatten(Pool(x)));
            """),
        // Embeddings feeding a norm and a classifier.
        Model("""
            [Embedding(1000, "Hidden")] private partial Tensor Embed(Tensor x);
            [LayerNorm("Hidden")] private partial Tensor Norm(Tensor x);
            [Linear("Hidden", 4)] private partial Tensor L(Tensor x);
            [Forward("B T -> B 4")]
            public Tensor Forward(Tensor tokens) => L(Ops.Mean(Norm(Embed(tokens)), 1));
            """),
        // Adaptive pooling fixes the size whatever the input's height and width.
        Model("""
            [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
            [Linear(16, 10)] private partial Tensor Fc(Tensor x);
            [Forward("B 16 H W -> B 10")]
            public Tensor Forward(Tensor x) => Fc(Ops.Flatten(Pool(x)));
            """),
        // A GPT block: pre-norm causal attention and an MLP, each in a residual, stacked.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record GptConfig
        {
            public int Vocabulary { get; init; } = 100;
            public int Dim { get; init; } = 64;
            public int Heads { get; init; } = 4;
            public int Layers { get; init; } = 2;
        }

        [Model(typeof(GptConfig))]
        public partial class Block
        {
            [LayerNorm("Dim")] private partial Tensor Norm1(Tensor x);
            [SelfAttention("Dim", "Heads", Causal = true)] private partial Tensor Attention(Tensor x);
            [LayerNorm("Dim")] private partial Tensor Norm2(Tensor x);
            [Linear("Dim", 256)] private partial Tensor Up(Tensor x);
            [Linear(256, "Dim")] private partial Tensor Down(Tensor x);

            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x)
            {
                x = x + Attention(Norm1(x));
                return x + Down(Ops.Gelu(Up(Norm2(x))));
            }
        }

        [Model(typeof(GptConfig))]
        public partial class Gpt
        {
            [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
            [Submodel(Repeat = "Layers")] private partial TorchSharp.Modules.ModuleList<Block> Blocks { get; }
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Linear("Dim", "Vocabulary", Bias = false)] private partial Tensor Head(Tensor x);

            [Forward("B T -> B T Vocabulary")]
            public Tensor Forward(Tensor tokens)
            {
                var x = Tokens(tokens);
                foreach (var block in Blocks) x = block.call(x);
                return Head(Norm(x));
            }
        }
        """,
        // "same" padding with an even kernel keeps height and width, symbolic or not.
        Model("""
            [Conv2d(3, 8, 4, SamePadding = true, Dilation = 2)] private partial Tensor C(Tensor x);
            [Conv1d(8, 8, 6, SamePadding = true)] private partial Tensor D(Tensor x);
            [Forward("B 3 H W -> B 8 H W")]
            public Tensor Forward(Tensor x) => C(x);
            [Shape("B 8 L -> B 8 L")]
            public Tensor Sequence(Tensor x) => D(x);
            """),
        // A sequence CNN: Conv1d, BatchNorm1d, pooling, Identity and channel dropout.
        Model("""
            [Conv1d(4, 16, 5, Padding = 2)] private partial Tensor Conv(Tensor x);
            [BatchNorm1d(16)] private partial Tensor Norm(Tensor x);
            [Dropout1d(0.1)] private partial Tensor Drop(Tensor x);
            [MaxPool1d(2)] private partial Tensor Pool(Tensor x);
            [AvgPool1d(5)] private partial Tensor Average(Tensor x);
            [Identity] private partial Tensor Same(Tensor x);
            [BatchNorm1d(160)] private partial Tensor FlatNorm(Tensor x);
            [Forward("B 4 100 -> B 160")]
            public Tensor Forward(Tensor x) => FlatNorm(Ops.Flatten(Same(Average(Pool(Drop(Norm(Conv(x))))))));
            """),
        // An LSTM text classifier: embeddings, a bidirectional two-layer LSTM, the last hidden states.
        Model("""
            [Embedding(1000, "Hidden")] private partial Tensor Embed(Tensor tokens);
            [Lstm("Hidden", 48, Layers = 2, Bidirectional = true)] private partial (Tensor Output, Tensor Hidden, Tensor Cell) Encode(Tensor x);
            [Linear(96, 96)] private partial Tensor Mix(Tensor x);
            [Linear(96, 4)] private partial Tensor Classify(Tensor x);
            [Forward("B T -> B 4")]
            public Tensor Forward(Tensor tokens)
            {
                var (output, hidden, _) = Encode(Embed(tokens));
                var pooled = Ops.Mean(output, 1);
                var last = Ops.Concat(1, Ops.Select(hidden, 0, -2), Ops.Select(hidden, 0, -1));
                return Classify(Ops.Relu(Mix(pooled + last)));
            }
            """),
        Model("""
            [Gru(16, 32)] private partial (Tensor Output, Tensor Hidden) Encode(Tensor x);
            [Rnn(32, 8, Bias = false)] private partial Tensor Decode(Tensor x);
            [Forward("B T 16 -> B 40")]
            public Tensor Forward(Tensor x)
            {
                var result = Encode(x);
                var summary = Ops.Select(result.Hidden, 0, 0);
                var decoded = Ops.Select(Decode(result.Output), 1, -1);
                return Ops.Concat(1, summary, decoded);
            }
            """),
        // Cross-attention from a decoder sequence to an encoder's memory.
        Model("""
            [CrossAttention(64, 8)] private partial Tensor Attend(Tensor x, Tensor context);
            [Forward("B T 64, B S 64 -> B T 64")]
            public Tensor Forward(Tensor x, Tensor memory) => x + Attend(x, memory);
            """),
        // A head tied to the token embedding; hyperparameter sizes are checked at run time.
        Model("""
            [Embedding("Width", "Hidden")] private partial Tensor Tokens(Tensor x);
            [Linear("Hidden", "Width", Bias = false, TiedTo = nameof(Tokens))] private partial Tensor Head(Tensor x);
            [Linear(64, 1000, TiedTo = nameof(Lent))] private partial Tensor Other(Tensor x);
            [Linear(64, 1000)] private partial Tensor Lent(Tensor x);
            [Forward("B T -> B T Width")]
            public Tensor Forward(Tensor tokens) => Head(Tokens(tokens));
            """),
        // Initialisation schemes, per model and per layer.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record C
        {
            public int Layers { get; init; } = 4;
        }

        [Model(typeof(C), Init = InitScheme.Normal, InitStd = 0.02)]
        public partial class Net
        {
            [Embedding(100, 16)] private partial Tensor Tokens(Tensor x);
            [SelfAttention(16, 4)] [Init(InitScheme.Normal, ScaleByDepth = "Layers")] private partial Tensor Attend(Tensor x);
            [Init(InitScheme.Zeros)] [Linear(16, 16)] private partial Tensor Down(Tensor x);
            [Init(InitScheme.KaimingNormal)] [Conv1d(16, 16, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Init(InitScheme.XavierUniform)] [Lstm(16, 16)] private partial Tensor Encode(Tensor x);
        }
        """,
        // Defaults inside their ranges, and defaults that are not literals.
        Model("", """
            [Range(1, 10)] public int Layers { get; init; } = 10;
            [Range(0.0, 1.0)] public double Rate { get; init; } = 1.0 / 3;
            """),

        // Corpus, issue 14 (third batch): small real architectures, written as people write them.
        // A GRU encoder whose last layer's final state feeds the classifier.
        Model("""
            [Embedding("Vocabulary", 128)] private partial Tensor Embed(Tensor x);
            [Gru(128, "Hidden", Layers = 2)] private partial (Tensor Output, Tensor Hidden) Encode(Tensor x);
            [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
            [Linear("Hidden", "Classes")] private partial Tensor Classify(Tensor x);
            [Forward("B T -> B Classes")]
            public Tensor Forward(Tensor tokens)
            {
                var result = Encode(Embed(tokens));
                var last = Ops.Select(result.Hidden, 0, -1);
                return Classify(Drop(last));
            }
            """, "    public int Vocabulary { get; init; } = 20000;\n    public int Classes { get; init; } = 4;"),
        // A 1-D CNN text classifier (three kernel widths over the transposed embeddings, pooled over time, joined).
        Model("""
            [Embedding("Vocabulary", "Dim")] private partial Tensor Embed(Tensor x);
            [Conv1d("Dim", "Filters", 3)] private partial Tensor Tri(Tensor x);
            [Conv1d("Dim", "Filters", 4)] private partial Tensor Quad(Tensor x);
            [Conv1d("Dim", "Filters", 5)] private partial Tensor Penta(Tensor x);
            [Dropout(0.5)] private partial Tensor Drop(Tensor x);
            [Linear("Filters * 3", 2)] private partial Tensor Classify(Tensor x);
            [Forward("B T -> B 2")]
            public Tensor Forward(Tensor tokens)
            {
                var embedded = Ops.Transpose(Embed(tokens), 1, 2);
                Tensor Pooled(Tensor maps) => Ops.Mean(Ops.Relu(maps), 2);
                var features = Ops.Concat(1, Pooled(Tri(embedded)), Pooled(Quad(embedded)), Pooled(Penta(embedded)));
                return Classify(Drop(features));
            }
            """, "    public int Vocabulary { get; init; } = 20000;\n    public int Dim { get; init; } = 300;\n    public int Filters { get; init; } = 100;"),
        // A pre-norm transformer encoder classifier: heads from the head width, a Dim * 4 feed-forward,
        // an indexed loop over the blocks and the first position's features for the head.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record EncoderConfig
        {
            public int Vocabulary { get; init; } = 8000;
            public int Context { get; init; } = 128;
            public int Dim { get; init; } = 96;
            public int HeadDim { get; init; } = 32;
            public int Layers { get; init; } = 3;
            public int Classes { get; init; } = 5;
        }

        [Model(typeof(EncoderConfig))]
        public partial class EncoderBlock
        {
            [LayerNorm("Dim")] private partial Tensor Norm1(Tensor x);
            [SelfAttention("Dim", "Dim / HeadDim")] private partial Tensor Attend(Tensor x);
            [LayerNorm("Dim")] private partial Tensor Norm2(Tensor x);
            [Linear("Dim", "Dim * 4")] private partial Tensor Up(Tensor x);
            [Linear("Dim * 4", "Dim")] private partial Tensor Down(Tensor x);
            [Dropout(0.1)] private partial Tensor Drop(Tensor x);

            [Forward("B T Dim -> B T Dim")]
            public Tensor Forward(Tensor x)
            {
                var h = x + Drop(Attend(Norm1(x)));
                return h + Drop(Down(Ops.Gelu(Up(Norm2(h)))));
            }
        }

        [Model(typeof(EncoderConfig))]
        public partial class TextEncoder
        {
            [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
            [Embedding("Context", "Dim")] private partial Tensor Positions(Tensor x);
            [Submodel(Repeat = "Layers")] private partial TorchSharp.Modules.ModuleList<EncoderBlock> Blocks { get; }
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Linear("Dim", "Classes")] private partial Tensor Head(Tensor x);

            [Forward("B T -> B Classes")]
            public Tensor Forward(Tensor tokens)
            {
                var x = Tokens(tokens) + Positions(Ops.Positions(tokens));
                for (int i = 0; i < Blocks.Count; i++) x = Blocks[i].call(x);
                var first = Ops.Select(Norm(x), 1, 0);
                return Head(first);
            }
        }
        """,
        // An Inception module: four branches that keep the size, joined along the channels.
        Model("""
            [Conv2d("Channels", 16, 1)] private partial Tensor Branch1(Tensor x);
            [Conv2d("Channels", 24, 1)] private partial Tensor Reduce3(Tensor x);
            [Conv2d(24, 32, 3, Padding = 1)] private partial Tensor Branch3(Tensor x);
            [Conv2d("Channels", 4, 1)] private partial Tensor Reduce5(Tensor x);
            [Conv2d(4, 8, 5, Padding = 2)] private partial Tensor Branch5(Tensor x);
            [MaxPool2d(3, Stride = 1, Padding = 1)] private partial Tensor Pool(Tensor x);
            [Conv2d("Channels", 8, 1)] private partial Tensor BranchPool(Tensor x);
            [BatchNorm2d(64)] private partial Tensor Norm(Tensor x);
            [Forward("B Channels H W -> B 64 H W")]
            public Tensor Forward(Tensor x)
            {
                var a = Branch1(x);
                var b = Branch3(Ops.Relu(Reduce3(x)));
                var c = Branch5(Ops.Relu(Reduce5(x)));
                var d = BranchPool(Pool(x));
                return Ops.Relu(Norm(Ops.Concat(1, a, b, c, d)));
            }
            """, "    public int Channels { get; init; } = 32;"),
        // Squeeze-and-excitation: 1x1 convolutions on the pooled [B, C, 1, 1] gate every channel by broadcasting.
        Model("""
            [Conv2d("Channels", "Channels", 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [AdaptiveAvgPool2d(1)] private partial Tensor Squeeze(Tensor x);
            [Conv2d("Channels", "Channels / Reduction", 1)] private partial Tensor Reduce(Tensor x);
            [Conv2d("Channels / Reduction", "Channels", 1)] private partial Tensor Expand(Tensor x);
            [Forward("B Channels H W -> B Channels H W")]
            public Tensor Forward(Tensor x)
            {
                var features = Ops.Relu(Conv(x));
                var gate = Ops.Sigmoid(Expand(Ops.Relu(Reduce(Squeeze(features)))));
                return x + features * gate;
            }
            """, "    public int Channels { get; init; } = 64;\n    public int Reduction { get; init; } = 16;"),
        // A DenseNet block: each layer sees everything before it, widths growing by Width, then a transition.
        Model("""
            [BatchNorm2d("Hidden")] private partial Tensor Norm1(Tensor x);
            [Conv2d("Hidden", "Width", 3, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
            [BatchNorm2d("Hidden + Width")] private partial Tensor Norm2(Tensor x);
            [Conv2d("Hidden + Width", "Width", 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
            [Conv2d("Hidden + Width * 2", "Hidden", 1)] private partial Tensor Transition(Tensor x);
            [AvgPool2d(2)] private partial Tensor Pool(Tensor x);
            [Forward("B Hidden H W -> B Hidden H/2 W/2")]
            public Tensor Forward(Tensor x)
            {
                var grown = Ops.Concat(1, x, Conv1(Ops.Relu(Norm1(x))));
                grown = Ops.Concat(1, grown, Conv2(Ops.Relu(Norm2(grown))));
                return Pool(Transition(grown));
            }
            """),
        // A Siamese network: one helper embeds both inputs; the pair is compared as [u, v, u - v, u * v].
        Model("""
            [Linear(784, "Hidden")] private partial Tensor Fc1(Tensor x);
            [Linear("Hidden", "Features")] private partial Tensor Fc2(Tensor x);
            [LayerNorm("Features")] private partial Tensor Norm(Tensor x);
            [Linear("Features * 4", 1)] private partial Tensor Score(Tensor x);
            private Tensor Embed(Tensor image) => Norm(Fc2(Ops.Relu(Fc1(Ops.Flatten(image)))));
            [Forward("B 1 28 28, B 1 28 28 -> B 1")]
            public Tensor Forward(Tensor left, Tensor right)
            {
                var u = Embed(left);
                var v = Embed(right);
                return Ops.Sigmoid(Score(Ops.Concat(1, u, v, u - v, u * v)));
            }
            """, "    public int Features { get; init; } = 32;"),
        // A residual MLP regressor: two pre-norm blocks, each added through a helper.
        Model("""
            [Linear("Width", "Hidden")] private partial Tensor Stem(Tensor x);
            [LayerNorm("Hidden")] private partial Tensor Norm1(Tensor x);
            [Linear("Hidden", "Hidden * 2")] private partial Tensor Up1(Tensor x);
            [Linear("Hidden * 2", "Hidden")] private partial Tensor Down1(Tensor x);
            [LayerNorm("Hidden")] private partial Tensor Norm2(Tensor x);
            [Linear("Hidden", "Hidden * 2")] private partial Tensor Up2(Tensor x);
            [Linear("Hidden * 2", "Hidden")] private partial Tensor Down2(Tensor x);
            [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
            [Linear("Hidden", 1)] private partial Tensor Regress(Tensor x);
            private Tensor Residual(Tensor x, Tensor update) => x + Drop(update);
            [Forward("B Width -> B 1")]
            public Tensor Forward(Tensor x)
            {
                var h = Stem(x);
                h = Residual(h, Down1(Ops.Gelu(Up1(Norm1(h)))));
                h = Residual(h, Down2(Ops.Gelu(Up2(Norm2(h)))));
                return Regress(h);
            }
            """),
        // An autoencoder of two sub-models; the decoder reshapes its pixels back into an image.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record AutoencoderConfig
        {
            public int Hidden { get; init; } = 256;
            public int Latent { get; init; } = 32;
        }

        [Model(typeof(AutoencoderConfig))]
        public partial class ImageEncoder
        {
            [Linear(784, "Hidden")] private partial Tensor Fc1(Tensor x);
            [Linear("Hidden", "Latent")] private partial Tensor Fc2(Tensor x);
            [Forward("B 1 28 28 -> B Latent")]
            public Tensor Forward(Tensor image) => Fc2(Ops.Relu(Fc1(Ops.Flatten(image))));
        }

        [Model(typeof(AutoencoderConfig))]
        public partial class ImageDecoder
        {
            [Linear("Latent", "Hidden")] private partial Tensor Fc1(Tensor x);
            [Linear("Hidden", 784)] private partial Tensor Fc2(Tensor x);
            [Forward("B Latent -> B 1 28 28")]
            public Tensor Forward(Tensor code) => Ops.Reshape(Ops.Sigmoid(Fc2(Ops.Relu(Fc1(code)))), -1, 1, 28, 28);
        }

        [Model(typeof(AutoencoderConfig))]
        public partial class Autoencoder
        {
            [Submodel] private partial ImageEncoder Encoder { get; }
            [Submodel] private partial ImageDecoder Decoder { get; }
            [Forward("B 1 28 28 -> B 1 28 28")]
            public Tensor Forward(Tensor image) => Decoder.call(Encoder.call(image));
        }
        """,
        // Two inputs, an image and a table row, each encoded and then joined for one head.
        Model("""
            [Conv2d(3, 32, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
            [Linear("Features", 16)] private partial Tensor Tabular(Tensor x);
            [Linear(48, 2)] private partial Tensor Head(Tensor x);
            [Forward("B 3 H W, B Features -> B 2")]
            public Tensor Forward(Tensor image, Tensor row)
            {
                var seen = Ops.Flatten(Pool(Ops.Relu(Conv(image))));
                var known = Ops.Relu(Tabular(row));
                return Head(Ops.Concat(1, seen, known));
            }
            """, "    public int Features { get; init; } = 12;"),
        // Only shape-keeping ops under `training`: channel dropout and a rescale in an if, dropout in a conditional.
        Model("""
            [Conv2d(1, 16, 3, Padding = 1)] private partial Tensor Conv(Tensor x);
            [Dropout2d(0.2)] private partial Tensor DropMaps(Tensor x);
            [BatchNorm2d(16)] private partial Tensor Norm(Tensor x);
            [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
            [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
            [Linear(16 * 14 * 14, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor x)
            {
                var maps = Norm(Conv(x));
                if (training)
                {
                    maps = DropMaps(maps);
                    maps = maps * 1.25;
                }
                var flat = Ops.Flatten(Pool(Ops.Relu(maps)));
                return Classify(training ? Drop(flat) : flat);
            }
            """),
        // MBConv-like blocks from a settings table: the depthwise window's stride and computed padding are the block's own,
        // the residual only where the block keeps the shape; a ViT-like position table whose size is computed.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            public int Image { get; init; } = 32;
            public int Patch { get; init; } = 4;
            public int Tokens => (Image / Patch) * (Image / Patch) + 1;
        }

        [HyperParameters]
        public partial record BlockSizes
        {
            public int In { get; init; } = 8;
            public int Out { get; init; } = 8;
            public int Kernel { get; init; } = 3;
            public int Stride { get; init; } = 1;
            public int Padding => (Kernel - 1) / 2;
        }

        [Model(typeof(BlockSizes))]
        public partial class Block
        {
            [Conv2d("In", "In", "Kernel", Stride = "Stride", Padding = "Padding", Groups = "In")] private partial Tensor Depthwise(Tensor x);
            [Conv2d("In", "Out", 1)] private partial Tensor Project(Tensor x);
            [Forward("B In H W -> B Out P Q")]
            public Tensor Forward(Tensor x)
            {
                var h = Project(Depthwise(x));
                return Config.Stride == 1 && Config.In == Config.Out ? x + h : h;
            }
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Conv2d(3, 8, "Patch", Stride = "Patch")] private partial Tensor Patchify(Tensor x);
            [Submodel(nameof(S1), Repeat = 2)] private partial TorchSharp.Modules.ModuleList<Block> Stage1 { get; }
            [Submodel(nameof(S2), Repeat = 2)] private partial TorchSharp.Modules.ModuleList<Block> Stage2 { get; }
            [Parameter("1 Tokens 16")] private partial Tensor Positions { get; }
            [Parameter("1 1 16")] private partial Tensor ClassToken { get; }
            private static BlockSizes Row(int kernel, int stride, int inWidth, int outWidth, int i) => new()
            {
                Kernel = kernel, Stride = i == 0 ? stride : 1, In = i == 0 ? inWidth : outWidth, Out = outWidth,
            };
            private static BlockSizes S1(NetConfig c, int i) => Row(3, 1, 8, 8, i);
            private static BlockSizes S2(NetConfig c, int i) => Row(5, 1, 8, 16, i);
            [Forward("B 3 Image Image -> B Tokens 16")]
            public Tensor Forward(Tensor image)
            {
                var x = Patchify(image);
                foreach (var stage in new[] { Stage1, Stage2 })
                {
                    foreach (var block in stage) x = block.call(x);
                }
                var patches = Ops.Transpose(Ops.Flatten(x, 2), 1, 2);
                return Ops.Concat(1, Ops.ExpandBatch(ClassToken, patches), patches) + Positions;
            }
        }
        """,
        // A searched record: ranges (log, stepped, integer), choices of numbers, strings and an enum, and inherited ones named on the record.
        """
        using Sculpt;
        using Sculpt.Training;

        public enum Mixer { Mean, Max }

        [HyperParameters]
        [SearchRange(1e-4, 1e-1, Log = true, Property = nameof(LearningRate))]
        [SearchChoice(16, 32, 64, Property = nameof(BatchSize))]
        public partial record Searched : TrainingHyperParameters
        {
            [Range(8, 512), SearchRange(32, 256, Step = 32)] public int Hidden { get; init; } = 64;
            [SearchRange(0.0, 0.5)] public double Dropout { get; init; } = 0.1;
            [SearchChoice(Mixer.Mean, Mixer.Max)] public Mixer Pool { get; init; } = Mixer.Mean;
            [SearchChoice("small", "large")] public string Size { get; init; } = "small";
            [SearchChoice(true, false)] public bool Bias { get; init; } = true;
            [SearchRange(1, 6)] public long Layers { get; init; } = 2;
            [SearchRange(0.5, 0.99, When = "Pool == Max")] public double Sharpness { get; init; } = 0.9;
        }
        """,
        // Searched sizes that always fit: a computed width follows the searched one it is computed from.
        """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record NetConfig
        {
            [SearchChoice(8, 16, 32)] public int Hidden { get; init; } = 16;
            public int Wide => Hidden * 2;
        }

        [Model(typeof(NetConfig))]
        public partial class Net
        {
            [Linear(12, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear("Wide", 3)] private partial Tensor Classify(Tensor x);
            [Forward("B 12 -> B 3")]
            public Tensor Forward(Tensor x)
            {
                var h = Encode(x);
                return Classify(Ops.Concat(1, h, h));
            }
        }
        """,
        // A clip classifier: a bidirectional two-layer LSTM over frames, averaged over time.
        Model("""
            [Lstm("Width", "Hidden", Bidirectional = true, Layers = 2)] private partial Tensor Encode(Tensor x);
            [LayerNorm("Hidden * 2")] private partial Tensor Norm(Tensor x);
            [Linear("Hidden * 2", 6)] private partial Tensor Classify(Tensor x);
            [Forward("B T Width -> B 6")]
            public Tensor Forward(Tensor frames) => Classify(Norm(Ops.Mean(Encode(frames), 1)));
            """),
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Each_valid_model_builds_without_any_diagnostic(string source) => AnalyzerHarness.VerifyClean(source);

    [Fact]
    public void A_mismatch_message_shows_both_shapes_where_the_dim_comes_from_and_the_fix()
    {
        var diagnostic = AnalyzerHarness.Verify(Model("""
            [Linear(784, 128)] private partial Tensor Hidden1(Tensor x);
            [Linear(256, 10)] private partial Tensor Classify(Tensor x);
            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor image) => Classify({|SCULPT0001:Hidden1(Ops.Flatten(image))|});
            """)).Single();
        Assert.Equal(
            "'Classify' expects [*batch, 256] but receives [B, 128]: the last dim is 128, not 256; it comes from 'Hidden1' (Linear 784 -> 128); try [Linear(128, 10)]",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DiagnosticSeverityError, diagnostic.Severity);
        Assert.Equal("https://github.com/sculpt-dsl/sculpt/blob/main/docs/diagnostics.md#sculpt0001", diagnostic.Descriptor.HelpLinkUri);
    }

    [Theory]
    [InlineData("""
        [Linear(4, 5)] private partial Tensor L(Tensor x);
        [Forward("B 4 -> B 10")]
        public Tensor Forward(Tensor x) => {|SCULPT0002:L(x)|};
        """, "The signature declares [B, 10] but the body returns [B, 5]: the last dim is 5, not 10; it comes from 'L' (Linear 4 -> 5)")]
    [InlineData("""
        [Forward("B {|SCULPT0003:4x|} -> B 4")]
        public Tensor Forward(Tensor x) => x;
        """, "Invalid signature: '4x' is not a dim: use an integer, a name, *name or arithmetic of those (Dim*4, T/2)")]
    [InlineData("""
        [Forward({|SCULPT0004:"B 4, B 4 -> B 4"|})]
        public Tensor Forward(Tensor x) => x;
        """, "The signature declares 2 inputs but 'Forward' takes 1 parameter")]
    [InlineData("""
        [Linear({|SCULPT0005:"Hiden"|}, 10)] private partial Tensor L(Tensor x);
        """, "'Hiden' is not a hyperparameter of Config; did you mean 'Hidden'?")]
    [InlineData("""
        [Dropout({|SCULPT0006:1.0|})] private partial Tensor Drop(Tensor x);
        """, "The probability of 'Drop' must be in [0, 1); got 1")]
    [InlineData("""
        [Forward("B 3, B 4 -> B 3")]
        public Tensor Forward(Tensor x, Tensor y) => {|SCULPT0008:x * y|};
        """, "'*' cannot broadcast [B, 3] with [B, 4]: dim -1 is 3 on the left and 4 on the right; broadcasting needs them equal or one of them 1")]
    [InlineData("""
        [Conv2d(1, 6, 5)] private partial Tensor Conv(Tensor x);
        [Forward("B 1 4 4 -> B 6 1 1")]
        public Tensor Forward(Tensor x) => Conv({|SCULPT0001:x|});
        """, "'Conv' expects [*batch, 1, H, W] but receives [B, 1, 4, 4]: a 5x5 window over a height of 4 (padding 0) leaves nothing")]
    [InlineData("""
        [Embedding(1000, 64)] private partial Tensor Tokens(Tensor x);
        [Linear(128, 1000, Bias = false, TiedTo = {|SCULPT0011:nameof(Tokens)|})] private partial Tensor Head(Tensor x);
        """, "'Head' cannot share the weight of 'Tokens': its weight is [1000, 128] and the Embedding weight is [1000, 64]")]
    [InlineData("""
        [Embedding(1000, 64)] private partial Tensor Tokens(Tensor x);
        [Linear(64, 1000, TiedTo = {|SCULPT0011:"Tokes"|})] private partial Tensor Head(Tensor x);
        """, "'Head' cannot share the weight of 'Tokes': the model has no layer of that name; did you mean 'Tokens'?")]
    [InlineData("""
        [Conv2d(6, 12, 3, Groups = {|SCULPT0006:4|})] private partial Tensor C(Tensor x);
        """, "The groups of 'C' must be a divisor of the channel counts (6); got 4")]
    [InlineData("""
        [Forward("B 3 4, B 5 6 -> B 3 6")]
        public Tensor Forward(Tensor a, Tensor b) => {|SCULPT0001:Ops.MatMul(a, b)|};
        """, "'Ops.MatMul' expects [*, N, K] and [*, K, M] but receives [B, 3, 4] and [B, 5, 6]: the left's last dim (4) must equal the right's second-to-last (5)")]
    public void Messages_name_expected_and_actual(string members, string message)
    {
        var diagnostic = AnalyzerHarness.Verify(Model(members)).Single();
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_default_out_of_range_names_the_property_and_the_range()
    {
        var diagnostic = AnalyzerHarness.Verify(Model("", """
            [Range(1, 10)] public int Layers { get; init; } = {|SCULPT0007:0|};
            """)).Single();
        Assert.Equal("The default of 'Layers' is 0, outside its range [1, 10]", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    private const Microsoft.CodeAnalysis.DiagnosticSeverity DiagnosticSeverityError = Microsoft.CodeAnalysis.DiagnosticSeverity.Error;
}
