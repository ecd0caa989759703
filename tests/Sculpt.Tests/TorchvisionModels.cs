using Sculpt.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Tests;

// torchvision's efficientnet_b0, convnext_tiny and vit_b_16 as a user declares them from the published
// definitions: one block class per kind of block, each stage's sizes from a settings table, state names
// as torchvision's so its weights load by name (ArchitectureReferenceTests). Each region is what the
// lines-of-code comparison counts (docs/architectures.md).

#region efficientnet_b0
/// <summary>EfficientNet's classifier size (the widths are torchvision's B0 table).</summary>
[HyperParameters]
public partial record EfficientNetConfig : TrainingHyperParameters
{
    public int Classes { get; init; } = 1000;
}

/// <summary>One MBConv block's sizes, as torchvision's MBConvConfig at width and depth multiplier 1.</summary>
[HyperParameters]
public partial record MBConvSizes
{
    public int In { get; init; } = 16;
    public int Out { get; init; } = 24;
    public int Expand { get; init; } = 6;
    public int Kernel { get; init; } = 3;
    public int Stride { get; init; } = 1;
    public double DropRate { get; init; }

    /// <summary>The depthwise width: the input expanded.</summary>
    public int Hidden => In * Expand;

    /// <summary>The squeeze-and-excitation width: a quarter of the block's input, at least 1.</summary>
    public int Squeeze => In < 8 ? 1 : In / 4;

    /// <summary>"Same" padding for an odd kernel.</summary>
    public int Padding => (Kernel - 1) / 2;
}

