using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Sculpt.Generators.Analyzers;
using Xunit;

namespace Sculpt.Generators.Tests;

/// <summary>Malformed declarations: the generator must skip what it cannot build, never throw.</summary>
public class RobustnessTests
{
    [Theory]
    [InlineData("using Sculpt; [HyperParameters] public record NotPartial { public int A { get; init; } }")]
    [InlineData("using Sculpt; [HyperParameters] public partial class NotARecord { public int A { get; set; } }")]
    [InlineData("using Sculpt; [HyperParameters] public partial record Broken { public int A { get; init; } = ; }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model(typeof(Missing))] public partial class M { [Linear(1, 2)] private partial Tensor L(Tensor x); }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Linear(\"\", 2)] private partial Tensor L(Tensor x); }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Linear(1)] private partial Tensor L(Tensor x); }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Linear(1, 2)] private partial Tensor L(Tensor x, Tensor y); }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Forward(\"B 3 -> -> B\")] public Tensor Forward(Tensor x) => x; }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Forward(\"\")] public Tensor Forward(Tensor x) => x; }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Forward(\"B 3 -> B 3\")] public Tensor Forward(Tensor x) => Ops.Flatten(x, x.dim()); }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Forward(\"B 3 -> B 3\")] public Tensor Forward(Tensor x) { if (x is null) { x = x; } for (;;) { } } }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M<T> { [Linear(1, 2)] private partial Tensor L(Tensor x); }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Linear(4, 8)][Dropout(0.1)] private partial Tensor P(Tensor x); [Forward(\"B 4 -> B 8\")] public Tensor Forward(Tensor x) => P(x); }")]
    [InlineData("using Sculpt; [HyperParameters] public partial record Positional(int Hidden);")]
    [InlineData("using Sculpt; [HyperParameters] public abstract partial record Abstract { public int A { get; init; } }")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class M { [Forward(\"B 4 -> B 4\")] public Tensor forward(Tensor x) => x; }")]
    [InlineData("using Sculpt; [Trainer(Loss.CrossEntropy, Optimizer.AdamW)] public partial class T;")]
    [InlineData("using Sculpt; using Sculpt.Training; [Trainer(Loss.CrossEntropy, Optimizer.AdamW)] public partial class T : Trainer<Nope, Nope, Nope>;")]
    [InlineData("using Sculpt; [Trainer((Loss)99, Optimizer.AdamW)] public partial class T")]
    [InlineData("using Sculpt; using static TorchSharp.torch; [Model] public partial class Twice { [Linear(1, 2)] private partial Tensor L(Tensor x); } [Model] public partial class Twice { }")]
    [InlineData("using Sculpt; [HyperParameters] public partial record Twice { public int A { get; init; } = 1; } [HyperParameters] public partial record Twice;")]
    public void Malformed_declarations_do_not_make_the_generator_throw(string source)
    {
        // Run throws when the generator does; compile errors in the snippet itself are expected,
        // but none may come from a generated file.
        var (_, diagnostics) = GeneratorHarness.Run(source);
        Assert.DoesNotContain(diagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs") == true && d.Id is "CS0111" or "CS7036" or "CS0106");
    }

    /// <summary>
    /// Random token-level damage to every valid model and dataset of the corpus (a token deleted, two swapped,
    /// one doubled, the file cut short), seeded so a failure replays: neither the generator
    /// (CS8785) nor the analyzer (AD0001) may ever throw.
    /// </summary>
    [Fact]
    public async System.Threading.Tasks.Task Random_token_edits_never_make_the_generator_or_the_analyzer_throw()
    {
        var random = new Random(20261128);
        var sources = ((IEnumerable<object[]>)AnalyzerTests.Valid).Concat(DatasetAnalyzerTests.Valid).Select(row => (string)row[0]).ToList();
        int runs = 0;
        foreach (string source in sources)
        {
            var tokens = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot().DescendantTokens().ToList();
            for (int edit = 0; edit < 5; edit++)
            {
                string damaged = Damage(source, tokens, random);
                var failures = new List<string>();
                var compilation = GeneratorHarness.Compile(damaged);
                var driver = GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out var generatorDiagnostics);
                failures.AddRange(generatorDiagnostics.Where(d => d.Id == "CS8785").Select(d => d.GetMessage()));
                failures.AddRange(driver.GetRunResult().Results.Where(r => r.Exception is not null).Select(r => r.Exception!.ToString()));
                var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (exception, _, _) => failures.Add(exception.ToString()), concurrentAnalysis: false, logAnalyzerExecutionTime: false);
                var diagnostics = await withGenerated.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer(), new DatasetAnalyzer()), options).GetAnalyzerDiagnosticsAsync();
                failures.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()));
                Assert.True(failures.Count == 0, $"after this edit:\n{damaged}\n\n{string.Join("\n", failures)}");
                runs++;
            }
        }
        Assert.True(runs >= 200, $"only {runs} edits");
    }

    private static string Damage(string source, IReadOnlyList<SyntaxToken> tokens, Random random)
    {
        var token = tokens[random.Next(tokens.Count)];
        var span = token.Span;
        switch (random.Next(4))
        {
            case 0:
                return source.Remove(span.Start, span.Length);
            case 1:
            {
                var next = token.GetNextToken();
                if (next.RawKind == 0) return source.Substring(0, span.Start);
                return source.Substring(0, span.Start) + next.Text + source.Substring(span.End, next.SpanStart - span.End) + token.Text + source.Substring(next.Span.End);
            }
            case 2:
                return source.Insert(span.End, " " + token.Text);
            default:
                return source.Substring(0, span.Start);
        }
    }
}
