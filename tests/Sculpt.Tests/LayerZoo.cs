using Sculpt.Training;
using static TorchSharp.torch;

namespace Sculpt.Tests;

// Declarations for LayerZooTests: the layers and activations added with the one-file layer design.

[HyperParameters]
public partial record GeneratorConfig : TrainingHyperParameters
{
    /// <summary>The latent vector's size (nz in PyTorch's DCGAN example).</summary>
    public int Latent { get; init; } = 100;

    /// <summary>The base feature count (ngf).</summary>
    public int Features { get; init; } = 64;

    /// <summary>The image channels (nc).</summary>
    public int Channels { get; init; } = 3;
}

/// <summary>The DCGAN generator of PyTorch's examples (dcgan/main.py), 100 -> 3x64x64, layer for layer and under its state names (main.N).</summary>
[Model(typeof(GeneratorConfig))]
public partial class DcganGenerator
{
    [ConvTranspose2d("Latent", "Features * 8", 4, Bias = false), StateName("main.0")] private partial Tensor Up1(Tensor x);
    [BatchNorm2d("Features * 8"), StateName("main.1")] private partial Tensor Norm1(Tensor x);
    [ConvTranspose2d("Features * 8", "Features * 4", 4, Stride = 2, Padding = 1, Bias = false), StateName("main.3")] private partial Tensor Up2(Tensor x);
    [BatchNorm2d("Features * 4"), StateName("main.4")] private partial Tensor Norm2(Tensor x);
    [ConvTranspose2d("Features * 4", "Features * 2", 4, Stride = 2, Padding = 1, Bias = false), StateName("main.6")] private partial Tensor Up3(Tensor x);
    [BatchNorm2d("Features * 2"), StateName("main.7")] private partial Tensor Norm3(Tensor x);
    [ConvTranspose2d("Features * 2", "Features", 4, Stride = 2, Padding = 1, Bias = false), StateName("main.9")] private partial Tensor Up4(Tensor x);
    [BatchNorm2d("Features"), StateName("main.10")] private partial Tensor Norm4(Tensor x);
    [ConvTranspose2d("Features", "Channels", 4, Stride = 2, Padding = 1, Bias = false), StateName("main.12")] private partial Tensor Up5(Tensor x);
    [ReLU] private partial Tensor Relu(Tensor x);
    [Tanh] private partial Tensor Squash(Tensor x);

    [Forward("B Latent 1 1 -> B Channels 64 64")]
    public Tensor Forward(Tensor z)
    {
        var x = Relu(Norm1(Up1(z)));
        x = Relu(Norm2(Up2(x)));
        x = Relu(Norm3(Up3(x)));
        x = Relu(Norm4(Up4(x)));
        return Squash(Up5(x));
    }
}

/// <summary>A two-level U-Net for any image size divisible by 4: convolutions, pooling, transposed convolutions, skip concatenations.</summary>
[Model]
public partial class TinyUNet
{
    [Conv2d(3, 8, 3, Padding = 1)] private partial Tensor Down1(Tensor x);
    [Conv2d(8, 16, 3, Padding = 1)] private partial Tensor Down2(Tensor x);
    [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
    [Conv2d(16, 32, 3, Padding = 1)] private partial Tensor Bottom(Tensor x);
    [ConvTranspose2d(32, 16, 2, Stride = 2)] private partial Tensor Up2(Tensor x);
    [Conv2d(32, 16, 3, Padding = 1)] private partial Tensor Merge2(Tensor x);
    [ConvTranspose2d(16, 8, 2, Stride = 2)] private partial Tensor Up1(Tensor x);
    [Conv2d(16, 8, 3, Padding = 1)] private partial Tensor Merge1(Tensor x);
    [Conv2d(8, 2, 1)] private partial Tensor Classify(Tensor x);
    [GroupNorm(4, 16)] private partial Tensor Norm(Tensor x);
    [SiLU] private partial Tensor Act(Tensor x);

    [Forward("B 3 H W -> B 2 H W")]
    public Tensor Forward(Tensor image)
    {
        var skip1 = Act(Down1(image));
        var skip2 = Act(Norm(Down2(Pool(skip1))));
        var bottom = Act(Bottom(Pool(skip2)));
        var up2 = Act(Merge2(Ops.Concat(1, Up2(bottom), skip2)));
        var up1 = Act(Merge1(Ops.Concat(1, Up1(up2), skip1)));
        return Classify(up1);
    }
}

/// <summary>Every activation layer in a row, an upsampling and an instance norm: shapes kept, nothing learned but the norm's affine.</summary>
[Model]
public partial class ActivationStack
{
    [ReLU] private partial Tensor A1(Tensor x);
    [ReLU6] private partial Tensor A2(Tensor x);
    [LeakyReLU(0.2)] private partial Tensor A3(Tensor x);
    [ELU] private partial Tensor A4(Tensor x);
    [GELU] private partial Tensor A5(Tensor x);
    [SiLU] private partial Tensor A6(Tensor x);
    [Mish] private partial Tensor A7(Tensor x);
    [Hardswish] private partial Tensor A8(Tensor x);
    [Hardsigmoid] private partial Tensor A9(Tensor x);
    [Softplus(2.0)] private partial Tensor A10(Tensor x);
    [Sigmoid] private partial Tensor A11(Tensor x);
    [LeakyReLU] private partial Tensor A12(Tensor x);
    [Upsample(2)] private partial Tensor Grow(Tensor x);
    [Upsample(3, Bilinear = true)] private partial Tensor Smooth(Tensor x);
    [InstanceNorm2d(4, Affine = true)] private partial Tensor Norm(Tensor x);

