using System.Linq;
using Sculpt.Generators.Layers;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Model;

/// <summary>A <c>[Model]</c> class: its layers, its forward method and what the forward body shows of shapes.</summary>
internal sealed record ModelSpec(
    TypeTarget Target,
    string? ConfigType,
    EquatableArray<LayerSpec> Layers,
    ForwardSpec? Forward,
    EquatableArray<SummaryRowSpec> Rows)
{
    /// <summary>Comparisons of sizes that depend on hyperparameter values, checked at run time for a config (<c>ShapeErrors</c>).</summary>
    public EquatableArray<ShapeCheckSpec> Checks { get; init; } = EquatableArray<ShapeCheckSpec>.Empty;

    /// <summary>Models held as members, built from the same hyperparameters.</summary>
    public EquatableArray<SubmodelSpec> Submodels { get; init; } = EquatableArray<SubmodelSpec>.Empty;

    /// <summary>Learned tensors of the model itself (<c>[Parameter("1 1 Dim")]</c>: a class token, a position table, a layer scale).</summary>
    public EquatableArray<LearnedSpec> Learned { get; init; } = EquatableArray<LearnedSpec>.Empty;

    /// <summary>The model's <c>[RenameWeights]</c> rules, in declaration order, for <c>LoadWeights</c>.</summary>
    public EquatableArray<WeightRename> Renames { get; init; } = EquatableArray<WeightRename>.Empty;
}

/// <summary>A <c>[RenameWeights(pattern, replacement)]</c> rule: a regular expression over published weight names.</summary>
internal sealed record WeightRename(string Pattern, string Replacement);

/// <summary>
/// A <c>[Parameter]</c> property: a tensor of the declared shape (every size known when the model is built),
/// registered under the property's name, starting at zeros, <paramref name="Fill"/>, or N(0, <paramref name="Std"/>).
/// </summary>
internal sealed record LearnedSpec(string Name, string Accessibility, Shape Shape, double Std, double Fill)
{
    public string Field { get; init; } = "";

    /// <summary>Its name in the state dict: its <c>[StateName]</c>, else <see cref="Name"/>.</summary>
    public string StateName { get; init; } = Name;
}

/// <summary>
/// Two sizes that meet in the forward body and depend on hyperparameters (<c>Hidden</c> meeting
/// <c>Hidden2</c> or 784): the generated <c>ShapeErrors(config)</c> compares their values for a config.
/// </summary>
/// <param name="Subject">What receives the shape, as messages name it: <c>'Classify'</c>, <c>the forward result</c>.</param>
/// <param name="Where">Which dim, e.g. <c>the last dim</c>.</param>
/// <param name="Origin">Where the received shape comes from, as <c>; it comes from ...</c>, or empty.</param>
internal sealed record ShapeCheckSpec(string Subject, string Expected, string Actual, string Where, Dim ExpectedDim, Dim ActualDim, string Origin);

/// <summary>A <c>[Submodel]</c> partial property: its name, accessibility, type and whether that type takes the config.</summary>
/// <param name="Repeat">For a repeated block list (<c>ModuleList&lt;Type&gt;</c>), how many: a count or a hyperparameter.</param>
internal sealed record SubmodelSpec(string Name, string Accessibility, string Type, string ShortType, bool TakesConfig, LayerArgument? Repeat = null)
{
    /// <summary>The parent's static method that makes the block's own hyperparameters, or null when it shares the parent's.</summary>
    public string? Sizes { get; init; }

    /// <summary>Whether <see cref="Sizes"/> takes the parent's config first.</summary>
    public bool SizesTakeConfig { get; init; }

    /// <summary>Whether <see cref="Sizes"/> takes the block's index last (a stage whose blocks differ).</summary>
    public bool Indexed { get; init; }

    /// <summary>The private field that holds the sub-model (see <see cref="LayerSpec.Field"/>).</summary>
    public string Field { get; init; } = "";

    /// <summary>Its prefix in the state dict: its <c>[StateName]</c>, else <see cref="Name"/>.</summary>
    public string StateName { get; init; } = Name;

    /// <summary>The symbols of the sub-model's declared output and where they sit (counted from the end), to size its own summary from its row's output.</summary>
    public EquatableArray<OutputSymbol> OutputSymbols { get; init; } = EquatableArray<OutputSymbol>.Empty;

    /// <summary>
    /// The symbols of its first declared input, by position from the end: what its output does not show
    /// (<c>H</c> of a block declared <c>B C H W -&gt; B 2*C H/2 W/2</c>) is read from the input at the call.
    /// </summary>
    public EquatableArray<OutputSymbol> InputSymbols { get; init; } = EquatableArray<OutputSymbol>.Empty;
}

/// <summary>A symbol of a declared output shape and its position counted from the last dim (1 = last).</summary>
internal sealed record OutputSymbol(string Symbol, int FromEnd);