/// <summary>MBConv with an expansion (ratio 6): expand, depthwise, squeeze-and-excite, project; residual where the shape allows.</summary>
[Model(typeof(MBConvSizes))]
public partial class MBConv
{
    [Conv2d("In", "Hidden", 1, Bias = false), StateName("block.0.0")] private partial Tensor Widen(Tensor x);
    [BatchNorm2d("Hidden"), StateName("block.0.1")] private partial Tensor WidenNorm(Tensor x);
    [Conv2d("Hidden", "Hidden", "Kernel", Stride = "Stride", Padding = "Padding", Groups = "Hidden", Bias = false), StateName("block.1.0")] private partial Tensor Depthwise(Tensor x);
    [BatchNorm2d("Hidden"), StateName("block.1.1")] private partial Tensor DepthwiseNorm(Tensor x);
    [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
    [Conv2d("Hidden", "Squeeze", 1), StateName("block.2.fc1")] private partial Tensor Reduce(Tensor x);
    [Conv2d("Squeeze", "Hidden", 1), StateName("block.2.fc2")] private partial Tensor Restore(Tensor x);
    [Conv2d("Hidden", "Out", 1, Bias = false), StateName("block.3.0")] private partial Tensor Project(Tensor x);
    [BatchNorm2d("Out"), StateName("block.3.1")] private partial Tensor ProjectNorm(Tensor x);
    [DropPath("DropRate")] private partial Tensor Drop(Tensor x);

    [Forward("B In H W -> B Out P Q")]
    public Tensor Forward(Tensor x)
    {
        var h = Ops.Silu(DepthwiseNorm(Depthwise(Ops.Silu(WidenNorm(Widen(x))))));
        h = h * Ops.Sigmoid(Restore(Ops.Silu(Reduce(Pool(h)))));
        h = ProjectNorm(Project(h));
        return Config.Stride == 1 && Config.In == Config.Out ? x + Drop(h) : h;
    }
}

/// <summary>MBConv without an expansion (ratio 1, EfficientNet's first stage): depthwise, squeeze-and-excite, project.</summary>
[Model(typeof(MBConvSizes))]
public partial class MBConvFlat
{
    [Conv2d("In", "In", "Kernel", Stride = "Stride", Padding = "Padding", Groups = "In", Bias = false), StateName("block.0.0")] private partial Tensor Depthwise(Tensor x);
    [BatchNorm2d("In"), StateName("block.0.1")] private partial Tensor DepthwiseNorm(Tensor x);
    [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
    [Conv2d("In", "Squeeze", 1), StateName("block.1.fc1")] private partial Tensor Reduce(Tensor x);
    [Conv2d("Squeeze", "In", 1), StateName("block.1.fc2")] private partial Tensor Restore(Tensor x);
    [Conv2d("In", "Out", 1, Bias = false), StateName("block.2.0")] private partial Tensor Project(Tensor x);
    [BatchNorm2d("Out"), StateName("block.2.1")] private partial Tensor ProjectNorm(Tensor x);

    [Forward("B In H W -> B Out P Q")]
    public Tensor Forward(Tensor x)
    {
        var h = Ops.Silu(DepthwiseNorm(Depthwise(x)));
        h = h * Ops.Sigmoid(Restore(Ops.Silu(Reduce(Pool(h)))));
        return ProjectNorm(Project(h));
    }
}

/// <summary>torchvision's efficientnet_b0: a stem, seven stages from the B0 table, a 1x1 head, pooling, dropout and a classifier.</summary>
[Model(typeof(EfficientNetConfig))]
public partial class EfficientNetB0
{
    [Conv2d(3, 32, 3, Stride = 2, Padding = 1, Bias = false), StateName("features.0.0")] private partial Tensor Stem(Tensor x);
    [BatchNorm2d(32), StateName("features.0.1")] private partial Tensor StemNorm(Tensor x);
    [Submodel(nameof(S1), Repeat = 1), StateName("features.1")] private partial ModuleList<MBConvFlat> Stage1 { get; }
    [Submodel(nameof(S2), Repeat = 2), StateName("features.2")] private partial ModuleList<MBConv> Stage2 { get; }
    [Submodel(nameof(S3), Repeat = 2), StateName("features.3")] private partial ModuleList<MBConv> Stage3 { get; }
    [Submodel(nameof(S4), Repeat = 3), StateName("features.4")] private partial ModuleList<MBConv> Stage4 { get; }
    [Submodel(nameof(S5), Repeat = 3), StateName("features.5")] private partial ModuleList<MBConv> Stage5 { get; }
    [Submodel(nameof(S6), Repeat = 4), StateName("features.6")] private partial ModuleList<MBConv> Stage6 { get; }
    [Submodel(nameof(S7), Repeat = 1), StateName("features.7")] private partial ModuleList<MBConv> Stage7 { get; }
    [Conv2d(320, 1280, 1, Bias = false), StateName("features.8.0")] private partial Tensor Top(Tensor x);
    [BatchNorm2d(1280), StateName("features.8.1")] private partial Tensor TopNorm(Tensor x);
    [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
    [Dropout(0.2)] private partial Tensor Drop(Tensor x);
    [Linear(1280, "Classes"), StateName("classifier.1")] private partial Tensor Classify(Tensor x);

    // torchvision's table: expand ratio, kernel, stride, in, out; the drop rate grows with the block's place among all 16.
    private static MBConvSizes Block(int expand, int kernel, int stride, int inWidth, int outWidth, int first, int i) => new()
    {
        Expand = expand, Kernel = kernel, Stride = i == 0 ? stride : 1, In = i == 0 ? inWidth : outWidth, Out = outWidth, DropRate = 0.2 * (first + i) / 16,
    };
    private static MBConvSizes S1(EfficientNetConfig c, int i) => Block(1, 3, 1, 32, 16, 0, i);
    private static MBConvSizes S2(EfficientNetConfig c, int i) => Block(6, 3, 2, 16, 24, 1, i);
    private static MBConvSizes S3(EfficientNetConfig c, int i) => Block(6, 5, 2, 24, 40, 3, i);
    private static MBConvSizes S4(EfficientNetConfig c, int i) => Block(6, 3, 2, 40, 80, 5, i);
    private static MBConvSizes S5(EfficientNetConfig c, int i) => Block(6, 5, 1, 80, 112, 8, i);
    private static MBConvSizes S6(EfficientNetConfig c, int i) => Block(6, 5, 2, 112, 192, 11, i);
    private static MBConvSizes S7(EfficientNetConfig c, int i) => Block(6, 3, 1, 192, 320, 15, i);

    [Forward("B 3 H W -> B Classes")]
    public Tensor Forward(Tensor image)
    {
        var x = Ops.Silu(StemNorm(Stem(image)));
        foreach (var block in Stage1) x = block.call(x);
        foreach (var stage in new[] { Stage2, Stage3, Stage4, Stage5, Stage6, Stage7 })
        {
            foreach (var block in stage) x = block.call(x);
        }
        x = Ops.Silu(TopNorm(Top(x)));
        return Classify(Drop(Ops.Flatten(Pool(x))));
    }
}
#endregion

#region convnext_tiny
/// <summary>ConvNeXt's classifier size.</summary>
[HyperParameters]
public partial record ConvNextConfig : TrainingHyperParameters
{
    public int Classes { get; init; } = 1000;
}

/// <summary>One ConvNeXt stage's width, and a block's stochastic-depth rate.</summary>
[HyperParameters]
public partial record ConvNextSizes
{
    public int Dim { get; init; } = 96;
    public double DropRate { get; init; }
}

/// <summary>torchvision's CNBlock: depthwise 7x7, channels-last LayerNorm, an inverted MLP, layer scale, stochastic depth.</summary>
[Model(typeof(ConvNextSizes))]
public partial class CNBlock
{
    [Conv2d("Dim", "Dim", 7, Padding = 3, Groups = "Dim"), StateName("block.0")] private partial Tensor Depthwise(Tensor x);
    [LayerNorm("Dim", Eps = 1e-6), StateName("block.2")] private partial Tensor Norm(Tensor x);
    [Linear("Dim", "Dim * 4"), StateName("block.3")] private partial Tensor Expand(Tensor x);
    [GELU] private partial Tensor Act(Tensor x);
    [Linear("Dim * 4", "Dim"), StateName("block.5")] private partial Tensor Reduce(Tensor x);
    [Parameter("Dim 1 1", Fill = 1e-6), StateName("layer_scale")] private partial Tensor LayerScale { get; }
    [DropPath("DropRate")] private partial Tensor Drop(Tensor x);