    [Forward("B 4 H W -> B 4 H*6 W*6")]
    public Tensor Forward(Tensor x) => Norm(Smooth(Grow(A12(A11(A10(A9(A8(A7(A6(A5(A4(A3(A2(A1(x)))))))))))))));
}

/// <summary>A layer fed by a sub-model and a helper's layers: the summary lists each where the forward body calls it.</summary>
[Model(typeof(WidthsConfig))]
public partial class SummaryOrder
{
    [Linear(12, "Hidden2")] private partial Tensor Encode(Tensor x);
    [Submodel] private partial WidthBlock Block { get; }
    [Linear("Hidden2", "Hidden2")] private partial Tensor Inner(Tensor x);
    [Linear("Hidden2", 3)] private partial Tensor Head(Tensor x);

    [Shape("B Hidden2 -> B Hidden2")]
    private Tensor Refine(Tensor x) => Ops.Relu(Inner(x));

    [Forward("B 3 2 2 -> B 3")]
    public Tensor Forward(Tensor points) => Head(Refine(Block.call(Encode(Ops.Flatten(points)))));
}

/// <summary>The shape ops added with issue 15 in one forward body: gates, slices, padding, reductions, a global max pool.</summary>
[Model]
public partial class OpsAtWork
{
    [Conv1d(8, 8, 3)] private partial Tensor Causal(Tensor x);
    [Linear(8, 1)] private partial Tensor Score(Tensor x);
    [AdaptiveMaxPool2d(1)] private partial Tensor GlobalMax(Tensor x);
    [Linear(12, 4)] private partial Tensor Head(Tensor x);

    [Forward("B T 8, B 4 5 5 -> B 4")]
    public Tensor Forward(Tensor sequence, Tensor image)
    {
        // A causal convolution: two zeros before each channel's sequence keep its length.
        var conv = Ops.Transpose(Causal(Ops.Pad(Ops.Transpose(sequence, 1, 2), 2, 0)), 1, 2);
        var weights = Ops.Softmax(Ops.Squeeze(Score(conv), -1), 1);
        var pooled = Ops.Sum(Ops.Unsqueeze(weights, -1) * conv, 1);
        var peak = Ops.Squeeze(Ops.Squeeze(GlobalMax(image), -1), -1);
        var strongest = Ops.Max(Ops.Narrow(conv, 2, 0, 4), 1);
        var gated = Ops.Where(strongest > 0, strongest, Ops.Clamp(strongest, -1.0, 0.0));
        return Head(Ops.Concat(1, pooled, peak + gated));
    }
}

/// <summary>Norms with their own epsilon, as ConvNeXt (1e-6) and many ported models set it.</summary>
[Model]
public partial class EpsilonNorms
{
    [LayerNorm(6, Eps = 1e-3)] private partial Tensor Layer(Tensor x);
    [RMSNorm(6, Eps = 0.5)] private partial Tensor Rms(Tensor x);
    [GroupNorm(2, 4, Eps = 0.25)] private partial Tensor Group(Tensor x);
    [BatchNorm2d(4, Eps = 0.1)] private partial Tensor Batch(Tensor x);

