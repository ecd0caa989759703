using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Sculpt.EndToEnd.Tests;

/// <summary>
/// Every command README.md prints, run exactly as printed, in a fresh clone of the repository (the
/// working tree as it would be committed), as a newcomer's shell would run it: with a home folder of
/// its own, so <c>~/sculpt-feed</c> and <c>dotnet nuget add source</c> touch nothing of the user's.
/// The test command itself is the one line not run here: it is what runs this test, and
/// <c>.ci/run</c> runs it on a clean clone (checked below, so the two cannot drift apart).
/// </summary>
public sealed class ReadmeTests : IDisposable
{
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromMinutes(20);
    private readonly string _root = Directory.CreateTempSubdirectory("sculpt-readme-").FullName;
    private readonly ITestOutputHelper _log;

    public ReadmeTests(ITestOutputHelper log)
    {
        _log = log;
        ForgetCachedPackage();
    }

    [Fact]
    public void The_readme_prints_two_commands_first_the_main_job_then_the_tests()
    {
        var scripts = ReadmeCommands.Parse(File.ReadAllText(RepositoryPaths.Combine("README.md")));
        Assert.Equal(["dotnet run --project examples/Quickstart -c Release", TestCommand], scripts[0].Commands);
        string ci = File.ReadAllText(RepositoryPaths.Combine(".ci", "run"));
        Assert.Contains(TestCommand, ci.Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public void Every_command_the_readme_prints_runs_on_a_fresh_clone()
    {
        string clone = FreshClone();
        var home = UserHome.Create(Path.Combine(_root, "home"));
        var scripts = ReadmeCommands.Parse(File.ReadAllText(Path.Combine(clone, "README.md")));
        Assert.True(scripts.Count >= 6, "README.md prints fewer commands than expected: " + string.Join("\n", scripts));

        foreach (var script in scripts)
        {
            var commands = script.Commands.Where(c => c != TestCommand).ToList();
            if (commands.Count == 0) continue;
            string text = "set -euo pipefail\n" + string.Join("\n", commands) + "\n";
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = CommandRunner.Run("bash", ["-c", text], clone, ScriptLimit, home);
            _log.WriteLine($"{script} -> exit {result.ExitCode} in {clock.Elapsed.TotalSeconds:F0} s");
            Assert.True(result.ExitCode == 0, result.Describe(script.ToString()));
            Assert.DoesNotContain("Unhandled exception", result.Error);
            Assert.DoesNotContain("   at ", result.Error);
        }
    }

    /// <summary>The line of README.md's first block that runs every test (and that .ci/run runs).</summary>
    private const string TestCommand = "dotnet test Dsl.sln -c Release";

    /// <summary>A clone of the repository with the working tree's changes applied: what a commit of it would hold.</summary>
    private string FreshClone()
    {
        string clone = Path.Combine(_root, "sculpt");
        Git(_root, "clone", "--quiet", "--no-hardlinks", RepositoryPaths.Root, clone);
        string patch = Path.Combine(_root, "working-tree.patch");
        var diff = Git(RepositoryPaths.Root, "diff", "HEAD", "--binary");
        File.WriteAllText(patch, diff.Output);
        if (diff.Output.Length > 0) Git(clone, "apply", "--whitespace=nowarn", patch);
        var untracked = Git(RepositoryPaths.Root, "ls-files", "--others", "--exclude-standard");
        foreach (string file in untracked.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string target = Path.Combine(clone, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(RepositoryPaths.Root, file), target, overwrite: true);
        }
        return clone;
    }

    private static CommandRunner.Result Git(string workingDirectory, params string[] arguments)
    {
        var result = CommandRunner.Run("git", arguments, workingDirectory, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.Describe("git " + string.Join(' ', arguments)));
        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file of the clone; the temporary folder is the OS's to clean.
        }
        ForgetCachedPackage();
    }

    /// <summary>
    /// README's pack commands make Sculpt's own version (VersionPrefix); NuGet caches packages by
    /// version, so a restore would take an older pack of that version instead of the fresh one.
    /// </summary>
    private static void ForgetCachedPackage() => UserHome.ForgetPackage("Sculpt", UserHome.SculptVersion());
}
