using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sculpt.Generators.Emit;
using Sculpt.Generators.Model;
using Sculpt.Generators.Parsing;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>What a layer argument must be.</summary>
internal enum ArgumentRole
{
    /// <summary>A positive integer, or an integer hyperparameter.</summary>
    Size,

    /// <summary>A probability in [0, 1), or a hyperparameter.</summary>
    Probability,

    /// <summary>A positive number (a slope, an alpha, a beta), or a hyperparameter.</summary>
    Positive,
}

/// <summary>One positional argument of a layer attribute, with the words messages use for it.</summary>
/// <param name="Default">The value when the attribute leaves it out (<c>[LeakyReLU]</c> is <c>[LeakyReLU(0.01)]</c>); null when it must be given.</param>
/// <param name="DefaultFrom">When left out, the argument at this index stands for it (a context as wide as the queries).</param>
internal sealed record LayerArgumentDefinition(string Description, ArgumentRole Role, double? Default = null, int? DefaultFrom = null)
{
    public bool Optional => Default is not null || DefaultFrom is not null;
}

/// <summary>A named setting of a layer attribute, its default and least value; a whole number unless <paramref name="Integer"/> is false.</summary>
/// <param name="Positive">The value must be above <paramref name="Minimum"/>, not at it (a norm's epsilon).</param>
/// <param name="Below">A bound the value must stay under (1 for a probability), if any.</param>
internal sealed record LayerOptionDefinition(string Name, double Default, double Minimum, bool Integer = true, bool Positive = false, double? Below = null)
{
    /// <summary>How messages say what the setting takes, when it is not a whole number.</summary>
    public string Requirement => Below is { } below ? $"in [{Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {below.ToString(System.Globalization.CultureInfo.InvariantCulture)})" : "a positive number";

    /// <summary>Whether a number fits a setting that is not a whole number.</summary>
    public bool Fits(double value) => (Positive ? value > Minimum : value >= Minimum) && (Below is not { } below || value < below) && !double.IsInfinity(value);
}

/// <summary>
/// One layer Sculpt knows, whole: its attribute's arguments and settings, its shape rule, its
/// parameter count and multiply-adds, how it is built and described in generated code, and the
/// checks beyond each argument's range. Everything else (parsing, the analyzer, emission, the
/// summary) asks this object, so a new layer is one subclass registered in <see cref="LayerCatalog"/>,
/// plus its attribute in the runtime (<c>src/Sculpt/Attributes/LayerAttributes.cs</c>).
/// </summary>
/// <param name="kind">The attribute's name without <c>Attribute</c> (<c>Linear</c> for <c>Sculpt.LinearAttribute</c>); a layer's <see cref="LayerSpec.Kind"/>.</param>
internal abstract class LayerDefinition(string kind, IReadOnlyList<LayerArgumentDefinition> arguments, IReadOnlyList<LayerOptionDefinition>? options = null)
{
    protected const string Nn = "global::TorchSharp.torch.nn";

    public string Kind { get; } = kind;

    /// <summary>The attribute's full name: <c>Sculpt.LinearAttribute</c>.</summary>
    public string Attribute => "Sculpt." + Kind + "Attribute";

    /// <summary>The module's class name, as summaries and messages show it (<c>RNN</c> for <c>[Rnn]</c>).</summary>
    public virtual string Module => Kind;

    /// <summary>The module's type in generated code.</summary>
    public virtual string ModuleType => "global::TorchSharp.Modules." + Module;

    public IReadOnlyList<LayerArgumentDefinition> Arguments { get; } = arguments;

    public IReadOnlyList<LayerOptionDefinition> Options { get; } = options ?? [];

    /// <summary>The tensors the layer method takes (cross-attention takes two).</summary>
    public virtual int Inputs => 1;

    /// <summary>What a caller may also pass after <see cref="Inputs"/>, in order (a key padding mask, initial states); none by default.</summary>
    public virtual IReadOnlyList<string> OptionalInputs => [];

