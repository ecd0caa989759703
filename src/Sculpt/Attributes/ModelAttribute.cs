namespace Sculpt;

/// <summary>
/// Marks a <c>partial class</c> as a model. The generator makes it a TorchSharp module: one
/// submodule per layer method (registered under the method's name), the layer bodies, a
/// shape-checked <c>forward</c>, <c>Summary()</c> and <c>ParameterCount</c>.
/// </summary>
/// <param name="hyperParameters">The <see cref="HyperParametersAttribute"/> record the model is built from, if any.</param>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class ModelAttribute(System.Type? hyperParameters = null) : System.Attribute
{
    public System.Type? HyperParameters { get; } = hyperParameters;

    /// <summary>How every layer of this model starts, unless the layer has its own <see cref="InitAttribute"/>.</summary>
    public InitScheme Init { get; set; }

    /// <summary>The standard deviation of <see cref="InitScheme.Normal"/> for the model's layers.</summary>
    public double InitStd { get; set; } = 0.02;

    /// <summary>
    /// Whether the model must export as ONNX: when true, a forward body with a layer, op or call that has no ONNX form
    /// is a build error (SCULPT0025) at that part, instead of a refusal when <c>OnnxExport</c> is called.
    /// </summary>
    public bool Exportable { get; set; }
}

/// <summary>
/// Declares the model's forward method and its shape signature, e.g. <c>"B 1 28 28 -> B 10"</c>:
/// one shape per tensor argument (separated by commas), then <c>-&gt;</c> and the result's shape.
/// A dim is an integer, a hyperparameter name or a symbol such as <c>B</c>, bound per call.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class ForwardAttribute(string signature) : System.Attribute
{
    public string Signature { get; } = signature;
}

/// <summary>
/// Declares the shape signature of a helper method of your own, e.g. <c>"B T C -&gt; B T C"</c>.
/// The analyzer then checks every call of it like a built-in layer (symbols bind per call), and
/// checks its body against the signature.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class ShapeAttribute(string signature) : System.Attribute
{
    public string Signature { get; } = signature;
}

/// <summary>
/// Marks a <c>partial</c> get-only <c>Tensor</c> property as a learned tensor of the model with the given shape
/// (integers, hyperparameters and arithmetic of those: <c>"1 1 Dim"</c>, <c>"1 Patches+1 Dim"</c>): a class
/// token, a position table, a layer scale. It is registered under the property's name, counted, trained, saved,
/// and its uses in the forward body are shape-checked. It starts at zeros unless <see cref="Std"/> or <see cref="Fill"/> says otherwise.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Property, Inherited = false)]
public sealed class ParameterAttribute(string shape) : System.Attribute
{
    public string Shape { get; } = shape;

    /// <summary>Start from N(0, Std) when above 0 (ViT's position table: 0.02).</summary>
    public double Std { get; set; }

    /// <summary>Start with every value equal to this (ConvNeXt's layer scale: 1e-6); used when <see cref="Std"/> is 0.</summary>
    public double Fill { get; set; }
}

/// <summary>
/// Marks a <c>partial</c> get-only property whose type is another <see cref="ModelAttribute"/>
/// model: the generator builds it from the same hyperparameters and registers it under the
/// property's name (state-dict keys <c>Encoder.Hidden1.weight</c>). Call it with
/// <c>Encoder.call(x)</c>; its <c>[Forward]</c> signature is checked at the call.
/// </summary>
/// <remarks>
/// With <see cref="Repeat"/> (a count or a hyperparameter name) the property is a
/// <c>ModuleList&lt;Block&gt;</c> of that many blocks, named <c>Blocks.0</c>, <c>Blocks.1</c>, ... as in
/// PyTorch; run them with <c>foreach (var block in Blocks) x = block.call(x);</c>.
/// </remarks>
[System.AttributeUsage(System.AttributeTargets.Property, Inherited = false)]
public sealed class SubmodelAttribute : System.Attribute
{
    /// <summary>A sub-model built from its parent's hyperparameters (or, without any, from none).</summary>
    public SubmodelAttribute()
    {
    }

    /// <summary>
    /// A sub-model with hyperparameters of its own, made by the parent's static method <paramref name="sizes"/>
    /// from the parent's (and, for a repeated block, the block's index): <c>[Submodel(nameof(Stage2), Repeat = 3)]</c> with
    /// <c>private static BlockSizes Stage2(NetConfig c, int i) =&gt; new() { In = i == 0 ? c.Width : c.Width * 2, Out = c.Width * 2 };</c>.
    /// Each block is then shape-checked, counted and summarised with its own sizes.
    /// </summary>
    public SubmodelAttribute(string sizes) => Sizes = sizes;

    /// <summary>How many blocks: an integer or the name of an integer hyperparameter.</summary>
    public object? Repeat { get; set; }

    /// <summary>The name of the static method that makes each block's hyperparameters, if the block has its own.</summary>
    public string? Sizes { get; }
}

/// <summary>
/// The name a layer, sub-model or learned tensor has in the model's state dict when it must differ from the member's:
/// the name published weights use, such as torchvision's <c>"features.0.0"</c> for EfficientNet's stem convolution.
/// Dotted names nest as PyTorch's <c>Sequential</c>s do; each must be unique among the model's components.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method | System.AttributeTargets.Property, Inherited = false)]
public sealed class StateNameAttribute(string name) : System.Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// A rule that rewrites a published weight's name before <c>LoadWeights</c> matches it to this model's state dict:
/// a .NET regular expression and its replacement, applied in declaration order. For names no
/// <see cref="StateNameAttribute"/> can give, such as torchvision's <c>encoder_layer_3</c> in a repeated stage
/// (<c>[RenameWeights(@"\.encoder_layer_(\d+)\.", ".$1.")]</c>).
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RenameWeightsAttribute(string pattern, string replacement) : System.Attribute
{
    public string Pattern { get; } = pattern;
    public string Replacement { get; } = replacement;
}
