namespace Sculpt;

// Layer sizes are `object` so that one attribute takes either an integer literal or the name of a
// hyperparameter ("Hidden"); the generator reads the constant and writes `config.Hidden`.

/// <summary>A fully connected layer, <c>[*, in] -&gt; [*, out]</c>, on a <c>partial Tensor M(Tensor x)</c>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class LinearAttribute(object inFeatures, object outFeatures) : System.Attribute
{
    public object InFeatures { get; } = inFeatures;
    public object OutFeatures { get; } = outFeatures;

    /// <summary>Whether the layer adds a learned bias (default true).</summary>
    public bool Bias { get; set; } = true;

    /// <summary>
    /// The name of an <c>[Embedding]</c> (or another <c>[Linear]</c>) of this model whose weight this
    /// layer shares, e.g. <c>TiedTo = nameof(Tokens)</c> for a language model's head: one tensor,
    /// counted once, trained by both uses.
    /// </summary>
    public string? TiedTo { get; set; }
}

/// <summary>
/// Stochastic depth on a residual branch: in training each sample's whole input is dropped with the given
/// probability (a number or a hyperparameter name) and the rest scaled up; identity in eval mode.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class DropPathAttribute(object probability) : System.Attribute
{
    public object Probability { get; } = probability;
}

/// <summary>Dropout with the given probability (a number or a hyperparameter name); identity in eval mode.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class DropoutAttribute(object probability) : System.Attribute
{
    public object Probability { get; } = probability;
}

/// <summary>The settings every convolution has; see <see cref="Conv1dAttribute"/> and <see cref="Conv2dAttribute"/>.</summary>
public abstract class ConvolutionAttribute(object inChannels, object outChannels, object kernelSize) : System.Attribute
{
    public object InChannels { get; } = inChannels;
    public object OutChannels { get; } = outChannels;
    public object KernelSize { get; } = kernelSize;

    // The window settings take an integer or the name of an integer hyperparameter, so one block class serves
    // every stride and width of a stage (a depthwise convolution's Groups = "Channels").
    public object Stride { get; set; } = 1;
    public object Padding { get; set; } = 0;
    public object Dilation { get; set; } = 1;

    /// <summary>Channel groups; must divide both channel counts.</summary>
    public object Groups { get; set; } = 1;

    public bool Bias { get; set; } = true;

    /// <summary>PyTorch's <c>padding="same"</c>: the output keeps the input's length (any kernel, stride 1).</summary>
    public bool SamePadding { get; set; }
}

/// <summary>
/// A 2-D convolution, <c>[*, in, H, W] -&gt; [*, out, H', W']</c> with
/// <c>H' = (H + 2*Padding - Dilation*(kernel-1) - 1) / Stride + 1</c>.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class Conv2dAttribute(object inChannels, object outChannels, object kernelSize) : ConvolutionAttribute(inChannels, outChannels, kernelSize);

/// <summary>The settings every pooling window has; <see cref="Stride"/> 0 means the kernel size.</summary>
public abstract class PoolingAttribute(object kernelSize) : System.Attribute
{
    public object KernelSize { get; } = kernelSize;

    // Integers, or one per pooled dim for a window of its own height and width (new[] { 3, 1 }, 2-D and 3-D pooling).
    public object Stride { get; set; } = 0;
    public object Padding { get; set; } = 0;

    /// <summary>PyTorch's <c>ceil_mode</c>: a last window that runs past the input (into no more than its padding) still counts.</summary>
    public bool CeilMode { get; set; }
}

/// <summary>2-D max pooling over the last two dims.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class MaxPool2dAttribute(object kernelSize) : PoolingAttribute(kernelSize);

/// <summary>2-D average pooling over the last two dims.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class AvgPool2dAttribute(object kernelSize) : PoolingAttribute(kernelSize);

/// <summary>Batch normalisation of <c>[B, channels, H, W]</c>, with running statistics for eval mode.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class BatchNorm2dAttribute(object channels) : System.Attribute
{
    /// <summary>Added to the variance before the square root; PyTorch's default is 1e-5.</summary>
    public double Eps { get; set; } = 1e-5;

    public object Channels { get; } = channels;
}

/// <summary>Layer normalisation over the last dim, <c>[*, size]</c>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class LayerNormAttribute(object size) : System.Attribute
{
    /// <summary>Added to the variance before the square root; PyTorch's default is 1e-5.</summary>
    public double Eps { get; set; } = 1e-5;

    public object Size { get; } = size;
}

