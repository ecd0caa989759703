namespace Sculpt.Generators.Analyzers;

/// <summary>
/// Keys of <c>Diagnostic.Properties</c> that carry a certain fix to the code fix provider
/// (Sculpt.CodeFixes), which cannot re-run the shape inference itself.
/// </summary>
public static class FixProperties
{
    /// <summary>SCULPT0001: the Linear layer method whose input size is wrong.</summary>
    public const string LinearLayer = "Sculpt.LinearLayer";

    /// <summary>SCULPT0001: the input size the layer receives.</summary>
    public const string InputSize = "Sculpt.InputSize";

    /// <summary>SCULPT0002: the inferred result shape, as signature text.</summary>
    public const string Output = "Sculpt.Output";
}