    [Forward("B 4 3 6 -> B 4 3 6")]
    public Tensor Forward(Tensor x) => Batch(Group(Rms(Layer(x))));
}

/// <summary>A ConvNeXt-style residual: the branch through stochastic depth, added to its input.</summary>
[Model(typeof(WidthsConfig))]
public partial class DropPathResidual
{
    [Linear("Hidden", "Hidden")] private partial Tensor Branch(Tensor x);
    [DropPath(0.25)] private partial Tensor Drop(Tensor x);

    [Forward("B Hidden -> B Hidden")]
    public Tensor Forward(Tensor x) => x + Drop(Branch(x));
}

[HyperParameters]
public partial record TinyVitConfig : TrainingHyperParameters
{
    public int Dim { get; init; } = 16;
    public int Heads { get; init; } = 4;
    public int Patch { get; init; } = 4;

    /// <summary>Patches per image: (16 / Patch)^2.</summary>
    public int Patches => (16 / Patch) * (16 / Patch);
}

/// <summary>
/// A vision transformer in miniature, as torchvision's vit_b_16 is built: patches by a strided convolution,
/// a learned class token in front, a learned position table added, a pre-norm block, the class token classified.
/// </summary>
[Model(typeof(TinyVitConfig))]
public partial class TinyVit
{
    [Conv2d(3, "Dim", 4, Stride = 4)] private partial Tensor Patchify(Tensor x);
    [Parameter("1 1 Dim")] private partial Tensor ClassToken { get; }
    [Parameter("1 Patches+1 Dim", Std = 0.02)] private partial Tensor Positions { get; }
    [Parameter("Dim", Fill = 1e-6)] private partial Tensor LayerScale { get; }
    [LayerNorm("Dim", Eps = 1e-6)] private partial Tensor Norm(Tensor x);
    [SelfAttention("Dim", "Heads")] private partial Tensor Attend(Tensor x);
    [Linear("Dim", 10)] private partial Tensor Head(Tensor x);

    [Forward("B 3 16 16 -> B 10")]
    public Tensor Forward(Tensor image)
    {
        var patches = Ops.Transpose(Ops.Flatten(Patchify(image), 2), 1, 2);
        var tokens = Ops.Concat(1, Ops.ExpandBatch(ClassToken, patches), patches) + Positions;
        tokens = tokens + LayerScale * Attend(Norm(tokens));
        return Head(Ops.Select(Norm(tokens), 1, 0));
    }
}

/// <summary>A ConvNeXt-style block: depthwise 7x7, channel LayerNorm, an inverted MLP, layer scale, stochastic depth.</summary>
[Model]
public partial class ConvNextBlock
{
    [Conv2d(8, 8, 7, Padding = 3, Groups = 8)] private partial Tensor Depthwise(Tensor x);
    [LayerNorm2d(8, Eps = 1e-6)] private partial Tensor Norm(Tensor x);
    [Conv2d(8, 32, 1)] private partial Tensor Expand(Tensor x);
    [GELU] private partial Tensor Act(Tensor x);
    [Conv2d(32, 8, 1)] private partial Tensor Reduce(Tensor x);
    [Parameter("8 1 1", Fill = 1e-6)] private partial Tensor LayerScale { get; }
    [DropPath(0.1)] private partial Tensor Drop(Tensor x);
    [Lstm(8, 6, Layers = 2, Dropout = 0.3)] private partial Tensor Rows(Tensor x);

    [Forward("B 8 H W -> B 8 H W")]
    public Tensor Forward(Tensor x) => x + Drop(LayerScale * Reduce(Act(Expand(Norm(Depthwise(x))))));
}

/// <summary>A decoder's queries attending to an encoder memory of another width.</summary>
[Model]
public partial class WideMemory
{
    [CrossAttention(16, 4, 24, Dropout = 0.5)] private partial Tensor Attend(Tensor x, Tensor memory);

    [Forward("B T 16, B S 24 -> B T 16")]
    public Tensor Forward(Tensor x, Tensor memory) => x + Attend(x, memory);
}

/// <summary>A block's own sizes: what the parent's sizes method gives each instance.</summary>
[HyperParameters]
public partial record StageSizes
{
    public int In { get; init; } = 8;
    public int Out { get; init; } = 8;
}

/// <summary>A residual-style block whose widths are its own hyperparameters.</summary>
[Model(typeof(StageSizes))]
public partial class StageBlock
{
    [Linear("In", "Out")] private partial Tensor Mix(Tensor x);
    [Linear("In", "Out", Bias = false)] private partial Tensor Skip(Tensor x);

