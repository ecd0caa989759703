using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Sculpt.Generators;
using Sculpt.Generators.Analyzers;

namespace Sculpt.Benchmarks;

/// <summary>
/// The shape analyzer on one file of 50 models (MLPs, CNNs, GPT blocks, LSTM classifiers), after
/// the generator has run, as a build sees it. Each iteration starts from a fresh copy of the
/// compilation; the baseline is the compiler's own diagnostics, and the difference is what the
/// analyzer adds to a build. Divide it by 50 for the time per model.
/// </summary>
[InProcess]
[MemoryDiagnoser(displayGenColumns: false)]
public class AnalyzerBenchmark
{
    public const int Models = 50;
    private Compilation _compilation = null!;

    [GlobalSetup]
    public void Setup()
    {
        var references = Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(Ops).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "FiftyModels", [CSharpSyntaxTree.ParseText(Source(), parse, path: "Models.cs")], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new SculptGenerator().AsSourceGenerator()], parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out _compilation, out _);
        var errors = _compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) throw new System.InvalidOperationException("The benchmark source does not compile: " + errors[0]);
    }

    [Benchmark(Baseline = true, Description = "compiler diagnostics (binding)")]
    public int Compiler() => _compilation.Clone().GetDiagnostics().Length;

    /// <summary>As a build runs them: one binding shared by the compiler and the shape analyzer.</summary>
    [Benchmark(Description = "compiler + Sculpt's shape analyzer")]
    public async Task<int> CompilerAndAnalyzer() =>
        (await _compilation.Clone().WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer())).GetAllDiagnosticsAsync()).Length;

    /// <summary>Every analyzer Sculpt ships, the generated-code safety net (SCULPT0018) included.</summary>
    [Benchmark(Description = "compiler + all of Sculpt's analyzers")]
    public async Task<int> CompilerAndAllAnalyzers() =>
        (await _compilation.Clone().WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer(), new DatasetAnalyzer(), new GeneratedCodeAnalyzer())).GetAllDiagnosticsAsync()).Length;

    private static string Source()
    {
        var text = new StringBuilder("""
            using Sculpt;
            using static TorchSharp.torch;

            [HyperParameters]
            public partial record Config
            {
                public int Hidden { get; init; } = 128;
                public int Dim { get; init; } = 64;
                public int Heads { get; init; } = 4;
            }

            """);
        for (int i = 0; i < Models; i++)
        {
            text.AppendLine((i % 4) switch
            {
                0 => $$"""
                    [Model(typeof(Config))]
                    public partial class Mlp{{i}}
                    {
                        [Linear(784, "Hidden")] private partial Tensor Hidden1(Tensor x);
                        [Linear("Hidden", "Hidden")] private partial Tensor Hidden2(Tensor x);
                        [Dropout(0.1)] private partial Tensor Drop(Tensor x);
                        [Linear("Hidden", 10)] private partial Tensor Classify(Tensor x);
                        [Forward("B 1 28 28 -> B 10")]
                        public Tensor Forward(Tensor image)
                        {
                            var x = Ops.Relu(Hidden1(Ops.Flatten(image)));
                            x = x + Ops.Relu(Hidden2(x));
                            return Classify(Drop(x));
                        }
                    }
                    """,
                1 => $$"""
                    [Model]
                    public partial class Cnn{{i}}
                    {
                        [Conv2d(1, 6, 5)] private partial Tensor Conv1(Tensor x);
                        [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
                        [Conv2d(6, 16, 5)] private partial Tensor Conv2(Tensor x);
                        [BatchNorm2d(16)] private partial Tensor Norm(Tensor x);
                        [Linear(400, 120)] private partial Tensor Fc1(Tensor x);
                        [Linear(120, 10)] private partial Tensor Fc2(Tensor x);
                        [Forward("B 1 32 32 -> B 10")]
                        public Tensor Forward(Tensor image)
                        {
                            var x = Pool(Ops.Relu(Conv1(image)));
                            x = Pool(Ops.Relu(Norm(Conv2(x))));
                            return Fc2(Ops.Relu(Fc1(Ops.Flatten(x))));
                        }
                    }
                    """,
                2 => $$"""
                    [Model(typeof(Config))]
                    public partial class Block{{i}}
                    {
                        [LayerNorm("Dim")] private partial Tensor Norm1(Tensor x);
                        [SelfAttention("Dim", "Heads", Causal = true)] private partial Tensor Attention(Tensor x);
                        [LayerNorm("Dim")] private partial Tensor Norm2(Tensor x);
                        [Linear("Dim", 256)] private partial Tensor Up(Tensor x);
                        [Linear(256, "Dim")] private partial Tensor Down(Tensor x);
                        [Forward("B T Dim -> B T Dim")]
                        public Tensor Forward(Tensor x)
                        {
                            x = x + Attention(Norm1(x));
                            return x + Down(Ops.Gelu(Up(Norm2(x))));
                        }
                    }
                    """,
                _ => $$"""
                    [Model(typeof(Config))]
                    public partial class Lstm{{i}}
                    {
                        [Embedding(1000, "Dim")] private partial Tensor Embed(Tensor x);
                        [Lstm("Dim", 48, Layers = 2, Bidirectional = true)] private partial (Tensor Output, Tensor Hidden, Tensor Cell) Encode(Tensor x);
                        [Linear(96, 4)] private partial Tensor Classify(Tensor x);
                        [Forward("B T -> B 4")]
                        public Tensor Forward(Tensor tokens)
                        {
                            var (output, hidden, _) = Encode(Embed(tokens));
                            var last = Ops.Concat(1, Ops.Select(hidden, 0, -2), Ops.Select(hidden, 0, -1));
                            return Classify(last + Ops.Mean(output, 1));
                        }
                    }
                    """,
            });
        }
        return text.ToString();
    }
}