/// <summary>Layer normalisation over the channels of <c>[B, channels, H, W]</c> at every position (ConvNeXt's norm).</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class LayerNorm2dAttribute(object channels) : System.Attribute
{
    public object Channels { get; } = channels;

    /// <summary>Added to the variance before the square root; PyTorch's default is 1e-5 (ConvNeXt uses 1e-6).</summary>
    public double Eps { get; set; } = 1e-5;
}

/// <summary>A lookup table: integer indices <c>[*]</c> -&gt; vectors <c>[*, dim]</c>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class EmbeddingAttribute(object count, object dim) : System.Attribute
{
    public object Count { get; } = count;
    public object Dim { get; } = dim;
}

/// <summary>Average pooling to a fixed <c>outputSize x outputSize</c> whatever the input's height and width.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class AdaptiveAvgPool2dAttribute(object outputSize) : System.Attribute
{
    public object OutputSize { get; } = outputSize;
}

/// <summary>Max pooling to a fixed <c>outputSize x outputSize</c> whatever the input's height and width (1: global max pooling).</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class AdaptiveMaxPool2dAttribute(object outputSize) : System.Attribute
{
    public object OutputSize { get; } = outputSize;
}

/// <summary>
/// Multi-head self-attention, <c>[B, T, dim] -&gt; [B, T, dim]</c>; <c>heads</c> must divide <c>dim</c>.
/// <see cref="Causal"/> lets each position attend only to itself and earlier ones (language models).
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class SelfAttentionAttribute(object dim, object heads) : System.Attribute
{
    public object Dim { get; } = dim;
    public object Heads { get; } = heads;
    public bool Causal { get; set; }

    /// <summary>Dropout on the attention weights in training, in [0, 1).</summary>
    public double Dropout { get; set; }
}

/// <summary>Root-mean-square normalisation over the last dim, <c>[*, size]</c>; one learned scale per feature.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class RMSNormAttribute(object size) : System.Attribute
{
    /// <summary>Added to the mean square before the square root; 1e-6 by default, as LLaMA's.</summary>
    public double Eps { get; set; } = 1e-6;

    public object Size { get; } = size;
}

/// <summary>
/// A 1-D convolution over sequences, <c>[*, in, L] -&gt; [*, out, L']</c> with
/// <c>L' = (L + 2*Padding - Dilation*(kernel-1) - 1) / Stride + 1</c>.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class Conv1dAttribute(object inChannels, object outChannels, object kernelSize) : ConvolutionAttribute(inChannels, outChannels, kernelSize);

/// <summary>
/// A 3-D convolution over volumes or clips, <c>[*, in, D, H, W] -&gt; [*, out, D', H', W']</c>, each spatial size as
/// <see cref="Conv2dAttribute"/>'s.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class Conv3dAttribute(object inChannels, object outChannels, object kernelSize) : ConvolutionAttribute(inChannels, outChannels, kernelSize);

/// <summary>3-D max pooling over the last three dims.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class MaxPool3dAttribute(object kernelSize) : PoolingAttribute(kernelSize);

/// <summary>3-D average pooling over the last three dims.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class AvgPool3dAttribute(object kernelSize) : PoolingAttribute(kernelSize);

/// <summary>Batch normalisation of <c>[B, channels, D, H, W]</c>, with running statistics for eval mode.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class BatchNorm3dAttribute(object channels) : System.Attribute
{
    /// <summary>Added to the variance before the square root; PyTorch's default is 1e-5.</summary>
    public double Eps { get; set; } = 1e-5;

    public object Channels { get; } = channels;
}

/// <summary>1-D max pooling over the last dim.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class MaxPool1dAttribute(object kernelSize) : PoolingAttribute(kernelSize);

/// <summary>1-D average pooling over the last dim.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class AvgPool1dAttribute(object kernelSize) : PoolingAttribute(kernelSize);

/// <summary>Batch normalisation of <c>[B, channels]</c> or <c>[B, channels, L]</c>, with running statistics for eval mode.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class BatchNorm1dAttribute(object channels) : System.Attribute
{
    /// <summary>Added to the variance before the square root; PyTorch's default is 1e-5.</summary>
    public double Eps { get; set; } = 1e-5;

    public object Channels { get; } = channels;
}

/// <summary>A layer that returns its input: a placeholder that keeps state-dict names stable (e.g. a shortcut without a projection).</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class IdentityAttribute : System.Attribute
{
}

