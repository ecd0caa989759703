using System;
using System.Collections.Generic;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Sculpt.Generators.Analyzers;
using Xunit;

namespace Sculpt.Generators.Tests;

/// <summary>
/// Seeded random edits of every valid declaration the tests know (token damage, identifiers
/// including verbatim and Unicode ones, generic types, nesting, duplicated members, extreme numbers
/// and strings). For each edit: the generator never throws (CS8785), the analyzers never throw
/// (AD0001), and generated code that does not compile always comes with a SCULPT error on the
/// user's code. Where the user's own code has no error, generated code must compile, full stop:
/// the safety net SCULPT0018 does not count there.
/// </summary>
public class EditFuzzTests
{
    /// <summary>How many edits; <c>SCULPT_FUZZ_EDITS</c> sets another count for a longer hunt or a quick look.</summary>
    private const int Edits = 10_000;

    private const int Seed = 20261203;

    [Fact]
    public void Ten_thousand_random_edits_never_crash_and_never_leave_uncompilable_code_unexplained()
    {
        int edits = int.TryParse(Environment.GetEnvironmentVariable("SCULPT_FUZZ_EDITS"), out int asked) && asked > 0 ? asked : Edits;
        var corpus = Corpus();
        var failures = new ConcurrentBag<(int Edit, string Category, string Source, string Detail)>();
        int netOnly = 0;
        var only = int.TryParse(Environment.GetEnvironmentVariable("SCULPT_FUZZ_EDIT"), out int replay) ? replay : (int?)null;
        Parallel.For(only ?? 0, only + 1 ?? edits, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) }, edit =>
        {
            var random = new Random(Seed + edit);
            string source = corpus[edit % corpus.Count];
            string damaged = Mutations.Apply(source, random);
            var outcome = Check(damaged);
            if (outcome.Failure is { } failure) failures.Add((edit, failure.Category, damaged, failure.Detail));
            if (outcome.NetOnly) System.Threading.Interlocked.Increment(ref netOnly);
        });

        string report = string.Join("\n", failures
            .GroupBy(f => f.Category)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count(),5}  {g.Key}   (first: edit {g.Min(f => f.Edit)})"));
        // The first edit of each kind of failure, whole: each replays alone with SCULPT_FUZZ_EDIT=N.
        string examples = string.Join("\n\n", failures.GroupBy(f => f.Category).Select(g => g.OrderBy(f => f.Edit).First())
            .Select(f => $"edit {f.Edit} ({f.Category}):\n{f.Source}\n\n{f.Detail}"));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {edits} edits failed ({netOnly} explained only by SCULPT0018):\n{report}\n\n{examples}");
    }

    /// <summary>Edits that once failed, kept whole: they stay fixed whatever the corpus becomes.</summary>
    [Theory]
    [InlineData("""
        using Sculpt;
        [CsvDataset("iris.csv")]
        public partial record Digits { public float A { get; init; } [Label] public int Kind { get; init; } }
        [IdxDataset("images.gz", "labels.gz", Shape = "1 28 28", Classes = 10)]
        public partial class Digits;
        """)]
    [InlineData("""
        using Sculpt;
        using Sculpt.Training;
        [HyperParameters]
        public partial record Config : TrainingHyperParameters { public int Hidden { get; init; } = 16; }
        [CsvDataset("iris.csv")]
        public partial record Config { public float A { get; init; } [Label] public int Kind { get; init; } }
        """)]
    [InlineData("""
        using Sculpt;
        using static TorchSharp.torch;
        [HyperParameters]
        public partial record C { public int Layers { get; init; } = 4; }
        [Model(typeof(C))]
        public partial class System
        {
            [Linear(16, 16)] private partial Tensor Down(Tensor x);
        }
        """)]
    [InlineData("""
        using Sculpt;
        using static TorchSharp.torch;
        [HyperParameters]
        public partial record Config { public int Hidden { get; init; } = 4; }
        [Model(typeof(Config))]
        public partial class var
        {
            [Forward("B 4, 1 4 -> B 4")]
            public Tensor Forward(Tensor x, Tensor bias) => x * 2.0 + bias;
        }
        """)]
    // Edit 8620 of the same run: a dataset named like its generated ClassNames (CS0542), explained as SCULPT0009.
    [InlineData("""
        using Sculpt;

        [CsvDataset("iris.csv")]
        public partial record ClassNames
        {
            public float SepalLength { get; init; }
            [Label(ClassNames = ["setosa", "versicolor", "virginica"])] public string Species { get; init; } = "";
        }
        """)]
    // Edit 2734 after the trainer's one-result rule: a trainer of a class whose [Model] was misspelt made the rule throw.
    [InlineData("""
        using Sculpt;
        using Sculpt.Data;
        using Sculpt.Training;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record TinyConfig : TrainingHyperParameters { public int Hidden { get; init; } = 16; }

        public partial class Tiny
        {
            [Forward("B 4 -> B 3")]
            public Tensor Forward(Tensor x) => x;
        }

        public sealed class TinyData : IDataSource
        {
            public DataSplits Load(int seed) => throw new System.NotImplementedException();
        }

        [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
        public partial class TinyTrainer : Trainer<Tiny, TinyData, TinyConfig>;
        """)]
    // Edit 2470 after window settings became objects: Stride = float.NaN compiled, went unreported, and built a stride-0 call that CS0121 could not resolve.
    [InlineData("""
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Volume
        {
            [Conv3d(3, 8, 3, Padding = 1, Stride = float.NaN)] private partial Tensor A(Tensor x);
            [MaxPool2d(2, Padding = 0.5)] private partial Tensor Pool(Tensor x);
            [Forward("B 3 9 9 9 -> B 8 P Q R")]
            public Tensor Forward(Tensor x) => A(x);
        }
        """)]
    // Edit 1890 after Ops.Chunk: a chunk count of long.MaxValue over a symbolic width made the generator list that many parts.
    [InlineData("""
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Gated
        {
            [Linear(8, 16)] private partial Tensor A(Tensor x);
            [Forward("B T 8 -> B T 8")]
            public Tensor Forward(Tensor x)
            {
                var (value, gate) = Ops.Chunk(A(x), 9223372036854775807, -1);
                return value * gate;
            }
        }
        """)]
    // Edit 1406 after learned tensors: two [Parameter] properties of one name (the user's CS0102) made the summary throw.
    [InlineData("""
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Tokens
        {
            [Parameter("1 1 8")] private partial Tensor ClassToken { get; }
            [Parameter("1 1 8")] private partial Tensor ClassToken { get; }
            [Forward("B 4 8 -> B 5 8")]
            public Tensor Forward(Tensor x) => Ops.Concat(1, Ops.ExpandBatch(ClassToken, x), x);
        }
        """)]
    // Edit 837 of the fuzz after the issue 15 corpus: a model named like its generated forward override (CS0542).
    [InlineData("""
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class forward
        {
            [Forward("B T 8 -> B 1 8")]
            public Tensor Forward(Tensor x) => Ops.Sum(x, 1, keepDim: true);
        }
        """)]
    public void Edits_that_once_failed_stay_fixed(string source)
    {
        var outcome = Check(source);
        Assert.True(outcome.Failure is null, $"{outcome.Failure?.Category}: {outcome.Failure?.Detail}");
    }

    /// <summary>Every valid source of the analyzer, dataset and snapshot tests.</summary>
    private static List<string> Corpus() =>
        ((IEnumerable<object[]>)AnalyzerTests.Valid).Concat(DatasetAnalyzerTests.Valid).Select(row => (string)row[0])
            .Concat(Samples.All.Select(s => s.Source))
            .Distinct()
            .ToList();

    internal sealed record Outcome((string Category, string Detail)? Failure, bool NetOnly);

    internal static Outcome Check(string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        var driver = GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        if (run.Results.FirstOrDefault(r => r.Exception is not null).Exception is { } thrown) return Fail("generator threw " + thrown.GetType().Name, thrown.ToString());
        if (generatorDiagnostics.FirstOrDefault(d => d.Id == "CS8785") is { } crashed) return Fail("CS8785", crashed.GetMessage());

        var analyzerFailures = new ConcurrentBag<string>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (exception, _, _) => analyzerFailures.Add(exception.ToString()), concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var analyzed = withGenerated.WithAnalyzers(AnalyzerHarness.Analyzers, options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        if (analyzerFailures.FirstOrDefault() is { } analyzerThrew) return Fail("analyzer threw", analyzerThrew);
        if (analyzed.FirstOrDefault(d => d.Id == "AD0001") is { } ad0001) return Fail("AD0001", ad0001.GetMessage());

        var generatedErrors = run.GeneratedTrees
            .SelectMany(tree => withGenerated.GetSemanticModel(tree).GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .ToList();
        if (generatedErrors.Count == 0) return new Outcome(null, false);

        var sculpt = analyzed.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("SCULPT", StringComparison.Ordinal)).ToList();
        string detail = string.Join("\n", generatedErrors.Take(5).Select(d => $"{System.IO.Path.GetFileName(d.Location.SourceTree!.FilePath)}: {d.Id} {d.GetMessage()}"))
            + "\n" + GeneratedText(run, generatedErrors[0]);
        if (sculpt.Count == 0) return Fail($"{generatedErrors[0].Id} in generated code, no SCULPT error", detail);
        if (sculpt.Any(d => d.Id != GeneratedCodeAnalyzer.Id)) return new Outcome(null, false);

        // Only the safety net spoke: acceptable when the user's own code is broken (its errors reach
        // the generated half), a generator bug when it is not.
        var userErrors = withGenerated.SyntaxTrees.Except(run.GeneratedTrees)
            .SelectMany(tree => withGenerated.GetSemanticModel(tree).GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error && !PartialWithoutImplementation.Contains(d.Id))
            .ToList();
        return userErrors.Count > 0
            ? new Outcome(null, true)
            : Fail($"{generatedErrors[0].Id} in generated code from error-free user code", detail);
    }

    /// <summary>Errors in the user's code that only say a partial member waits for the generator.</summary>
    private static readonly HashSet<string> PartialWithoutImplementation = ["CS8795", "CS9248"];

    private static string GeneratedText(GeneratorDriverRunResult run, Diagnostic error)
    {
        var tree = error.Location.SourceTree!;
        int line = error.Location.GetLineSpan().StartLinePosition.Line;
        var lines = tree.GetText().Lines;
        return string.Join("\n", Enumerable.Range(Math.Max(0, line - 3), Math.Min(7, lines.Count - Math.Max(0, line - 3))).Select(i => $"{i + 1,4}: {lines[i]}"));
    }

    private static Outcome Fail(string category, string detail) => new((category, detail), false);

    /// <summary>One random edit of a valid source.</summary>
    internal static class Mutations
    {
        private static readonly string[] Identifiers =
        [
            "@class", "@int", "@this", "@record", "Модель", "Größe", "数据", "_", "__x", "A\u0301b", "x1", "value", "record", "var",
            "dynamic", "global", "nameof", "Tensor", "Forward", "forward", "Config", "Module", "torch", "System", "T",
        ];

        private static readonly string[] Numbers =
        [
            "0", "-1", "1", "3", "2147483647", "2147483648", "-2147483648", "9223372036854775807", "99999999999999999999",
            "1e308", "1e-320", "0.5", "-0.0", "1_000_000", "0x7FFFFFFF", "float.NaN", "double.PositiveInfinity", "int.MaxValue",
        ];

        private static readonly string[] Strings =
        [
            "\"\"", "\" \"", "\"Hidden\"", "\"B 3 -> B\"", "\"B * -> B\"", "\"\\n\"", "\"Модель\"", "\"a\\u0000b\"", "\"@class\"",
            "\"..\"", "\"/etc/passwd\"", "\"x..y\"", "\"pixel1..pixel99999999\"", "\"1 2 3 4 5 6 7 8 9\"", "@\"B\"\"3\"", "$\"{1}\"",
            "\"" + new string('a', 5000) + "\"", "\"-1\"", "\"0\"", "\"B -> \"",
        ];

        private static readonly string[] Modifiers = ["static ", "abstract ", "readonly ", "required ", "new ", "virtual ", "sealed ", "public ", "private ", "partial ", "unsafe ", "extern "];

        public static string Apply(string source, Random random)
        {
            var root = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot();
            var tokens = root.DescendantTokens().ToList();
            for (int attempt = 0; attempt < 8; attempt++)
            {
                string? edited = random.Next(12) switch
                {
                    0 => DeleteToken(source, Pick(tokens, random)),
                    1 => SwapTokens(source, Pick(tokens, random)),
                    2 => DuplicateToken(source, Pick(tokens, random)),
                    3 => source.Substring(0, Pick(tokens, random).SpanStart),
                    4 => Replace(source, tokens, SyntaxKind.IdentifierToken, random, Identifiers.Concat(tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.Text)).ToArray()),
                    5 => Replace(source, tokens, SyntaxKind.NumericLiteralToken, random, Numbers),
                    6 => Replace(source, tokens, SyntaxKind.StringLiteralToken, random, Strings.Concat(tokens.Where(t => t.IsKind(SyntaxKind.StringLiteralToken)).Select(t => t.Text)).ToArray()),
                    7 => DuplicateMember(source, root, random),
                    8 => MakeGeneric(source, root, random),
                    9 => Nest(source, root, random),
                    10 => AddModifier(source, root, random),
                    _ => RemoveMember(source, root, random),
                };
                if (edited is not null && edited != source) return edited;
            }
            return source.Substring(0, source.Length / 2);
        }

        private static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];

        private static string DeleteToken(string source, SyntaxToken token) => source.Remove(token.SpanStart, token.Span.Length);

        private static string SwapTokens(string source, SyntaxToken token)
        {
            var next = token.GetNextToken();
            if (next.RawKind == 0) return source.Substring(0, token.SpanStart);
            return source.Substring(0, token.SpanStart) + next.Text + source.Substring(token.Span.End, next.SpanStart - token.Span.End) + token.Text + source.Substring(next.Span.End);
        }

        private static string DuplicateToken(string source, SyntaxToken token) => source.Insert(token.Span.End, " " + token.Text);

        private static string? Replace(string source, List<SyntaxToken> tokens, SyntaxKind kind, Random random, string[] pool)
        {
            var candidates = tokens.Where(t => t.IsKind(kind)).ToList();
            if (candidates.Count == 0 || pool.Length == 0) return null;
            var token = Pick(candidates, random);
            return source.Substring(0, token.SpanStart) + Pick(pool, random) + source.Substring(token.Span.End);
        }

        private static string? DuplicateMember(string source, SyntaxNode root, Random random)
        {
            var members = root.DescendantNodes().OfType<MemberDeclarationSyntax>().ToList();
            if (members.Count == 0) return null;
            var member = Pick(members, random);
            return source.Insert(member.FullSpan.End, "\n" + member.ToFullString());
        }

        private static string? RemoveMember(string source, SyntaxNode root, Random random)
        {
            var members = root.DescendantNodes().OfType<MemberDeclarationSyntax>().ToList();
            if (members.Count == 0) return null;
            var member = Pick(members, random);
            return source.Remove(member.FullSpan.Start, member.FullSpan.Length);
        }

        private static string? MakeGeneric(string source, SyntaxNode root, Random random)
        {
            var types = root.DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.TypeParameterList is null).ToList();
            if (types.Count == 0) return null;
            var type = Pick(types, random);
            return source.Insert(type.Identifier.Span.End, random.Next(2) == 0 ? "<T>" : "<T, @class>");
        }

        private static string? Nest(string source, SyntaxNode root, Random random)
        {
            var types = root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().ToList();
            if (types.Count == 0) return null;
            var type = Pick(types, random);
            string open = random.Next(4) switch
            {
                0 => "public partial class Outer {\n",
                1 => "public class NotPartial {\n",
                2 => "namespace @class.Inner {\n",
                _ => "public partial class Outer<T> { public partial struct Inner {\n",
            };
            string close = open.Count(c => c == '{') == 2 ? "}}\n" : "}\n";
            return source.Insert(type.FullSpan.End, close).Insert(type.FullSpan.Start, open);
        }

        private static string? AddModifier(string source, SyntaxNode root, Random random)
        {
            var members = root.DescendantNodes().OfType<MemberDeclarationSyntax>().Where(m => m is not BaseNamespaceDeclarationSyntax).ToList();
            if (members.Count == 0) return null;
            var member = Pick(members, random);
            var first = member.Modifiers.Count > 0 ? member.Modifiers[0] : member.GetFirstToken();
            if (member.AttributeLists.Count > 0 && member.Modifiers.Count == 0) first = member.AttributeLists.Last().GetLastToken().GetNextToken();
            return source.Insert(first.SpanStart, Pick(Modifiers, random));
        }
    }
}
