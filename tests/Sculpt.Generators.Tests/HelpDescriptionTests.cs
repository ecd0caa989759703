using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Sculpt.Generators.Parsing;
using Xunit;

namespace Sculpt.Generators.Tests;

/// <summary>The <c>--help</c> line of each hyperparameter: where the generator finds it and how it turns it into one line of text.</summary>
public class HelpDescriptionTests
{
    private const string Declarations = """
        using Sculpt;
        using Sculpt.Training;

        namespace Demo;

        public enum Activation { Relu, Gelu }

        [HyperParameters]
        public partial record BaseConfig : TrainingHyperParameters
        {
            /// <summary>
            /// Width of the   hidden layers of <see cref="Demo.Net"/>,
            /// at most <c>4096</c>; <see langword="null"/> never.
            /// </summary>
            /// <remarks>Not part of help.</remarks>
            public virtual int Hidden { get; init; } = 256;
        }

        [HyperParameters]
        public partial record NetConfig : BaseConfig
        {
            // An override without a comment of its own: the base's line, this default.
            public override int Hidden { get; init; } = 64;

            /// <summary>Only for the editor.</summary>
            [System.ComponentModel.Description("Probability of zeroing a unit.")]
            public double Dropout { get; init; } = 0.2;

            /** <summary>The nonlinearity, as a
             *  <paramref name="x"/>-wise function.</summary> */
            public Activation Activation { get; init; }

            /// <summary>Broken <b>markup.</summary>
            public int Broken { get; init; }

            //// <summary>Four slashes: a plain comment.</summary>
            public int Plain { get; init; }

            /// <inheritdoc/>
            public override int Epochs { get; init; } = 3;

            public int Undocumented { get; init; }
        }

        /// <summary>A record.</summary>
        /// <param name="Depth">Blocks in the stack.</param>
        [HyperParameters]
        public partial record PositionalConfig(int Depth) : TrainingHyperParameters
        {
            public PositionalConfig() : this(2) { }
        }

        public class Net { }
        """;

    public static TheoryData<DocumentationMode> Modes => new() { DocumentationMode.None, DocumentationMode.Parse, DocumentationMode.Diagnose };

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_description_comes_from_the_attribute_the_doc_comment_or_the_overridden_property_whatever_the_documentation_mode(DocumentationMode mode)
    {
        var compilation = Compile(mode);
        string Of(string type, string property) =>
            HelpDescriptions.Of(compilation.GetTypeByMetadataName("Demo." + type)!.GetMembers(property).OfType<IPropertySymbol>().Single(), CancellationToken.None);

        Assert.Equal("Width of the hidden layers of Net, at most 4096; null never.", Of("BaseConfig", "Hidden"));
        Assert.Equal("Width of the hidden layers of Net, at most 4096; null never.", Of("NetConfig", "Hidden"));
        Assert.Equal("Probability of zeroing a unit.", Of("NetConfig", "Dropout"));
        Assert.Equal("The nonlinearity, as a x-wise function.", Of("NetConfig", "Activation"));
        Assert.Equal("", Of("NetConfig", "Broken"));
        Assert.Equal("", Of("NetConfig", "Plain"));
        Assert.Equal("", Of("NetConfig", "Undocumented"));
        // <inheritdoc/> has no summary: TrainingHyperParameters' [Description] (a compiled assembly, no docs loaded).
        Assert.Equal("Passes over the training data.", Of("NetConfig", "Epochs"));
        Assert.Equal("Blocks in the stack.", Of("PositionalConfig", "Depth"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void The_generated_options_carry_the_description_and_an_enum_s_names(DocumentationMode mode)
    {
        var compilation = Compile(mode);
        var driver = GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        string generated = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("NetConfig.HyperParameters.g.cs")).ToString();
        Assert.Contains("\"Width of the hidden layers of Net, at most 4096; null never.\"),", generated);
        Assert.Contains("\"The nonlinearity, as a x-wise function.\", global::System.Enum.GetNames<global::Demo.Activation>()),", generated);
        Assert.Matches(new Regex(@"new\(""--schedule"", ""Schedule"", ""Schedule"", .*, null, null, ""How the learning rate moves over the run\."", global::System\.Enum\.GetNames<global::Sculpt\.Optimization\.Schedule>\(\)\),"), generated);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static CSharpCompilation Compile(DocumentationMode mode) =>
        CSharpCompilation.Create(
            "Help",
            [CSharpSyntaxTree.ParseText(Declarations, GeneratorHarness.ParseOptions.WithDocumentationMode(mode), path: "Help.cs")],
            GeneratorHarness.References,
            GeneratorHarness.CompilationOptions);
}