/// <summary>Channel dropout for <c>[B, C, L]</c>: zeroes whole channels with the given probability; identity in eval mode.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class Dropout1dAttribute(object probability) : System.Attribute
{
    public object Probability { get; } = probability;
}

/// <summary>Channel dropout for <c>[B, C, H, W]</c>: zeroes whole feature maps with the given probability; identity in eval mode.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class Dropout2dAttribute(object probability) : System.Attribute
{
    public object Probability { get; } = probability;
}

/// <summary>Dropout that keeps the mean and variance of SELU activations; identity in eval mode.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class AlphaDropoutAttribute(object probability) : System.Attribute
{
    public object Probability { get; } = probability;
}

/// <summary>
/// Multi-head cross-attention on a <c>partial Tensor M(Tensor x, Tensor context)</c>: queries from
/// <c>x [B, T, dim]</c> attend to keys and values from <c>context [B, S, dim]</c>, giving <c>[B, T, dim]</c>.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class CrossAttentionAttribute : System.Attribute
{
    public CrossAttentionAttribute(object dim, object heads)
    {
        Dim = dim;
        Heads = heads;
        ContextSize = dim;
    }

    /// <param name="dim">The queries' width, and the output's.</param>
    /// <param name="heads">The head count; it must divide the dim.</param>
    /// <param name="contextSize">The context's width: <c>context [B, S, contextSize]</c> (an encoder memory of another width).</param>
    public CrossAttentionAttribute(object dim, object heads, object contextSize)
    {
        Dim = dim;
        Heads = heads;
        ContextSize = contextSize;
    }

    public object Dim { get; }
    public object Heads { get; }
    public object ContextSize { get; }

    /// <summary>Dropout on the attention weights in training, in [0, 1).</summary>
    public double Dropout { get; set; }
}

/// <summary>
/// The settings every recurrent layer has. Sequences are batch first: <c>[B, T, input] -&gt;
/// [B, T, hidden]</c> (<c>2*hidden</c> when bidirectional); declare the method as returning
/// <c>(Tensor Output, Tensor Hidden)</c> (LSTM: <c>..., Tensor Cell</c>) to get the final states
/// <c>[directions*Layers, B, hidden]</c> too.
/// </summary>
public abstract class RecurrentAttribute(object inputSize, object hiddenSize) : System.Attribute
{
    public object InputSize { get; } = inputSize;
    public object HiddenSize { get; } = hiddenSize;
    public int Layers { get; set; } = 1;
    public bool Bidirectional { get; set; }
    public bool Bias { get; set; } = true;

    /// <summary>Dropout on the outputs of each stacked layer but the last, in [0, 1), as PyTorch's <c>dropout</c>; it needs <see cref="Layers"/> above 1 to act.</summary>
    public double Dropout { get; set; }
}

/// <summary>An Elman RNN (tanh); see <see cref="RecurrentAttribute"/>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class RnnAttribute(object inputSize, object hiddenSize) : RecurrentAttribute(inputSize, hiddenSize);

/// <summary>An LSTM; its method may return <c>(Tensor Output, Tensor Hidden, Tensor Cell)</c>. See <see cref="RecurrentAttribute"/>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class LstmAttribute(object inputSize, object hiddenSize) : RecurrentAttribute(inputSize, hiddenSize);

/// <summary>A GRU; see <see cref="RecurrentAttribute"/>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class GruAttribute(object inputSize, object hiddenSize) : RecurrentAttribute(inputSize, hiddenSize);

// Activations as layers: elementwise, no parameters. The same functions are Ops (Ops.Silu, ...) for
// use inside a forward body; a layer also names the step in the summary, as nn.Sequential would.

/// <summary>max(x, 0) as a layer.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class ReLUAttribute : System.Attribute;

/// <summary>min(max(x, 0), 6) as a layer (MobileNet's activation).</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class ReLU6Attribute : System.Attribute;

/// <summary>x for x &gt;= 0 and <c>negativeSlope * x</c> below, as a layer; the slope defaults to 0.01 as in PyTorch.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class LeakyReLUAttribute : System.Attribute
{
    public LeakyReLUAttribute() => NegativeSlope = 0.01;

    /// <param name="negativeSlope">A positive number, or the name of a hyperparameter.</param>
    public LeakyReLUAttribute(object negativeSlope) => NegativeSlope = negativeSlope;

    public object NegativeSlope { get; }
}

