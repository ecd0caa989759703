using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using Sculpt.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Sculpt.EndToEnd.Tests;

/// <summary>
/// What a user starting a project does: install the template package from its packed file, make a
/// project from each template, <c>dotnet run</c> it and <c>dotnet test</c> its tests, outside this
/// repository, against Sculpt restored from a feed. (README's steps do the same for one template,
/// on a fresh clone, through <see cref="ReadmeTests"/>.)
/// </summary>
public sealed class TemplateTests : IDisposable
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(10);
    private readonly string _root = Directory.CreateTempSubdirectory("sculpt-templates-").FullName;
    private readonly string _version = "0.1.0-templates." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
    private readonly ITestOutputHelper _log;

    public TemplateTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void Each_template_makes_a_project_that_trains_with_dotnet_run_and_passes_its_own_tests()
    {
        var home = UserHome.Create(Path.Combine(_root, "home"));
        string feed = Path.Combine(_root, "feed");
        foreach (string project in new[] { "src/Sculpt/Sculpt.csproj", "templates/Sculpt.Templates/Sculpt.Templates.csproj" })
        {
            var pack = Run(RepositoryPaths.Root, home, "pack", RepositoryPaths.Combine(project.Split('/')), "-c", "Release", "-o", feed,
                "-p:Version=" + _version, "--artifacts-path", Path.Combine(_root, "artifacts"));
            Assert.True(pack.ExitCode == 0, pack.Describe("dotnet pack " + project));
        }
        string templates = Path.Combine(feed, $"Sculpt.Templates.{_version}.nupkg");
        AssertPackageMetadata(templates);

        var install = Run(_root, home, "new", "install", templates);
        Assert.True(install.ExitCode == 0, install.Describe("dotnet new install"));
        File.WriteAllText(Path.Combine(_root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="sculpt-templates" value="{feed}" />
              </packageSources>
            </configuration>
            """);

        var expected = new Dictionary<string, string[]>
        {
            ["sculpt-tabular"] = ["wrote ", "customers.csv: 4,000 customers", "ChurnTrainer on cpu", "epoch 10/10", "test accuracy"],
            ["sculpt-classifier"] = ["drew ", "400 images of each of 3 shapes", "ShapeTrainer on cpu", "epoch 10/10"],
            ["sculpt-lm"] = ["wrote ", "StoryTrainer on cpu", "epoch 6/6", "validation perplexity"],
        };
        // Each kind of data's predict: new rows (the training file, its labels ignored), a folder of images, a prompt.
        var predictions = new Dictionary<string, (string[] Args, string Says)>
        {
            ["sculpt-tabular"] = (["--input", Path.Combine("data", "customers.csv")], "predicted 4,000 row(s)"),
            ["sculpt-classifier"] = (["--input", Path.Combine("data", "shapes", "circle")], "predicted 400 image(s)"),
            ["sculpt-lm"] = (["--prompt", "The cat", "--tokens", "20"], "The cat"),
        };
        foreach (var (template, lines) in expected)
        {
            string name = "My" + string.Concat(template.Split('-')[1].Select((c, i) => i == 0 ? char.ToUpperInvariant(c) : c));
            string project = Path.Combine(_root, name);
            var create = Run(_root, home, "new", template, "-o", project, "--SculptVersion", _version);
            Assert.True(create.ExitCode == 0, create.Describe("dotnet new " + template));
            Assert.True(File.Exists(Path.Combine(project, name + ".csproj")), create.Describe("dotnet new " + template));
            Assert.True(File.Exists(Path.Combine(project, name + ".Tests", name + ".Tests.csproj")), create.Describe("dotnet new " + template));

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var run = Run(project, home, "run", "-c", "Release");
            _log.WriteLine($"{template}: dotnet run exited {run.ExitCode} in {clock.Elapsed.TotalSeconds:F0} s\n{run.Output}");
            Assert.True(run.ExitCode == 0, run.Describe($"dotnet run ({template})"));
            foreach (string line in lines) Assert.Contains(line, run.Output);

            var export = Run(project, home, "run", "-c", "Release", "--no-build", "--", "export", "--onnx", "model.onnx");
            Assert.True(export.ExitCode == 0, export.Describe($"dotnet run -- export ({template})"));
            Assert.True(new FileInfo(Path.Combine(project, "model.onnx")).Length > 1000, export.Describe($"dotnet run -- export ({template})"));

            var predict = Run(project, home, ["run", "-c", "Release", "--no-build", "--", "predict", .. predictions[template].Args]);
            Assert.True(predict.ExitCode == 0, predict.Describe($"dotnet run -- predict ({template})"));
            Assert.Contains(predictions[template].Says, predict.Output);

            clock.Restart();
            var test = Run(project, home, "test", name + ".Tests", "-c", "Release");
            _log.WriteLine($"{template}: dotnet test exited {test.ExitCode} in {clock.Elapsed.TotalSeconds:F0} s");
            Assert.True(test.ExitCode == 0, test.Describe($"dotnet test ({template})"));
            Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+[1-9]", test.Output);
        }
    }

    [Fact]
    public void The_templates_reference_the_Sculpt_version_this_repository_packs()
    {
        string sculpt = UserHome.SculptVersion();
        foreach (string template in Directory.GetFiles(RepositoryPaths.Combine("templates", "Sculpt.Templates", "content"), "template.json", SearchOption.AllDirectories))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(template));
            Assert.Equal(sculpt, json.RootElement.GetProperty("symbols").GetProperty("SculptVersion").GetProperty("defaultValue").GetString());
        }
    }

    private static void AssertPackageMetadata(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        var entries = archive.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("content/tabular/.template.config/template.json", entries);
        Assert.Contains("content/classifier/.template.config/template.json", entries);
        Assert.Contains("content/lm/.template.config/template.json", entries);
        Assert.DoesNotContain(entries, e => e.Contains("/bin/") || e.Contains("/obj/"));
        using var nuspec = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
        string manifest = nuspec.ReadToEnd();
        Assert.Contains("<packageType name=\"Template\" />", manifest);
        Assert.Contains("<license type=\"expression\">MIT</license>", manifest);
        Assert.Contains("<releaseNotes>", manifest);
    }

    private static CommandRunner.Result Run(string workingDirectory, IReadOnlyDictionary<string, string> home, params string[] arguments) =>
        CommandRunner.Run("dotnet", arguments, workingDirectory, CommandLimit, home);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file; the temporary folder is the OS's to clean.
        }
        UserHome.ForgetPackage("Sculpt", _version);
    }
}
