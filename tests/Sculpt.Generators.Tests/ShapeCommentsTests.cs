using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.Text;
using Sculpt.CodeFixes;
using Xunit;

namespace Sculpt.Generators.Tests;

/// <summary>The "Show shapes" refactoring writes the analyzer's inferred shapes as comments, and takes them out again.</summary>
public class ShapeCommentsTests
{
    private const string Source = """
        using Sculpt;
        using static TorchSharp.torch;

        [HyperParameters]
        public partial record Config { public int Hidden { get; init; } = 64; }

        [Model(typeof(Config))]
        public partial class Net
        {
            [Linear(784, "Hidden")] private partial Tensor Encode(Tensor x);
            [Linear("Hidden", 10)] private partial Tensor Classify(Tensor x);

            [Forward("B 1 28 28 -> B 10")]
            public Tensor Forward(Tensor image)
            {
                var flat = Ops.Flatten(image);
                var hidden = Ops.Relu(Encode(flat)); // after the first layer
                return Classify(hidden);
            }

            [Shape("B Hidden -> B Hidden")]
            private Tensor Twice(Tensor x) => x * 2;
        }
        """;

    [Fact]
    public async Task Show_shapes_writes_each_statements_shape_and_remove_takes_them_out()
    {
        string shown = await Apply(Source, "var flat", "Show shapes as comments");
        Assert.Contains("var flat = Ops.Flatten(image); // shape: [B, 784]\n", shown);
        Assert.Contains("var hidden = Ops.Relu(Encode(flat)); // after the first layer // shape: [B, Hidden]\n", shown);
        Assert.Contains("return Classify(hidden); // shape: [B, 10]\n", shown);

        // Shown again, nothing doubles; removed, the source is as it was.
        Assert.Equal(shown, await Apply(shown, "var flat", "Show shapes as comments"));
        Assert.Equal(Source, await Apply(shown, "var flat", "Remove shape comments"));

        // An expression-bodied [Shape] helper gets its result's shape.
        Assert.Contains("private Tensor Twice(Tensor x) => x * 2; // shape: [B, Hidden]\n", await Apply(Source, "Twice", "Show shapes as comments"));
    }

    [Fact]
    public async Task A_method_without_a_signature_offers_nothing()
    {
        const string plain = """
            public class Plain
            {
                public int Twice(int x)
                {
                    var y = x * 2;
                    return y;
                }
            }
            """;
        Assert.Empty(await Actions(plain, "var y"));
    }

    private static async Task<string> Apply(string source, string at, string title)
    {
        var (document, actions) = await ActionsAndDocument(source, at);
        var action = Assert.Single(actions, a => a.Title == title);
        var operation = (await action.GetOperationsAsync(default)).OfType<ApplyChangesOperation>().Single();
        return (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    private static async Task<List<CodeAction>> Actions(string source, string at) => (await ActionsAndDocument(source, at)).Actions;

    private static async Task<(Document Document, List<CodeAction> Actions)> ActionsAndDocument(string source, string at)
    {
        var workspace = new AdhocWorkspace();
        var document = workspace.AddProject("Snippets", LanguageNames.CSharp)
            .WithMetadataReferences(GeneratorHarness.References)
            .WithParseOptions(GeneratorHarness.ParseOptions)
            .WithCompilationOptions(GeneratorHarness.CompilationOptions)
            .AddDocument("Source0.cs", source);
        var actions = new List<CodeAction>();
        var context = new CodeRefactoringContext(document, new TextSpan(source.IndexOf(at, System.StringComparison.Ordinal), 0), actions.Add, default);
        await new ShapeCommentsRefactoring().ComputeRefactoringsAsync(context);
        return (document, actions);
    }
}