    /// <summary>
    /// The C# a layer method's body calls its module with. <c>call</c>, not <c>forward</c>: hooks registered on the layer
    /// run, as in PyTorch. A layer that computes in float32 under mixed precision has its input widened first.
    /// </summary>
    public virtual string Call(LayerSpec layer, string module, IReadOnlyList<string> arguments) =>
        $"{module}.call({string.Join(", ", ComputesInFloat32 ? arguments.Select((a, i) => i == 0 ? $"{MixedPrecision}.Float32({a})" : a) : arguments)})";

    /// <summary>Where generated layer calls find the mixed-precision plan's operations (docs/mixed-precision.md).</summary>
    protected const string MixedPrecision = "global::Sculpt.MixedPrecision.LowPrecision";

    /// <summary>
    /// The mixed-precision plan, decided here for each kind of layer: a layer with float32 weights that is not a matrix
    /// product (a norm, whose statistics need float32; a transposed convolution or recurrent layer, for now) takes a
    /// float32 input. Linear layers and convolutions compute in low precision (their <see cref="Call"/>); layers
    /// without weights follow their input.
    /// </summary>
    public virtual bool ComputesInFloat32 => false;

    /// <summary>For recurrent layers, the state tensors a tuple-returning method also gets back; 0 for every other layer.</summary>
    public virtual int States => 0;

    public bool IsRecurrent => States > 0;

    /// <summary>Whether an init scheme sets its weights (norms keep ones and zeros; the rest have no parameters).</summary>
    public virtual bool TakesInitScheme => false;

    /// <summary>How a method for this layer is written, for messages.</summary>
    public string Example(string name)
    {
        string parameters = Inputs == 2 ? "Tensor x, Tensor context" : "Tensor x";
        if (OptionalInputs.Count > 0) return $"private partial Tensor {name}({parameters}); (or with {string.Join(" and ", OptionalInputs)} after x)";
        return $"private partial Tensor {name}({parameters});";
    }

    /// <summary>
    /// The shape input <paramref name="index"/> accepts, when the layer constrains it; null when any shape
    /// will do. <paramref name="actual"/> picks between forms (BatchNorm1d takes [B, C] or [B, C, L]).
    /// </summary>
    public virtual Shape? Accepts(LayerSpec layer, int index, Shape? actual) => null;

    /// <summary>The output for <paramref name="input"/> (the first input), or why the layer cannot produce one; shape-keeping by default.</summary>
    public virtual RuleResult Apply(LayerSpec layer, Shape input) => new(input, null);

    /// <summary>The trainable parameters, as a sum of products of the layer's arguments.</summary>
    public virtual IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => [];

    /// <summary>
    /// The multiply-adds of one call as a C# expression over its concrete output shape <c>o</c> and
    /// <paramref name="config"/>; "null" where the output does not determine them.
    /// </summary>
    public virtual string MultiplyAdds(LayerSpec layer, string config) => "0L";

    /// <summary>The C# that builds the module, its sizes read from <paramref name="config"/>.</summary>
    public abstract string Construction(LayerSpec layer, string config);

    /// <summary>What the layer does, for its doc comment; shapes in brackets (made code by the caller), <paramref name="count"/> its parameter count.</summary>
    public abstract string Describe(LayerSpec layer, string count);

    /// <summary>
    /// Why a named setting's value cannot work with the layer's literal arguments (a convolution's
    /// groups that divide no channel count), beyond its own range; null when it can.
    /// </summary>
    /// <param name="sizes">The positional arguments that are known: a literal, or a hyperparameter under its default, each with how messages name it.</param>
    public virtual string? OptionProblem(string option, double value, IReadOnlyList<(double Value, string Text)?> sizes, IReadOnlyList<string> optionsSet) => null;

    /// <summary>"a divisor of the channel counts (6, Width = 32 with the defaults)" when <paramref name="groups"/> leaves a remainder in either of the first two sizes.</summary>
    protected static string? GroupsProblem(double groups, IReadOnlyList<(double Value, string Text)?> sizes)
    {
        var channels = sizes.Take(2).Where(c => c is { } known && known.Value % groups != 0).Select(c => c!.Value.Text).ToList();
        return channels.Count > 0 ? $"a divisor of the channel counts ({string.Join(", ", channels)})" : null;
    }

    /// <summary>
    /// A setting written as something the module cannot take, replaced so the generated code still
    /// compiles while the analyzer reports it (SCULPT0006).
    /// </summary>
    public virtual LayerOption Usable(LayerOption option) => option;