    [Forward("B Dim H W -> B Dim H W")]
    public Tensor Forward(Tensor x)
    {
        var h = Reduce(Act(Expand(Norm(Ops.Permute(Depthwise(x), 0, 2, 3, 1)))));
        return x + Drop(LayerScale * Ops.Permute(h, 0, 3, 1, 2));
    }
}

/// <summary>Between ConvNeXt stages: a channel LayerNorm and a 2x2 stride-2 convolution that doubles the width.</summary>
[Model(typeof(ConvNextSizes))]
public partial class ConvNextDownsample
{
    [LayerNorm2d("Dim", Eps = 1e-6), StateName("0")] private partial Tensor Norm(Tensor x);
    [Conv2d("Dim", "Dim * 2", 2, Stride = 2), StateName("1")] private partial Tensor Down(Tensor x);

    [Forward("B Dim H W -> B Dim*2 H/2 W/2")]
    public Tensor Forward(Tensor x) => Down(Norm(x));
}

/// <summary>torchvision's convnext_tiny: a 4x4 patch stem, four stages (3, 3, 9, 3 blocks at 96, 192, 384, 768), three downsamplings, a normed head.</summary>
[Model(typeof(ConvNextConfig))]
public partial class ConvNextTiny
{
    [Conv2d(3, 96, 4, Stride = 4), StateName("features.0.0")] private partial Tensor Stem(Tensor x);
    [LayerNorm2d(96, Eps = 1e-6), StateName("features.0.1")] private partial Tensor StemNorm(Tensor x);
    [Submodel(nameof(S1), Repeat = 3), StateName("features.1")] private partial ModuleList<CNBlock> Stage1 { get; }
    [Submodel(nameof(D1)), StateName("features.2")] private partial ConvNextDownsample Down1 { get; }
    [Submodel(nameof(S2), Repeat = 3), StateName("features.3")] private partial ModuleList<CNBlock> Stage2 { get; }
    [Submodel(nameof(D2)), StateName("features.4")] private partial ConvNextDownsample Down2 { get; }
    [Submodel(nameof(S3), Repeat = 9), StateName("features.5")] private partial ModuleList<CNBlock> Stage3 { get; }
    [Submodel(nameof(D3)), StateName("features.6")] private partial ConvNextDownsample Down3 { get; }
    [Submodel(nameof(S4), Repeat = 3), StateName("features.7")] private partial ModuleList<CNBlock> Stage4 { get; }
    [AdaptiveAvgPool2d(1)] private partial Tensor Pool(Tensor x);
    [LayerNorm2d(768, Eps = 1e-6), StateName("classifier.0")] private partial Tensor HeadNorm(Tensor x);
    [Linear(768, "Classes"), StateName("classifier.2")] private partial Tensor Classify(Tensor x);

    // The stochastic-depth rate grows linearly over all 18 blocks to 0.1.
    private static ConvNextSizes Block(int dim, int first, int i) => new() { Dim = dim, DropRate = 0.1 * (first + i) / 17 };
    private static ConvNextSizes S1(ConvNextConfig c, int i) => Block(96, 0, i);
    private static ConvNextSizes S2(ConvNextConfig c, int i) => Block(192, 3, i);
    private static ConvNextSizes S3(ConvNextConfig c, int i) => Block(384, 6, i);
    private static ConvNextSizes S4(ConvNextConfig c, int i) => Block(768, 15, i);
    private static ConvNextSizes D1(ConvNextConfig c) => new() { Dim = 96 };
    private static ConvNextSizes D2(ConvNextConfig c) => new() { Dim = 192 };
    private static ConvNextSizes D3(ConvNextConfig c) => new() { Dim = 384 };

