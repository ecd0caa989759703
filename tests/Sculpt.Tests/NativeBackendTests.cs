using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Sculpt.Backend;
using Sculpt.Build;
using Xunit;

namespace Sculpt.Tests;

public class NativeBackendTests
{
    private static readonly string PackagedLibTorchSharp = Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Libtorch_loads_in_a_plain_build()
    {
        NativeBackend.EnsureLoaded();
        using var product = TorchSharp.torch.ones(2, 3).matmul(TorchSharp.torch.ones(3, 2));
        Assert.Equal(3f, product[0, 0].item<float>());
    }

    [Fact]
    public void A_library_that_does_not_load_is_explained_in_the_loaders_words()
    {
        string folder = Directory.CreateTempSubdirectory("sculpt-backend-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "libLibTorchSharp.so"), new string('x', 4096));
            string message = NativeBackend.Explain(folder);
            Assert.Equal($"libtorch failed to load: {folder}/libLibTorchSharp.so: invalid ELF header.", message);
            Assert.DoesNotContain("doesn't contain a reference", message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_library_is_named()
    {
        string folder = Directory.CreateTempSubdirectory("sculpt-backend-").FullName;
        Directory.Delete(folder);
        Assert.StartsWith($"libLibTorchSharp.so was not found under {folder}.", NativeBackend.Explain(folder));
    }

    [Fact]
    public void The_packaged_library_needs_glibcxx_3_4_32_and_the_patch_makes_only_that_weak()
    {
        string copy = CopyOfPackagedLibrary();
        try
        {
            var before = ElfVersionPatcher.ReadNeededVersions(copy);
            var needed = before.Single(v => v.Name == "GLIBCXX_3.4.32");
            Assert.Equal("libstdc++.so.6", needed.Library);
            Assert.False(needed.IsWeak);

            Assert.Equal(new[] { "GLIBCXX_3.4.32" }, ElfVersionPatcher.MakeWeak(copy, new[] { "GLIBCXX_3.4.32" }));
            var after = ElfVersionPatcher.ReadNeededVersions(copy);
            Assert.True(after.Single(v => v.Name == "GLIBCXX_3.4.32").IsWeak);
            Assert.Equal(
                before.Where(v => v.Name != "GLIBCXX_3.4.32").Select(v => (v.Name, v.Flags)),
                after.Where(v => v.Name != "GLIBCXX_3.4.32").Select(v => (v.Name, v.Flags)));

            // Idempotent: a second build changes nothing, and only two bytes ever differ.
            Assert.Empty(ElfVersionPatcher.MakeWeak(copy, new[] { "GLIBCXX_3.4.32" }));
            var original = File.ReadAllBytes(PackagedLibTorchSharp);
            var patched = File.ReadAllBytes(copy);
            Assert.Equal(original.Length, patched.Length);
            Assert.InRange(original.Zip(patched).Count(p => p.First != p.Second), 1, 2);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void The_packaged_library_needs_the_weakened_version_for_one_never_called_symbol_only()
    {
        Assert.Equal(PatchLibTorchSharp.NeverCalled, ElfVersionPatcher.SymbolsNeeding(PackagedLibTorchSharp, "GLIBCXX_3.4.32"));
        // A version with ordinary uses lists them, so the check can tell the two apart.
        Assert.True(ElfVersionPatcher.SymbolsNeeding(PackagedLibTorchSharp, "GLIBCXX_3.4").Count > 10);
        Assert.Empty(ElfVersionPatcher.SymbolsNeeding(PackagedLibTorchSharp, "GLIBCXX_9.9"));
    }

    [Fact]
    public void Patching_a_hard_link_leaves_the_file_it_links_to_untouched()
    {
        string original = CopyOfPackagedLibrary();
        string link = original + ".link";
        try
        {
            Assert.Equal(0, Link(original, link));
            ElfVersionPatcher.MakeWeak(link, new[] { "GLIBCXX_3.4.32" });
            Assert.True(IsWeak(link));
            Assert.False(IsWeak(original));
        }
        finally
        {
            File.Delete(original);
            File.Delete(link);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_library_gives_a_warning_not_a_failed_build()
    {
        string bogus = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(bogus, new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 0, 0 });
            var engine = new QuietBuildEngine();
            var task = new PatchLibTorchSharp { Files = [new TaskItem(bogus)], Mode = "always", BuildEngine = engine };
            Assert.True(task.Execute());
            Assert.Single(engine.Warnings);
            Assert.Contains(bogus, engine.Warnings[0]);
        }
        finally
        {
            File.Delete(bogus);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string newPath);

    [Fact]
    public void The_build_task_patches_only_when_the_host_lacks_the_version_or_is_told_to()
    {
        string copy = CopyOfPackagedLibrary();
        try
        {
            var hostVersions = ElfVersionPatcher.ReadDefinedVersions("/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
            Assert.Contains("GLIBCXX_3.4.30", hostVersions);
            bool hostHasIt = hostVersions.Contains("GLIBCXX_3.4.32");

            Assert.True(RunTask(copy, "never"));
            Assert.False(IsWeak(copy));
            Assert.True(RunTask(copy, "auto"));
            Assert.Equal(!hostHasIt, IsWeak(copy));
            Assert.True(RunTask(copy, "always"));
            Assert.True(IsWeak(copy));
            Assert.False(RunTask(copy, "sometimes"));

            // A default build (minimal verbosity) shows high-importance messages only: the user sees the patch.
            File.Copy(PackagedLibTorchSharp, copy, overwrite: true);
            var engine = new QuietBuildEngine();
            Assert.True(new PatchLibTorchSharp { Files = [new TaskItem(copy)], Mode = "always", BuildEngine = engine }.Execute());
            var shown = Assert.Single(engine.Messages, m => m.Importance == MessageImportance.High);
            Assert.Contains("GLIBCXX_3.4.32 weak in " + copy, shown.Message);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void The_library_in_this_build_output_was_fixed_when_this_host_needed_it()
    {
        string built = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        bool hostHasIt = ElfVersionPatcher.ReadDefinedVersions("/usr/lib/x86_64-linux-gnu/libstdc++.so.6").Contains("GLIBCXX_3.4.32");
        Assert.Equal(!hostHasIt, IsWeak(built));
        Assert.False(IsWeak(PackagedLibTorchSharp), "the NuGet cache copy must stay untouched");
    }

    private static bool IsWeak(string path) =>
        ElfVersionPatcher.ReadNeededVersions(path).Single(v => v.Name == "GLIBCXX_3.4.32").IsWeak;

    private static string CopyOfPackagedLibrary()
    {
        string copy = Path.Combine(Path.GetTempPath(), $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.Copy(PackagedLibTorchSharp, copy);
        return copy;
    }

    private static bool RunTask(string file, string mode)
    {
        var task = new PatchLibTorchSharp { Files = [new TaskItem(file)], Mode = mode, BuildEngine = new QuietBuildEngine() };
        return task.Execute();
    }

    private sealed class QuietBuildEngine : IBuildEngine
    {
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.proj";
        public bool BuildProjectFile(string projectFileName, string[] targetNames, System.Collections.IDictionary globalProperties, System.Collections.IDictionary targetOutputs) => true;
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public void LogErrorEvent(BuildErrorEventArgs e) { }
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
        public System.Collections.Generic.List<BuildMessageEventArgs> Messages { get; } = new();
        public System.Collections.Generic.List<string> Warnings { get; } = new();
        public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e.Message ?? "");
    }
}