/// <summary>
/// One layer partial method. <see cref="Accessibility"/> and the types are written back exactly as
/// the implementation must repeat them.
/// </summary>
/// <param name="ReturnsStates">A recurrent layer declared to return its final states with its output, as a tuple.</param>
internal sealed record LayerSpec(
    string Name,
    string Kind,
    string Accessibility,
    string ReturnType,
    EquatableArray<LayerParameter> Parameters,
    EquatableArray<LayerArgument> Arguments,
    bool Bias,
    bool ReturnsStates = false)
{
    /// <summary>Named integer settings such as <c>Stride</c> and <c>Padding</c>, as written on the attribute.</summary>
    public EquatableArray<LayerOption> Options { get; init; } = EquatableArray<LayerOption>.Empty;

    /// <summary>How the layer's parameters start: its <c>[Init]</c>, else its model's <c>Init</c>; null keeps PyTorch's defaults.</summary>
    public LayerInit? Init { get; init; }

    /// <summary>The private field that holds the module: <c>_name</c>, numbered if the type already has a member so named.</summary>
    public string Field { get; init; } = "";

    /// <summary>Its prefix in the state dict: its <c>[StateName]</c>, else <see cref="Name"/>.</summary>
    public string StateName { get; init; } = Name;

    /// <summary>The layer whose weight a <c>[Linear(TiedTo = ...)]</c> shares; set only when it names an Embedding or Linear of the model.</summary>
    public string? TiedTo { get; init; }

    public long Option(string name) => (long)Setting(name);

    /// <summary>A named setting for each of <paramref name="spatial"/> dims: as given per dim, or its one value repeated.</summary>
    public long[] OptionPerDim(string name, int spatial) =>
        Options.FirstOrDefault(o => o.Name == name) is { PerDim.Count: > 0 } option && option.PerDim.Count == spatial
            ? option.PerDim.ToArray()
            : Enumerable.Repeat(Option(name), spatial).ToArray();

    /// <summary>Whether a named setting names a hyperparameter (<c>Groups = "Channels"</c>): its value is known when the model is built, not before.</summary>
    public bool IsSymbolic(string name) => Options.Any(o => o.Name == name && o.HyperParameter is not null);

    /// <summary>A named setting as written, or its default: a number such as a norm's <c>Eps</c>.</summary>
    public double Setting(string name) =>
        Options.FirstOrDefault(o => o.Name == name)?.Value ?? LayerCatalog.Of(Kind).Options.First(o => o.Name == name).Default;
}

/// <summary>An initialisation scheme (<c>Sculpt.InitScheme</c> by name), its std, and the hyperparameter that scales the output projection by depth.</summary>
internal sealed record LayerInit(string Scheme, double Std, string? ScaleByDepth);

/// <summary>A tensor parameter of a layer method, as declared.</summary>
internal sealed record LayerParameter(string Type, string Name);

/// <summary>A named integer setting of a layer attribute; <see cref="HyperParameter"/> when it names one (then <see cref="Value"/> is its default).</summary>
internal sealed record LayerOption(string Name, double Value)
{
    public string? HyperParameter { get; init; }

    /// <summary>The named hyperparameter's declared default, where the analyzer knows it (see <c>HyperParameterSizes</c>).</summary>
    public long? Default { get; init; }

    /// <summary>A setting given per spatial dim (<c>Padding = new[] { 0, 3 }</c>); empty for one value for all.</summary>
    public EquatableArray<long> PerDim { get; init; } = EquatableArray<long>.Empty;
}

/// <summary>
/// A layer size or rate: a literal number, the name of a hyperparameter, or a size expression over
/// hyperparameters (<c>Dim * 4</c>), held in <see cref="HyperParameter"/> as written with its dim in <see cref="Size"/>.
/// </summary>
internal sealed record LayerArgument(string? HyperParameter, double Literal)
{
    /// <summary>For a size expression, the dim it stands for (carrying defaults where the analyzer knows them); else null.</summary>
    public Dim? Size { get; init; }

    /// <summary>A hyperparameter's declared default, where the analyzer knows it (see <c>HyperParameterSizes</c>).</summary>
    public long? Default { get; init; }

    /// <summary>A size computed from the other hyperparameters (<c>FeedForward =&gt; Dim * 4</c>): no flag sets it.</summary>
    public bool Computed { get; init; }

    public bool IsHyperParameter => HyperParameter is not null;

    /// <summary>A size given per spatial dim (<c>new[] { 1, 7 }</c>, a 1x7 kernel); empty for one size for all.</summary>
    public EquatableArray<long> PerDim { get; init; } = EquatableArray<long>.Empty;
}

/// <summary>The <c>[Forward]</c> method: its name, signature text, tensor parameters and their declared shapes.</summary>
internal sealed record ForwardSpec(
    string MethodName,
    string Signature,
    EquatableArray<ForwardParameter> Parameters,
    Shape? Output,
    bool SignatureValid)
{
    /// <summary>How many tensors the forward returns: more than one as a tuple (<c>-&gt; B 10, B 4</c>).</summary>
    public int Results { get; init; } = 1;

    /// <summary>
    /// The shape the body returns, as the walk inferred it (a block's <c>(H+2*Padding-Kernel)/Stride+1</c> where its signature
    /// says only <c>P</c>): its summary's result, which sizes what a parent does after calling it. Null when unknown or a tuple.
    /// </summary>
    public Shape? Result { get; init; }

    /// <summary>The body over ONNX values (a block; <see cref="Parsing.OnnxTwin"/>), or null with <see cref="OnnxProblem"/> saying why not.</summary>
    public string? OnnxBody { get; init; }

    /// <summary>Why the model has no ONNX form, as the end of "X has no ONNX form: ...".</summary>
    public string? OnnxProblem { get; init; }
}

internal sealed record ForwardParameter(string Name, Shape? Shape);

/// <summary>One layer or op call in forward order, with the inferred output shape (null when unknown).</summary>
internal sealed record SummaryRowSpec(string Name, string Kind, Shape? Output, string? LayerName)
{
    /// <summary>For a sub-model's row, the shape it was called with (to size its own summary), else null.</summary>
    public Shape? Input { get; init; }
}
