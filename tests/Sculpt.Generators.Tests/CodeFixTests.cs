using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Sculpt.CodeFixes;
using Sculpt.Generators.Analyzers;
using Xunit;

namespace Sculpt.Generators.Tests;

public class CodeFixTests
{
    private const string Header = """
        using Sculpt;
        using static TorchSharp.torch;

        [Model]
        public partial class Net
        {

        """;

    [Fact]
    public async Task A_linear_input_size_is_set_to_the_size_it_receives()
    {
        string fixedSource = await ApplyOnlyFix(Header + """
                [Linear(784, 128)] private partial Tensor Hidden1(Tensor x);
                [Linear(256, 10)] private partial Tensor Classify(Tensor x);
                [Forward("B 1 28 28 -> B 10")]
                public Tensor Forward(Tensor image) => Classify(Hidden1(Ops.Flatten(image)));
            }
            """, "SCULPT0001", "Set the input size of 'Classify' to 128");
        Assert.Contains("[Linear(128, 10)] private partial Tensor Classify(Tensor x);", fixedSource);
        Assert.True((await Diagnostics(fixedSource)).IsEmpty);
    }

    [Fact]
    public async Task A_declared_result_is_set_to_the_inferred_one()
    {
        string fixedSource = await ApplyOnlyFix(Header + """
                [Linear(4, 5)] private partial Tensor L(Tensor x);
                [Forward("B 4 -> B 10")]
                public Tensor Forward(Tensor x) => L(x);
            }
            """, "SCULPT0002", "Declare the result as 'B 5'");
        Assert.Contains("[Forward(\"B 4 -> B 5\")]", fixedSource);
        Assert.True((await Diagnostics(fixedSource)).IsEmpty);
    }

    [Fact]
    public async Task No_fix_is_offered_where_it_is_not_certain()
    {
        // The result [12*B] cannot be written as a signature, and no Linear input is involved.
        var (document, diagnostic) = await Single(Header + """
                [Forward("B 3 4 -> B 12")]
                public Tensor Forward(Tensor x) => Ops.Flatten(x, 0);
            }
            """, "SCULPT0002");
        Assert.Empty(await Actions(document, diagnostic));
    }

    private static async Task<string> ApplyOnlyFix(string source, string id, string title)
    {
        var (document, diagnostic) = await Single(source, id);
        var action = Assert.Single(await Actions(document, diagnostic));
        Assert.Equal(title, action.Title);
        var operation = (await action.GetOperationsAsync(default)).OfType<ApplyChangesOperation>().Single();
        return (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    private static async Task<List<CodeAction>> Actions(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), default);
        await new ShapeCodeFixProvider().RegisterCodeFixesAsync(context);
        return actions;
    }

    private static async Task<(Document Document, Diagnostic Diagnostic)> Single(string source, string id)
    {
        var document = Document(source);
        var diagnostics = await Diagnostics(document);
        return (document, Assert.Single(diagnostics, d => d.Id == id));
    }

    private static Task<ImmutableArray<Diagnostic>> Diagnostics(string source) => Diagnostics(Document(source));

    private static async Task<ImmutableArray<Diagnostic>> Diagnostics(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out _);
        return await withGenerated.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer())).GetAnalyzerDiagnosticsAsync();
    }

    private static Document Document(string source)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject("Snippets", LanguageNames.CSharp)
            .WithMetadataReferences(GeneratorHarness.References)
            .WithParseOptions(GeneratorHarness.ParseOptions)
            .WithCompilationOptions(GeneratorHarness.CompilationOptions);
        return project.AddDocument("Source0.cs", source);
    }
}