    /// <summary>
    /// Pairs of arguments (divisor, dividend) where the first must divide the second, with the words
    /// for each: checked by the analyzer under the defaults and at run time with a config's values.
    /// </summary>
    public virtual (int Divisor, int Dividend)? Divides => null;

    // Helpers the definitions share.

    protected static Shape Pattern(params Dim[] dims) => new(dims.ToEquatableArray());

    protected static IEnumerable<Dim> ReplaceFromEnd(Shape input, params (int FromEnd, Dim Dim)[] replacements)
    {
        var dims = input.Dims.ToList();
        foreach (var (fromEnd, dim) in replacements)
        {
            if (dims.Count >= fromEnd) dims[dims.Count - fromEnd] = dim;
        }
        return dims;
    }

    /// <summary>The dim a layer size argument stands for.</summary>
    public static Dim SizeDim(LayerArgument argument) =>
        argument.Size ?? (argument.IsHyperParameter && SizeExpression.IsExpression(argument.HyperParameter!) ? Dim.Unknown : null) ??
        (argument.IsHyperParameter ? Dim.HyperParameter(argument.HyperParameter!, argument.Default) : Dim.Constant((long)argument.Literal));

    /// <summary>A size argument as C# over <paramref name="config"/>: a literal, <c>config.Hidden</c>, or an expression.</summary>
    public static string SizeText(LayerArgument argument, string config) =>
        argument.Size is not null ? SizeExpression.ToCSharp(argument.HyperParameter!, name => $"{config}.{Names.Identifier(name)}")
        : argument.IsHyperParameter ? $"{config}.{Names.Identifier(argument.HyperParameter!)}"
        : SourceWriter.Literal((long)argument.Literal);

    /// <summary>A size argument as a <c>long</c> C# expression, for products.</summary>
    protected static string LongSize(LayerArgument argument, string config) =>
        argument.IsHyperParameter ? "(long)" + SizeText(argument, config) : SizeText(argument, config) + "L";

    protected static string RateText(LayerArgument argument, string config) =>
        argument.IsHyperParameter ? $"{config}.{Names.Identifier(argument.HyperParameter!)}" : SourceWriter.Literal(argument.Literal);

    /// <summary>An argument as docs write it: <c>Hidden</c>, <c>784</c>.</summary>
    protected static string ArgumentText(LayerArgument argument) =>
        argument.IsHyperParameter ? argument.HyperParameter! : SourceWriter.Literal((long)argument.Literal);

    protected static string RateDoc(LayerArgument argument) =>
        argument.IsHyperParameter ? argument.HyperParameter! : SourceWriter.Literal(argument.Literal);

    /// <summary>A named setting as C# over <paramref name="config"/> or, without one, as docs write it (<c>2</c>, <c>Stride</c>).</summary>
    protected static string OptionText(LayerSpec layer, string name, string? config = null) =>
        layer.Options.FirstOrDefault(o => o.Name == name)?.HyperParameter is { } hyperParameter
            ? config is null ? hyperParameter : $"{config}.{Names.Identifier(hyperParameter)}"
            : layer.Option(name).ToString(CultureInfo.InvariantCulture);

    protected static string Flag(LayerSpec layer, string name) => layer.Option(name) != 0 ? "true" : "false";

    /// <summary>A norm's epsilon, when the attribute sets one: <c>, eps: 1E-06</c> after the arguments; empty for the default.</summary>
    protected static string Eps(LayerSpec layer, string name = "eps") =>
        layer.Options.Any(o => o.Name == "Eps") ? $", {name}: {SourceWriter.Literal(layer.Setting("Eps"))}" : "";

    /// <summary>
    /// A sliding window's stride, dilation or groups below 1 is reported (SCULPT0006); 1 in its place keeps the
    /// generated code compiling (a literal 0 stride also fits TorchSharp's Padding-enum overload) and its count defined.
    /// </summary>
    protected static LayerOption WindowSettingAtLeastOne(LayerOption option) =>
        option.Name is "Stride" or "Dilation" or "Groups" && !(option.Value >= 1) && option.HyperParameter is null ? option with { Value = 1 } : option;