    [Forward("B In -> B Out")]
    public Tensor Forward(Tensor x) => Ops.Relu(Mix(x)) + Skip(x);
}

/// <summary>One block class at several widths: a widening block, then a stage of three whose first differs, as a settings table would.</summary>
[Model(typeof(WidthsConfig))]
public partial class Staged
{
    [Linear(12, "Hidden")] private partial Tensor Embed(Tensor x);
    [Submodel(nameof(Widen))] private partial StageBlock First { get; }
    [Submodel(nameof(Stage), Repeat = 3)] private partial TorchSharp.Modules.ModuleList<StageBlock> Blocks { get; }
    [Linear("Hidden2", 3)] private partial Tensor Head(Tensor x);

    private static StageSizes Widen(WidthsConfig c) => new() { In = c.Hidden, Out = c.Hidden * 2 };

    private static StageSizes Stage(WidthsConfig c, int i) => new() { In = i == 0 ? c.Hidden * 2 : c.Hidden2, Out = c.Hidden2 };

    [Forward("B 3 2 2 -> B 3")]
    public Tensor Forward(Tensor points)
    {
        var h = First.call(Embed(Ops.Flatten(points)));
        foreach (var block in Blocks) h = block.call(h);
        return Head(h);
    }
}

/// <summary>A small video/volume network: 3-D convolution, its batch norm, 3-D pooling with and without ceil mode.</summary>
[Model]
public partial class TinyVolumeNet
{
    [Conv3d(2, 4, 3, Padding = 1, Bias = false)] private partial Tensor Conv(Tensor x);
    [BatchNorm3d(4)] private partial Tensor Norm(Tensor x);
    [MaxPool3d(2, CeilMode = true)] private partial Tensor Pool(Tensor x);
    [AvgPool3d(2)] private partial Tensor Average(Tensor x);
    [Linear(4, 3)] private partial Tensor Head(Tensor x);

    [Forward("B 2 5 7 9 -> B 3")]
    public Tensor Forward(Tensor clip)
    {
        var x = Average(Pool(Ops.Relu(Norm(Conv(clip)))));
        return Head(Ops.Mean(Ops.Flatten(x, 2), -1));
    }
}

/// <summary>GoogLeNet-style pooling: 3x3 windows, stride 2, ceil mode, over odd sizes.</summary>
[Model]
public partial class CeilPooling
{
    [MaxPool2d(3, Stride = 2, CeilMode = true)] private partial Tensor Max(Tensor x);
    [AvgPool2d(3, Stride = 2, Padding = 1, CeilMode = true)] private partial Tensor Average(Tensor x);
    [MaxPool1d(2, CeilMode = true)] private partial Tensor Max1(Tensor x);
    [AvgPool1d(2, CeilMode = true)] private partial Tensor Average1(Tensor x);

    [Forward("B 4 112 112 -> B 4 29 29")]
    public Tensor Forward(Tensor x) => Average(Max(x));

    [Shape("B C 7 -> B C 2")]
    public Tensor Rows(Tensor x) => Average1(Max1(x));
}

/// <summary>Padded sequences: attention that ignores padded keys, recurrent layers started from given states.</summary>
[Model]
public partial class PaddedEncoder
{
    [SelfAttention(8, 2)] private partial Tensor Attend(Tensor x, Tensor padding);
    [Lstm(8, 6)] private partial Tensor Read(Tensor x, Tensor hidden, Tensor cell);
    [Gru(6, 6, Layers = 2)] private partial (Tensor Output, Tensor Hidden) Carry(Tensor x, Tensor hidden);

    [Forward("B T 8, B T, 1 B 6, 1 B 6 -> B T 8")]
    public Tensor Forward(Tensor x, Tensor padding, Tensor hidden, Tensor cell) => x + Attend(x, padding);

    [Shape("B T 8, 1 B 6, 1 B 6 -> B T 6")]
    public Tensor Encode(Tensor x, Tensor hidden, Tensor cell) => Read(x, hidden, cell);

