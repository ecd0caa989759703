using System.Collections.Generic;
using Sculpt.HyperParameters;

namespace Sculpt.Models;

/// <summary>
/// The run-time half of the shape checker: the generated <c>ShapeErrors(config)</c> hands it each
/// pair of sizes that meet in a forward body and depend on hyperparameters, with their values for
/// one config. Messages read like the analyzer's, with the values a run would use.
/// </summary>
public static class ShapeCheck
{
    private static readonly IReadOnlyDictionary<string, long> NoSizes = new Dictionary<string, long>();

    /// <summary>Adds a message to <paramref name="errors"/> when the two sizes differ for this config.</summary>
    /// <param name="errors">Where messages go.</param>
    /// <param name="subject">What receives the shape, as the message names it: <c>'Classify'</c>, <c>the forward result</c>.</param>
    /// <param name="expected">The shape it takes, as the declaration writes it.</param>
    /// <param name="actual">The shape it receives, as the declaration writes it.</param>
    /// <param name="where">Which dim the two sizes are, e.g. <c>the last dim</c>.</param>
    /// <param name="expectedDim">The size it takes, with this config's values.</param>
    /// <param name="actualDim">The size it receives, with this config's values.</param>
    /// <param name="origin">Where the received shape comes from (<c>; it comes from ...</c>), or empty.</param>
    public static void Require(List<string> errors, string subject, string expected, string actual, string where, SymbolicDim expectedDim, SymbolicDim actualDim, string origin)
    {
        if (expectedDim.Resolve(NoSizes) is not { } wanted || actualDim.Resolve(NoSizes) is not { } got || wanted == got) return;
        errors.Add($"{subject} expects {expected} but receives {actual}: {where} is {Describe(actualDim, got)}, not {Describe(expectedDim, wanted)}{origin}");
    }

    /// <summary>Throws when <paramref name="errors"/> holds any, naming the model.</summary>
    /// <exception cref="HyperParameterException">The hyperparameters do not fit the model's shapes.</exception>
    public static void ThrowIfAny(IReadOnlyList<string> errors, string model)
    {
        if (errors.Count == 0) return;
        throw new HyperParameterException($"{model} cannot run with these hyperparameters: {string.Join("; and ", errors)}.");
    }

    private static string Describe(SymbolicDim dim, long value) =>
        dim.Text == ValueText.Format(value) ? dim.Text : $"{dim.Text} = {ValueText.Format(value)}";
}
