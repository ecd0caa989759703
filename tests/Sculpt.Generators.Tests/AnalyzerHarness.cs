using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Sculpt.Generators.Analyzers;
using Xunit;

namespace Sculpt.Generators.Tests;

/// <summary>
/// Runs <see cref="ModelAnalyzer"/> and <see cref="DatasetAnalyzer"/> on a snippet after the generator, as a build does, and checks
/// its diagnostics against <c>{|SCULPT0001:marked text|}</c> spans in the snippet.
/// </summary>
internal static partial class AnalyzerHarness
{
    [GeneratedRegex(@"\{\|(?<id>SCULPT\d{4}):|\|\}")]
    private static partial Regex Marker();

    /// <summary>Every analyzer Sculpt ships, as a build runs them.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers => [new ModelAnalyzer(), new DatasetAnalyzer(), new GeneratedCodeAnalyzer(), new UnreadSearchAnalyzer()];

    /// <summary>The Sculpt diagnostics of a snippet (markup already removed) and every compiler error.</summary>
    public static (ImmutableArray<Diagnostic> Sculpt, ImmutableArray<Diagnostic> Errors) Analyze(string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out _);
        var analyzers = withGenerated.WithAnalyzers(Analyzers);
        var sculpt = analyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        var errors = withGenerated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return (sculpt, errors);
    }

    /// <summary>Asserts that the analyzer reports exactly the marked diagnostics, at exactly the marked spans.</summary>
    public static IReadOnlyList<Diagnostic> Verify(string markup)
    {
        var (source, expected) = Parse(markup);
        var (actual, errors) = Analyze(source);
        // The documented diagnostic is what the user sees: generated code never adds errors of its own
        // (SCULPT0018 is the one diagnostic that reports such errors, where the user's code causes them).
        var generated = errors.Where(e => e.Location.SourceTree is { } tree && GeneratedCodeAnalyzer.IsSculptOutput(tree)).ToList();
        Assert.True(generated.Count == 0 || expected.Any(e => e.Id == GeneratedCodeAnalyzer.Id), "generated code does not compile:\n" + string.Join("\n", generated));
        var actualSpans = actual.Select(d => (d.Id, d.Location.SourceSpan, Text: source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)))
            .OrderBy(d => d.SourceSpan.Start).ToList();
        var expectedSpans = expected.Select(e => (e.Id, e.Span, Text: source.Substring(e.Span.Start, e.Span.Length))).OrderBy(e => e.Span.Start).ToList();
        Assert.True(
            expectedSpans.SequenceEqual(actualSpans),
            "expected:\n" + string.Join("\n", expectedSpans) + "\nactual:\n" + string.Join("\n", actual.Select(d => $"{d.Id} {d.Location.SourceSpan} '{source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}': {d.GetMessage()}")));
        return actual.OrderBy(d => d.Location.SourceSpan.Start).ToList();
    }

    /// <summary>Asserts a snippet builds cleanly: no Sculpt diagnostic, no compiler error.</summary>
    public static void VerifyClean(string source)
    {
        var (sculpt, errors) = Analyze(source);
        Assert.True(sculpt.IsEmpty, string.Join("\n", sculpt.Select(d => d.ToString())));
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Select(d => d.ToString())));
    }

    private static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var expected = new List<(string, TextSpan)>();
        var text = new System.Text.StringBuilder();
        var open = new Stack<(string Id, int Start)>();
        int last = 0;
        foreach (Match match in Marker().Matches(markup))
        {
            text.Append(markup, last, match.Index - last);
            last = match.Index + match.Length;
            if (match.Groups["id"].Success) open.Push((match.Groups["id"].Value, text.Length));
            else
            {
                var (id, start) = open.Pop();
                expected.Add((id, new TextSpan(start, text.Length - start)));
            }
        }
        text.Append(markup, last, markup.Length - last);
        return (text.ToString(), expected);
    }
}
