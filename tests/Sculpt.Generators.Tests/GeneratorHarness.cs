using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Sculpt.Generators.Tests;

/// <summary>Runs <see cref="SculptGenerator"/> on in-memory sources referencing the real runtime.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly ImmutableArray<MetadataReference> References = Net100.References.All.Cast<MetadataReference>()
        .Concat(new[]
        {
            MetadataReference.CreateFromFile(typeof(Sculpt.Ops).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
        })
        .ToImmutableArray();

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Snippets",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References,
            CompilationOptions);

    public static readonly CSharpCompilationOptions CompilationOptions =
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // As the SDK does: TorchSharp targets net8.0 and unifies with net10.0's System.Runtime.
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                });

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create(
            new[] { new SculptGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>The generated files by hint name, and every diagnostic of the compilation that includes them.</summary>
    public static (IReadOnlyDictionary<string, string> Files, ImmutableArray<Diagnostic> Diagnostics) Run(params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult();
        if (result.Results.Any(r => r.Exception is not null))
        {
            throw new InvalidOperationException("The generator threw: " + result.Results.First(r => r.Exception is not null).Exception);
        }
        var files = result.GeneratedTrees.ToDictionary(t => System.IO.Path.GetFileName(t.FilePath), t => t.GetText().ToString());
        return (files, generatorDiagnostics.AddRange(output.GetDiagnostics()));
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => d.ToString()));
}