    [Shape("B T 6, 2 B 6 -> B T 6")]
    public Tensor Continue(Tensor x, Tensor hidden) => Carry(x, hidden).Output;
}

/// <summary>Parts of a tensor: a gated linear unit by Chunk, a split projection, and DenseNet's growing list of features.</summary>
[Model]
public partial class PartsAtWork
{
    [Linear(6, 16)] private partial Tensor Widen(Tensor x);
    [Linear(8, 5)] private partial Tensor Mix(Tensor x);
    [Linear(3, 4)] private partial Tensor Grow(Tensor x);

    [Forward("B 6 -> B 10")]
    public Tensor Forward(Tensor x)
    {
        var (value, gate) = Ops.Chunk(Widen(x), 2, -1);
        var mixed = Mix(value * Ops.Sigmoid(gate));
        var parts = Ops.Split(mixed, -1, 2, 3);
        var features = new System.Collections.Generic.List<Tensor> { parts[0], Grow(parts[1]) };
        features.Add(Ops.Relu(features[1]));
        return Ops.Concat(-1, features);
    }
}

/// <summary>Inception's factorised convolutions (1x7 then 7x1) and a (2+1)-D video convolution: kernels, strides and paddings per dim.</summary>
[Model]
public partial class Factorised
{
    [Conv2d(4, 6, new[] { 1, 7 }, Padding = new[] { 0, 3 })] private partial Tensor Row(Tensor x);
    [Conv2d(6, 6, new[] { 7, 1 }, Padding = new[] { 3, 0 }, Stride = new[] { 2, 1 }, Bias = false)] private partial Tensor Column(Tensor x);
    [Conv3d(2, 4, new[] { 1, 3, 3 }, Stride = new[] { 1, 2, 2 }, Padding = new[] { 0, 1, 1 })] private partial Tensor Spatial(Tensor x);

    [Forward("B 4 9 12 -> B 6 5 12")]
    public Tensor Forward(Tensor x) => Column(Row(x));

    [Shape("B 2 T 8 8 -> B 4 T 4 4")]
    public Tensor Clip(Tensor x) => Spatial(x);
}

/// <summary>A sequence decoder step: a transposed 1-D convolution that doubles the length.</summary>
[Model]
public partial class SequenceUpsampler
{
    [ConvTranspose1d(6, 4, 4, Stride = 2, Padding = 1)] private partial Tensor Up(Tensor x);

    [Forward("B 6 L -> B 4 L*2")]
    public Tensor Forward(Tensor x) => Up(x);
}

/// <summary>A detector's two heads over one trunk: class scores and a box per image, returned together.</summary>
[Model]
public partial class TwoHeads
{
    [Conv2d(3, 8, 3, Padding = 1)] private partial Tensor Trunk(Tensor x);
    [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
    [Linear(8, 5)] private partial Tensor Classify(Tensor x);
    [Linear(8, 4)] private partial Tensor Locate(Tensor x);

    [Forward("B 3 H W -> B 5, B 4")]
    public (Tensor Classes, Tensor Box) Forward(Tensor image)
    {
        var features = Ops.Flatten(Pool(Ops.Relu(Trunk(image))));
        return (Classify(features), Locate(features));
    }
}

/// <summary>A model that uses a two-headed block and reads both results.</summary>
[Model]
public partial class HeadsUser
{
    [Submodel] private partial TwoHeads Heads { get; }
    [Linear(9, 1)] private partial Tensor Score(Tensor x);

    [Forward("B 3 H W -> B 1")]
    public Tensor Forward(Tensor image)
    {
        var (classes, box) = Heads.call(image);
        return Score(Ops.Concat(-1, classes, box));
    }
}

/// <summary>Pooling windows of their own height and width: a 3x1 max over rows, a 1x2 average over columns, a 1x2x2 volume window.</summary>
[Model]
public partial class RectangularPooling
{
    [MaxPool2d(new[] { 3, 1 }, Stride = new[] { 2, 1 }, Padding = new[] { 1, 0 })] private partial Tensor Rows(Tensor x);
    [AvgPool2d(new[] { 1, 2 }, CeilMode = true)] private partial Tensor Columns(Tensor x);
    [MaxPool3d(new[] { 1, 2, 2 })] private partial Tensor Frames(Tensor x);

    [Forward("B 4 9 7 -> B 4 5 4")]
    public Tensor Forward(Tensor x) => Columns(Rows(x));

    [Shape("B 2 T 8 6 -> B 2 T 4 3")]
    public Tensor Clip(Tensor x) => Frames(x);
}