/// <summary>x for x &gt; 0 and <c>alpha * (exp(x) - 1)</c> below, as a layer; alpha defaults to 1.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class ELUAttribute : System.Attribute
{
    public ELUAttribute() => Alpha = 1.0;

    /// <param name="alpha">A positive number, or the name of a hyperparameter.</param>
    public ELUAttribute(object alpha) => Alpha = alpha;

    public object Alpha { get; }
}

/// <summary>The exact (erf-based) Gaussian error linear unit as a layer.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class GELUAttribute : System.Attribute;

/// <summary><c>x * sigmoid(x)</c> (swish) as a layer (EfficientNet's activation).</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class SiLUAttribute : System.Attribute;

/// <summary><c>x * tanh(softplus(x))</c> as a layer.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class MishAttribute : System.Attribute;

/// <summary><c>x * relu6(x + 3) / 6</c> as a layer (MobileNetV3's activation).</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class HardswishAttribute : System.Attribute;

/// <summary><c>relu6(x + 3) / 6</c> as a layer (MobileNetV3's gate).</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class HardsigmoidAttribute : System.Attribute;

/// <summary><c>log(1 + exp(beta * x)) / beta</c> as a layer; beta defaults to 1.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class SoftplusAttribute : System.Attribute
{
    public SoftplusAttribute() => Beta = 1.0;

    /// <param name="beta">A positive number, or the name of a hyperparameter.</param>
    public SoftplusAttribute(object beta) => Beta = beta;

    public object Beta { get; }
}

/// <summary>The hyperbolic tangent as a layer.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class TanhAttribute : System.Attribute;

/// <summary>The logistic sigmoid as a layer.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class SigmoidAttribute : System.Attribute;

/// <summary>
/// A transposed 2-D convolution (a decoder's or a generator's upsampling step),
/// <c>[*, in, H, W] -&gt; [*, out, H', W']</c> with <c>H' = (H-1)*Stride - 2*Padding + Dilation*(kernel-1) + OutputPadding + 1</c>.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class ConvTranspose2dAttribute(object inChannels, object outChannels, object kernelSize) : ConvTransposeAttribute(inChannels, outChannels, kernelSize);

/// <summary>A transposed 1-D convolution (a sequence decoder's upsampling step), <c>[*, in, L] -&gt; [*, out, L']</c>, L' as H' of <see cref="ConvTranspose2dAttribute"/>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class ConvTranspose1dAttribute(object inChannels, object outChannels, object kernelSize) : ConvTransposeAttribute(inChannels, outChannels, kernelSize);

/// <summary>The settings every transposed convolution has.</summary>
public abstract class ConvTransposeAttribute(object inChannels, object outChannels, object kernelSize) : System.Attribute
{
    public object InChannels { get; } = inChannels;
    public object OutChannels { get; } = outChannels;
    public object KernelSize { get; } = kernelSize;
    public int Stride { get; set; } = 1;
    public int Padding { get; set; }

    /// <summary>Added to one side of the output, to reach an exact size when Stride &gt; 1; must be below Stride or Dilation.</summary>
    public int OutputPadding { get; set; }

    public int Dilation { get; set; } = 1;

    /// <summary>Channel groups; must divide both channel counts.</summary>
    public int Groups { get; set; } = 1;

    public bool Bias { get; set; } = true;
}

/// <summary>Upsampling of the last two dims by an integer factor, nearest neighbour unless <see cref="Bilinear"/>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class UpsampleAttribute(object scaleFactor) : System.Attribute
{
    public object ScaleFactor { get; } = scaleFactor;

    /// <summary>Bilinear interpolation, corners not aligned (PyTorch's default), instead of nearest neighbour.</summary>
    public bool Bilinear { get; set; }
}

/// <summary>Group normalisation of <c>[B, channels, ...]</c>: statistics per sample over groups of channels; the group count must divide the channels.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class GroupNormAttribute(object groups, object channels) : System.Attribute
{
    /// <summary>Added to the variance before the square root; PyTorch's default is 1e-5.</summary>
    public double Eps { get; set; } = 1e-5;

    public object Groups { get; } = groups;
    public object Channels { get; } = channels;
}

/// <summary>Instance normalisation of <c>[B, channels, H, W]</c>; as in PyTorch, no scale or shift unless <see cref="Affine"/>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class InstanceNorm2dAttribute(object channels) : System.Attribute
{
    /// <summary>Added to the variance before the square root; PyTorch's default is 1e-5.</summary>
    public double Eps { get; set; } = 1e-5;

    public object Channels { get; } = channels;

    /// <summary>A learned scale and shift per channel.</summary>
    public bool Affine { get; set; }
}
