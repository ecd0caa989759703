using Microsoft.CodeAnalysis;

namespace Sculpt.Generators.Parsing;

internal enum ShapeProblemKind
{
    /// <summary>A layer or op receives a shape it cannot take.</summary>
    CallArgument,

    /// <summary>The forward body returns a shape other than the declared one.</summary>
    ForwardResult,

    /// <summary>Two operands of an elementwise operator cannot broadcast.</summary>
    Broadcast,

    /// <summary>A layer or op fits its input only when a symbol of the forward's inputs takes one value (<see cref="ShapeProblem.Reason"/> says which).</summary>
    OnlyWhen,

    /// <summary>The arms of an <c>if</c> or <c>?:</c> give a value shapes that differ (<see cref="ShapeProblem.Suggestion"/> holds the condition).</summary>
    Branches,
}

/// <summary>
/// A shape error the forward walker found. It holds the syntax node to report on, so it lives only
/// inside an analyzer callback and never in a generator pipeline.
/// </summary>
/// <param name="FixLayer">A Linear layer whose input size the fix sets to <paramref name="FixSize"/>.</param>
/// <param name="FixOutput">The inferred result, as signature text the fix can write after <c>-&gt;</c>.</param>
internal sealed record ShapeProblem(
    ShapeProblemKind Kind, SyntaxNode Node, string Subject, string Expected, string Actual, string Reason, string? Suggestion,
    string? FixLayer = null, long? FixSize = null, string? FixOutput = null);
