using System.IO.Compression;
using System.IO;
using System.Linq;
using System;
using Sculpt.Testing;
using Xunit;

namespace Sculpt.EndToEnd.Tests;

/// <summary>
/// What a user does: pack Sculpt, reference it by PackageReference from a brand-new console
/// project outside this repository, build, run, publish.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(5);
    private readonly string _root = Directory.CreateTempSubdirectory("sculpt-e2e-").FullName;
    private readonly string _version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");

    [Fact]
    public void A_new_project_that_references_the_package_builds_trains_and_publishes()
    {
        string feed = Path.Combine(_root, "feed");
        var pack = Dotnet(RepositoryPaths.Root, "pack", Path.Combine(RepositoryPaths.Root, "src", "Sculpt", "Sculpt.csproj"),
            "-c", "Release", "-o", feed, "-p:Version=" + _version, "--artifacts-path", Path.Combine(_root, "artifacts"));
        Assert.True(pack.ExitCode == 0, pack.Describe("dotnet pack"));

        string package = Path.Combine(feed, $"Sculpt.{_version}.nupkg");
        using (var archive = ZipFile.OpenRead(package))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("lib/net10.0/Sculpt.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Sculpt.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Sculpt.CodeFixes.dll", entries);
            Assert.Contains("buildTransitive/Sculpt.targets", entries);
            Assert.Contains("buildTransitive/LibTorchSharpFix.cs", entries);
            using var nuspec = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
            string manifest = nuspec.ReadToEnd();
            Assert.Contains("id=\"TorchSharp\" version=\"0.107.0\"", manifest);
            Assert.Contains("id=\"libtorch-cpu-linux-x64\" version=\"2.10.0\"", manifest);
            Assert.DoesNotContain("Sculpt.Generators", manifest);
            Assert.Contains("<license type=\"expression\">MIT</license>", manifest);
            Assert.Contains("<releaseNotes>", manifest);
        }
        using (var symbols = ZipFile.OpenRead(Path.Combine(feed, $"Sculpt.{_version}.snupkg")))
        {
            Assert.Contains("lib/net10.0/Sculpt.pdb", symbols.Entries.Select(e => e.FullName));
        }

        string app = Path.Combine(_root, "XorApp");
        Directory.CreateDirectory(app);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "UserProject", "Program.cs"), Path.Combine(app, "Program.cs"));
        File.WriteAllText(Path.Combine(app, "XorApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Sculpt" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        // The local feed is added to the sources the machine already has.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="sculpt-e2e" value="{feed}" />
              </packageSources>
            </configuration>
            """);

        var build = Dotnet(app, "build", "-c", "Release");
        Assert.True(build.ExitCode == 0, build.Describe("dotnet build"));
        Assert.Contains(" 0 Warning(s)", build.Output);

        // The analyzers come with the package: a shape mistake fails the build with its ID and place.
        string program = Path.Combine(app, "Program.cs");
        string valid = File.ReadAllText(program);
        File.WriteAllText(program, valid.Replace("[Linear(2, \"Hidden\")]", "[Linear(3, \"Hidden\")]"));
        var shapeError = Dotnet(app, "build", "-c", "Release");
        Assert.NotEqual(0, shapeError.ExitCode);
        Assert.Contains("Program.cs(23,71): error SCULPT0001: 'Hidden1' expects [*batch, 3] but receives [B, 2]: the last dim is 2, not 3; try [Linear(2, \"Hidden\")]", shapeError.Output);
        File.WriteAllText(program, valid);
        build = Dotnet(app, "build", "-c", "Release");
        Assert.True(build.ExitCode == 0, build.Describe("dotnet build after the fix"));

        var run = Dotnet(app, "run", "-c", "Release", "--no-build", "--", "--epochs", "1", "--output", Path.Combine(_root, "run"));
        Assert.True(run.ExitCode == 0, run.Describe("dotnet run"));
        Assert.Matches(@"XorTrainer on cpu \(\d+ threads?\), 82 parameters", run.Output);
        Assert.Contains("epoch 1/1 | step     13 |", run.Output);
        Assert.Contains("done in", run.Output);
        Assert.True(File.Exists(Path.Combine(_root, "run", "model.dat")), run.Describe("dotnet run"));

        var help = Dotnet(app, "run", "-c", "Release", "--no-build", "--", "--hiden", "3");
        Assert.Equal(2, help.ExitCode);
        Assert.Contains("error: Unknown option '--hiden'. Did you mean '--hidden'?", help.Error);

        string published = Path.Combine(_root, "published");
        var publish = Dotnet(app, "publish", "-c", "Release", "-o", published);
        Assert.True(publish.ExitCode == 0, publish.Describe("dotnet publish"));
        var runPublished = Dotnet(published, Path.Combine(published, "XorApp.dll"), "--epochs", "1", "--output", Path.Combine(_root, "run2"));
        Assert.True(runPublished.ExitCode == 0, runPublished.Describe("published XorApp"));

        // Without the fix, on a host whose libstdc++ is too old, the user reads the loader's reason.
        string unpatched = Path.Combine(_root, "unpatched");
        CopyDirectory(published, unpatched);
        string library = Directory.GetFiles(unpatched, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
        File.Copy(PackagedLibTorchSharp(), library, overwrite: true);
        var broken = Dotnet(unpatched, Path.Combine(unpatched, "XorApp.dll"), "--epochs", "1", "--output", Path.Combine(_root, "run3"));
        if (HostHasGlibcxx3432())
        {
            Assert.True(broken.ExitCode == 0, broken.Describe("unpatched XorApp on a new host"));
        }
        else
        {
            Assert.Equal(1, broken.ExitCode);
            Assert.Contains("error: libtorch failed to load: ", broken.Error);
            Assert.Contains("version `GLIBCXX_3.4.32' not found", broken.Error);
            Assert.DoesNotContain("doesn't contain a reference", broken.Error);
        }
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        // The unique version was extracted into the global packages folder; leave no trace there.
        UserHome.ForgetPackage("Sculpt", _version);
    }

    private static CommandRunner.Result Dotnet(string workingDirectory, params string[] arguments) =>
        CommandRunner.Run("dotnet", arguments, workingDirectory, BuildLimit);


    private static string PackagedLibTorchSharp() =>
        Path.Combine(UserHome.Packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static bool HostHasGlibcxx3432()
    {
        string libstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        return File.Exists(libstdcxx) && System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(libstdcxx)).Contains("GLIBCXX_3.4.32\0");
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
