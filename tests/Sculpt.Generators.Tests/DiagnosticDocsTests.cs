using System;
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
        var descriptors = AnalyzerHarness.Analyzers.SelectMany(a => a.SupportedDiagnostics).Distinct().ToList();
        Assert.NotEmpty(descriptors);
        foreach (var descriptor in descriptors)
        {
            Assert.Contains($"\n## {descriptor.Id}\n", docs);
            Assert.Contains($"\n{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", releases);
            // Absolute, so an editor's link opens the page; the fragment is the section's heading anchor.
            Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out var link) && link.Scheme == "https", descriptor.HelpLinkUri);
            Assert.EndsWith("/docs/diagnostics.md", link!.GetLeftPart(UriPartial.Path));
            Assert.Equal("#" + descriptor.Id.ToLowerInvariant(), link.Fragment);
        }
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void Every_diagnostic_is_exercised_by_the_invalid_corpus()
    {
        string corpus = string.Join("\n", ((System.Collections.Generic.IEnumerable<object[]>)AnalyzerTests.Invalid)
            .Concat(DatasetAnalyzerTests.Invalid).Select(row => (string)row[0]));
        foreach (var descriptor in AnalyzerHarness.Analyzers.SelectMany(a => a.SupportedDiagnostics))
        {
            Assert.Contains("{|" + descriptor.Id + ":", corpus);
        }
    }

}
