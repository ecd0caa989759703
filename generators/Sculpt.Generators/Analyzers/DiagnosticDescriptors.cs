using Microsoft.CodeAnalysis;

namespace Sculpt.Generators.Analyzers;

/// <summary>Every diagnostic Sculpt reports. Each has a page in docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Shapes = "Sculpt.Shapes";
    private const string Declarations = "Sculpt.Declarations";

    /// <summary>
    /// Where each diagnostic's page lives: the docs of the project's public repository, the same
    /// address the package's metadata names (src/Sculpt/Sculpt.csproj, PackageProjectUrl).
    /// </summary>
    public const string DocsPage = "https://github.com/sculpt-dsl/sculpt/blob/main/docs/diagnostics.md";

    public static string HelpLink(string id) => DocsPage + "#" + id.ToLowerInvariant();

    public static readonly DiagnosticDescriptor CallArgumentShape = Error(
        "SCULPT0001", Shapes, "A layer or op receives a shape it cannot take",
        "'{0}' expects {1} but receives {2}: {3}{4}");

    public static readonly DiagnosticDescriptor ForwardResultShape = Error(
        "SCULPT0002", Shapes, "A forward or helper body returns a shape other than the declared one",
        "The signature declares {0} but the body returns {1}: {2}");

    public static readonly DiagnosticDescriptor InvalidSignature = Error(
        "SCULPT0003", Declarations, "A shape signature does not parse",
        "Invalid signature: {0}");

    public static readonly DiagnosticDescriptor SignatureArity = Error(
        "SCULPT0004", Declarations, "The signature's inputs or results do not match the method",
        "The signature declares {0} but '{1}' {2}");

    public static readonly DiagnosticDescriptor UnknownHyperParameter = Error(
        "SCULPT0005", Declarations, "A name is not a hyperparameter of the model",
        "'{0}' is not a hyperparameter of {1}{2}");

    public static readonly DiagnosticDescriptor InvalidLayerArgument = Error(
        "SCULPT0006", Declarations, "A layer argument is out of range",
        "{0} of '{1}' must be {2}; got {3}");

    public static readonly DiagnosticDescriptor DefaultOutOfRange = Error(
        "SCULPT0007", Declarations, "A hyperparameter's default lies outside its range",
        "The default of '{0}' is {1}, outside its range [{2}, {3}]");

    public static readonly DiagnosticDescriptor BroadcastShape = Error(
        "SCULPT0008", Shapes, "Operands of an elementwise operator cannot broadcast",
        "'{0}' cannot broadcast {1} with {2}: {3}");

    public static readonly DiagnosticDescriptor CannotGenerate = Error(
        "SCULPT0009", Declarations, "Sculpt cannot generate code for this declaration",
        "Sculpt cannot generate this declaration: {0}");

    public static readonly DiagnosticDescriptor UnsupportedHyperParameterType = Error(
        "SCULPT0010", Declarations, "A hyperparameter has a type Sculpt cannot read from flags or JSON",
        "'{0}' has type {1}; a hyperparameter is an int, long, float, double, bool, string or enum");

    public static readonly DiagnosticDescriptor InvalidTie = Error(
        "SCULPT0011", Shapes, "A tied layer cannot share the weight it names",
        "'{0}' cannot share the weight of '{1}': {2}");

    public static readonly DiagnosticDescriptor SampleShape = Error(
        "SCULPT0012", Shapes, "The dataset's samples do not fit the model's input",
        "'{0}' yields samples {1}, batched {2}, but '{3}' takes {4}");

    public static readonly DiagnosticDescriptor LabelKind = Error(
        "SCULPT0013", Declarations, "The dataset's labels do not suit the trainer's loss",
        "'{0}' has {1}, but the loss {2} needs {3}");

    public static readonly DiagnosticDescriptor OutputSize = Error(
        "SCULPT0014", Shapes, "The model's output does not match the dataset's classes or targets",
        "'{0}' outputs {1}, but '{2}' has {3}: expected {4}");

    public static readonly DiagnosticDescriptor InvalidDatasetSetting = Error(
        "SCULPT0015", Declarations, "A dataset setting is invalid",
        "Dataset '{0}': {1}");

    public static readonly DiagnosticDescriptor InvalidColumns = Error(
        "SCULPT0016", Declarations, "A dataset property's columns cannot be read as declared",
        "'{0}.{1}': {2}");

    public static readonly DiagnosticDescriptor SubmodelCycle = Error(
        "SCULPT0017", Declarations, "A model contains itself through its sub-models",
        "'{0}' contains itself: {1}");

    public static readonly DiagnosticDescriptor GeneratedCodeDoesNotCompile = Error(
        "SCULPT0018", Declarations, "Sculpt's generated code for this declaration does not compile",
        "Sculpt's generated code for '{0}' does not compile: {1} ({2}); fix the errors in the declaration, and if it has none, this is a Sculpt bug");

    public static readonly DiagnosticDescriptor FitsOnlyWhen = new(
        "SCULPT0019", "A shape fits only when a symbol of the inputs takes one value",
        "'{0}' expects {1} and receives {2}: {3}",
        Shapes, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink("SCULPT0019"));

    public static readonly DiagnosticDescriptor BranchShapes = Error(
        "SCULPT0020", Shapes, "The branches of an if or a conditional give a value different shapes",
        "{0} is {1} when {2} and {3} otherwise: {4}; both branches must give one shape");

    public static readonly DiagnosticDescriptor StateName = Error(
        "SCULPT0021", Declarations, "A state-dict name or weight-renaming rule cannot be used",
        "{0}");

    public static readonly DiagnosticDescriptor SearchSpace = Error(
        "SCULPT0022", Declarations, "A hyperparameter's search space cannot be searched",
        "{0}");

    public static readonly DiagnosticDescriptor SearchCombination = new(
        "SCULPT0023", "Some combinations of the searched hyperparameters cannot build the model",
        "With {0}, {1} cannot build: {2}; search records such configurations as invalid without training them: narrow the space, or suppress SCULPT0023 to accept the skips",
        Shapes, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink("SCULPT0023"));

    /// <summary>Reported when the whole compilation has been seen (a read may be anywhere in it), so the editor shows it with full analysis.</summary>
    public static readonly DiagnosticDescriptor UnreadSearch = new(
        "SCULPT0024", "A searched hyperparameter is read by nothing",
        "'{0}' is searched, but neither {2} nor any other code of this project reads {1}.{0}: every trial would train the same model for it; use it in a layer, the forward body or the data, or remove its search",
        Declarations, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink("SCULPT0024"), customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>On a model declared <c>[Model(Exportable = true)]</c> whose forward body has no ONNX form, at the part that has none.</summary>
    public static readonly DiagnosticDescriptor NotExportable = Error(
        "SCULPT0025", Declarations, "A model declared exportable has no ONNX form",
        "'{0}' is declared Exportable, but {1}: export it as ONNX needs every layer, op and call of its forward to have an ONNX form (docs/prediction.md, \"ONNX export\")");

    private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
}