    [Forward("B 3 H W -> B Classes")]
    public Tensor Forward(Tensor image)
    {
        var x = StemNorm(Stem(image));
        foreach (var block in Stage1) x = block.call(x);
        x = Down1.call(x);
        foreach (var block in Stage2) x = block.call(x);
        x = Down2.call(x);
        foreach (var block in Stage3) x = block.call(x);
        x = Down3.call(x);
        foreach (var block in Stage4) x = block.call(x);
        return Classify(Ops.Flatten(HeadNorm(Pool(x))));
    }
}
#endregion

#region vit_b_16
/// <summary>ViT-B/16's sizes.</summary>
[HyperParameters]
public partial record VitConfig : TrainingHyperParameters
{
    public int Image { get; init; } = 224;
    public int Patch { get; init; } = 16;
    public int Dim { get; init; } = 768;
    public int Heads { get; init; } = 12;
    public int Mlp { get; init; } = 3072;
    public int Depth { get; init; } = 12;
    public int Classes { get; init; } = 1000;

    /// <summary>The class token and one token per patch.</summary>
    public int Tokens => (Image / Patch) * (Image / Patch) + 1;
}

/// <summary>torchvision's EncoderBlock: pre-norm self-attention and a GELU MLP, each with a residual.</summary>
[Model(typeof(VitConfig))]
public partial class VitEncoderBlock
{
    [LayerNorm("Dim", Eps = 1e-6), StateName("ln_1")] private partial Tensor Norm1(Tensor x);
    [SelfAttention("Dim", "Heads"), StateName("self_attention")] private partial Tensor Attend(Tensor x);
    [LayerNorm("Dim", Eps = 1e-6), StateName("ln_2")] private partial Tensor Norm2(Tensor x);
    [Linear("Dim", "Mlp"), StateName("mlp.0")] private partial Tensor Expand(Tensor x);
    [GELU] private partial Tensor Act(Tensor x);
    [Linear("Mlp", "Dim"), StateName("mlp.3")] private partial Tensor Reduce(Tensor x);

    [Forward("B T Dim -> B T Dim")]
    public Tensor Forward(Tensor x)
    {
        x = x + Attend(Norm1(x));
        return x + Reduce(Act(Expand(Norm2(x))));
    }
}

/// <summary>
/// torchvision's vit_b_16. Two names no [StateName] can give are renamed on loading: the encoder's blocks
/// (encoder_layer_N in an OrderedDict, N in Sculpt's list) and nn.MultiheadAttention's fused projections.
/// </summary>
[Model(typeof(VitConfig))]
[RenameWeights(@"^encoder\.layers\.encoder_layer_(\d+)\.", "encoder.layers.$1.")]
[RenameWeights(@"\.self_attention\.in_proj_(weight|bias)$", ".self_attention.Qkv.$1")]
[RenameWeights(@"\.self_attention\.out_proj\.", ".self_attention.Proj.")]
public partial class VitB16
{
    [Conv2d(3, "Dim", "Patch", Stride = "Patch"), StateName("conv_proj")] private partial Tensor Patchify(Tensor x);
    [Parameter("1 1 Dim"), StateName("class_token")] private partial Tensor ClassToken { get; }
    [Parameter("1 Tokens Dim", Std = 0.02), StateName("encoder.pos_embedding")] private partial Tensor Positions { get; }
    [Submodel(Repeat = "Depth"), StateName("encoder.layers")] private partial ModuleList<VitEncoderBlock> Encoder { get; }
    [LayerNorm("Dim", Eps = 1e-6), StateName("encoder.ln")] private partial Tensor Norm(Tensor x);
    [Linear("Dim", "Classes"), StateName("heads.head")] private partial Tensor Classify(Tensor x);

    [Forward("B 3 Image Image -> B Classes")]
    public Tensor Forward(Tensor image)
    {
        var patches = Ops.Transpose(Ops.Flatten(Patchify(image), 2), 1, 2);
        var x = Ops.Concat(1, Ops.ExpandBatch(ClassToken, patches), patches) + Positions;
        foreach (var block in Encoder) x = block.call(x);
        return Classify(Ops.Select(Norm(x), 1, 0));
    }
}
#endregion
