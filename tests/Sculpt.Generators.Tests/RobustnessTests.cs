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
    /// Names written with <c>@</c> (keywords) and in other scripts are ordinary C# names: every
    /// part of a model, its hyperparameters and its trainer builds with no diagnostic and no error.
    /// </summary>
    [Fact]
    public void Keyword_and_unicode_names_generate_code_that_compiles()
    {
        const string source = """
            using Sculpt;
            using Sculpt.Training;
            using static TorchSharp.torch;

            namespace @class.Модели;

            [HyperParameters]
            public partial record @record : TrainingHyperParameters
            {
                public int @int { get; init; } = 8;
                public int Größe { get; init; } = 4;
                public double @double { get; init; } = 0.1;
            }

            [Model(typeof(@record), Init = InitScheme.Normal)]
            public partial class Модель
            {
                [Init(InitScheme.Normal, ScaleByDepth = "Größe")][Linear(4, "int")] private partial Tensor @in(Tensor @ref);
                [Dropout("double")] private partial Tensor @out(Tensor @this);
                [Linear("int", 2)] private partial Tensor 出力(Tensor x);
                [Forward("B 4 -> B 2")]
                public Tensor @base(Tensor @object) => 出力(@out(@in(@object)));
            }

            [Model(typeof(@record))]
            public partial class @params
            {
                [Submodel(Repeat = "Größe")] private partial TorchSharp.Modules.ModuleList<Модель> @event { get; }
                [Submodel] private partial Модель @fixed { get; }
                [Forward("B 4 -> B 2")]
                public Tensor Forward(Tensor x) => @fixed.call(x);
            }
            """;
        AnalyzerHarness.VerifyClean(source);
        var (files, _) = GeneratorHarness.Run(source);
        Assert.Contains("class.-041C-043E-0434-0435-043B-0438.-041C-043E-0434-0435-043B-044C.Model.g.cs", files.Keys);
        Assert.Contains("partial record @record", files["class.-041C-043E-0434-0435-043B-0438.record.HyperParameters.g.cs"]);
    }

    /// <summary>A member named like one Sculpt generates is the one to rename: SCULPT0009 on it, and nothing else from Sculpt.</summary>
    [Theory]
    [InlineData("public Tensor Config(Tensor x) => x;", "Config")]
    [InlineData("public Tensor Forward(Tensor x) => x; public static Net Create(Cfg config) => null!;", "Create")]
    public void A_member_named_like_a_generated_one_is_reported_on_the_users_member(string members, string name)
    {
        string source = $$"""
            using Sculpt;
            using static TorchSharp.torch;

            [HyperParameters]
            public partial record Cfg { public int Hidden { get; init; } = 4; }

            [Model(typeof(Cfg))]
            public partial class Net
            {
                [Forward("B 4 -> B 4")]
                {{members}}
            }
            """;
        var (sculpt, _) = AnalyzerHarness.Analyze(source);
        var diagnostic = Assert.Single(sculpt);
        Assert.Equal("SCULPT0009", diagnostic.Id);
        Assert.Equal(name, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains($"'{name}' is a member Sculpt generates for 'Net'", diagnostic.GetMessage());
    }

    /// <summary>Doc comments say how parameters start only for layers a scheme initialises, and a tied weight starts as its source's.</summary>
    [Fact]
    public void Init_doc_comments_describe_only_what_the_scheme_sets()
    {
        var (files, _) = GeneratorHarness.Run("""
            using Sculpt;
            using static TorchSharp.torch;

            [Model(Init = InitScheme.Normal, InitStd = 0.05)]
            public partial class Lm
            {
                [Embedding(100, 16)] private partial Tensor Tokens(Tensor x);
                [Dropout(0.1)] private partial Tensor Drop(Tensor x);
                [LayerNorm(16)] private partial Tensor Norm(Tensor x);
                [MaxPool1d(2)] private partial Tensor Pool(Tensor x);
                [BatchNorm1d(16)] private partial Tensor Batch(Tensor x);
                [Identity] private partial Tensor Same(Tensor x);
                [Linear(16, 100, TiedTo = nameof(Tokens))] private partial Tensor Head(Tensor x);
                [Linear(16, 16)] private partial Tensor Mix(Tensor x);
                [Forward("B T -> B T 100")]
                public Tensor Forward(Tensor x) => Head(Mix(Same(Norm(Drop(Tokens(x))))));
            }
            """);
        var docs = files["Lm.Model.g.cs"].Split('\n').Where(l => l.Contains("/// <summary>")).ToList();
        string Doc(string kind) => Assert.Single(docs, l => l.Contains("<summary>" + kind));
        Assert.EndsWith("parameters. Weights start from N(0, 0.05).</summary>", Doc("Embedding"));
        Assert.EndsWith("parameters. Weights start from N(0, 0.05), biases at zero.</summary>", Doc("Linear: <c>[*, 16]</c> -&gt; <c>[*, 16]</c>"));
        Assert.EndsWith("weight tied to <see cref=\"Tokens\"/>; 100 parameters. Its bias starts at zero.</summary>", Doc("Linear: <c>[*, 16]</c> -&gt; <c>[*, 100]</c>"));
        foreach (string untouched in new[] { "Dropout", "LayerNorm", "MaxPool1d", "BatchNorm1d", "Identity" })
        {
            Assert.DoesNotContain("start", Doc(untouched));
        }
    }
}
