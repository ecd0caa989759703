using System.IO;
using System.Linq;
using Sculpt.Generators.Analyzers;
using Sculpt.Testing;
using Xunit;

namespace Sculpt.Generators.Tests;

public class DiagnosticDocsTests
{
    [Fact]
    public void Every_diagnostic_has_a_docs_section_a_help_link_and_a_release_entry()
    {
        string root = RepositoryPaths.Root;
        string docs = File.ReadAllText(Path.Combine(root, "docs", "diagnostics.md"));
        string releases = File.ReadAllText(Path.Combine(root, "generators", "Sculpt.Generators", "AnalyzerReleases.Unshipped.md"));
        var descriptors = new ModelAnalyzer().SupportedDiagnostics.Concat(new DatasetAnalyzer().SupportedDiagnostics).Distinct().ToList();
        Assert.NotEmpty(descriptors);
        foreach (var descriptor in descriptors)
        {
            Assert.Contains($"\n## {descriptor.Id}\n", docs);
            Assert.Contains($"\n{descriptor.Id} | {descriptor.Category} | Error |", releases);
            Assert.Equal($"docs/diagnostics.md#{descriptor.Id.ToLowerInvariant()}", descriptor.HelpLinkUri);
        }
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void Every_diagnostic_is_exercised_by_the_invalid_corpus()
    {
        string corpus = string.Join("\n", ((System.Collections.Generic.IEnumerable<object[]>)AnalyzerTests.Invalid)
            .Concat(DatasetAnalyzerTests.Invalid).Select(row => (string)row[0]));
        foreach (var descriptor in new ModelAnalyzer().SupportedDiagnostics.Concat(new DatasetAnalyzer().SupportedDiagnostics))
        {
            Assert.Contains("{|" + descriptor.Id + ":", corpus);
        }
    }

}