    /// <summary>The named settings that may name an integer hyperparameter instead of a literal (the attribute's property is an <c>object</c>).</summary>
    public virtual IReadOnlyList<string> SymbolicOptions => [];

    /// <summary>How many spatial dims an argument or setting given per dim must cover (<c>new[] { 1, 7 }</c>); 0 when none may be.</summary>
    public virtual int PerDimCount => 0;

    /// <summary>The arguments and settings that may be given per spatial dim.</summary>
    public virtual IReadOnlyList<string> PerDimNames => [];

    /// <summary>Whether any size or setting of <paramref name="layer"/> is given per dim, so its module is built from per-dim values.</summary>
    protected static bool GivenPerDim(LayerSpec layer) => layer.Arguments.Any(a => a.PerDim.Count > 0) || layer.Options.Any(o => o.PerDim.Count > 0);

    /// <summary>The <c>Eps</c> setting every norm has, with PyTorch's default.</summary>
    protected static LayerOptionDefinition EpsOption(double value = 1e-5) => new("Eps", value, 0, Integer: false, Positive: true);

    protected static ParameterTerm Term(params LayerArgument[] factors) => new(1, factors);

    /// <summary>The symbols of a layer's spatial dims: <c>L</c>; <c>H, W</c>; <c>D, H, W</c>.</summary>
    protected static string[] SpatialNames(int spatial) => spatial switch { 1 => ["L"], 2 => ["H", "W"], _ => ["D", "H", "W"] };

    /// <summary>
    /// The last <paramref name="spatial"/> dims slid over by a window with a kernel, stride, padding and dilation per dim
    /// (<c>(n + 2p - d(k-1) - 1) / s + 1</c>, exact for constants, the expression over a symbol or hyperparameter), plus
    /// any other replaced dims.
    /// </summary>
    protected static RuleResult Windows(Shape input, int spatial, Dim[] kernels, Dim[] strides, Dim[] paddings, Dim[] dilations, params (int FromEnd, Dim Dim)[] others)
    {
        var replacements = others.ToList();
        string[] names = spatial switch { 3 => ["depth", "height", "width"], 2 => ["height", "width"], _ => ["length"] };
        string window = string.Join("x", kernels.Select(k => k.Kind == DimKind.Constant ? k.Value.ToString(CultureInfo.InvariantCulture) : "?"));
        if (spatial == 1) window += "-wide";
        for (int i = 0; i < spatial; i++)
        {
            int fromEnd = spatial - i;
            var length = input.Dims[input.Rank - fromEnd];
            if (length.Kind == DimKind.Constant && kernels[i].Kind == DimKind.Constant && paddings[i].Kind == DimKind.Constant && dilations[i].Kind == DimKind.Constant
                && length.Value + 2 * paddings[i].Value - dilations[i].Value * (kernels[i].Value - 1) - 1 < 0)
            {
                return RuleResult.Fail($"a {window} window over a {names[i]} of {length.Value} (padding {paddings[i].Value}) leaves nothing");
            }
            replacements.Add((fromEnd, Dim.Windowed(length, kernels[i], strides[i], paddings[i], dilations[i])));
        }
        return RuleResult.Of(ReplaceFromEnd(input, replacements.ToArray()));
    }

    /// <summary>A window setting per spatial dim as dims: literals as given (per dim or one for all), a hyperparameter as itself.</summary>
    protected static Dim[] SettingDims(LayerSpec layer, string name, int spatial) =>
        layer.Options.FirstOrDefault(o => o.Name == name) is { HyperParameter: { } hyperParameter } option
            ? Enumerable.Repeat(Dim.HyperParameter(hyperParameter, option.Default), spatial).ToArray()
            : layer.OptionPerDim(name, spatial).Select(Dim.Constant).ToArray();
}

/// <summary>A product of a constant and layer arguments, divided by <see cref="Divisor"/>: one term of a parameter count.</summary>
internal sealed record ParameterTerm(long Constant, LayerArgument[] Factors, long Divisor = 1)
{
    /// <summary>A divisor that is a hyperparameter (a convolution's <c>Groups = "Channels"</c>); divides after <see cref="Divisor"/>.</summary>
    public LayerArgument? SymbolicDivisor { get; init; }
}
