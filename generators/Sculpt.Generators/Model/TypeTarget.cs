namespace Sculpt.Generators.Model;

/// <summary>
/// Where a generated partial goes: its namespace, the types around it (outermost first) and its
/// own declaration head, e.g. <c>partial record MlpConfig</c>.
/// </summary>
internal sealed record TypeTarget(string? Namespace, EquatableArray<TypeHead> ContainingTypes, TypeHead Type)
{
    /// <summary>A file-name-safe identity, e.g. <c>Ns.Outer.Name</c>.</summary>
    public string HintName { get; init; } = "";
}

/// <summary>One type declaration head: keyword (<c>class</c>, <c>record</c>, <c>struct</c>...) and name with type parameters.</summary>
internal sealed record TypeHead(string Keyword, string Name);
