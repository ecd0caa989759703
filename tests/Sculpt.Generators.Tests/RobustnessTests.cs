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
    public void Malformed_declarations_do_not_make_the_generator_throw(string source)
    {
        // Run throws when the generator does; compile errors in the snippet itself are expected,
        // but none may come from a generated file.
        var (_, diagnostics) = GeneratorHarness.Run(source);
        Assert.DoesNotContain(diagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs") == true && d.Id is "CS0111" or "CS7036" or "CS0106");
    }
}
