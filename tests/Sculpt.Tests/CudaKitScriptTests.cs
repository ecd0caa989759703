using System.Diagnostics;
using System.IO;
using Sculpt.Testing;
using Xunit;

namespace Sculpt.Tests;

/// <summary>
/// The CUDA kit's scripts (tools/cuda) refuse what they cannot use in one line and with their documented exit code,
/// before building anything. The builds themselves take minutes (check-native-build.sh, docs/cuda.md).
/// </summary>
public sealed class CudaKitScriptTests : System.IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-cuda-kit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_native_build_refuses_a_folder_without_torchsharp_s_sources()
    {
        var (code, error) = Script("build-libtorchsharp.sh", _folder, Path.Combine(_folder, "out"), _folder);

        Assert.Equal(2, code);
        Assert.Equal($"build-libtorchsharp.sh: {_folder} holds no TorchSharp sources (src/Native/LibTorchSharp/CMakeLists.txt)", error);
    }

    [Fact]
    public void The_native_build_refuses_a_libtorch_older_than_2()
    {
        string sources = Sources("CXX_STANDARD 17\n$<$<COMPILE_LANGUAGE:CXX>:-std=c++17>\n");
        string torch = Torch("1.13.1");

        var (code, error) = Script("build-libtorchsharp.sh", sources, Path.Combine(_folder, "out"), torch);

        Assert.Equal(3, code);
        Assert.Equal($"build-libtorchsharp.sh: libtorch 1.13 in {torch}: TorchSharp 0.107.0 needs libtorch 2.x", error);
    }

    [Fact]
    public void The_native_build_stops_when_a_source_change_finds_nothing_to_change()
    {
        // Sources of another release: the C++ standard line the change expects is not there.
        string sources = Sources("CXX_STANDARD 14\n");

        var (code, error) = Script("build-libtorchsharp.sh", sources, Path.Combine(_folder, "out"), Torch("2.11.0"));

        Assert.Equal(2, code);
        Assert.Equal("build-libtorchsharp.sh: CMakeLists.txt has no 'CXX_STANDARD 17': these are not TorchSharp 0.107.0's sources", error);
        Assert.False(Directory.Exists(Path.Combine(_folder, "out")));
    }

    [Fact]
    public void Preparing_refuses_a_repository_without_the_release_commit()
    {
        var (code, error) = Script("prepare.sh", "--sources", _folder);

        Assert.Equal(3, code);
        Assert.Equal($"prepare.sh: {_folder} is no git repository holding TorchSharp's commit c20b6a1cc574d690707638a488d2583f3b8b983f", error);
    }

    [Fact]
    public void The_device_run_names_a_missing_payload()
    {
        string payload = Path.Combine(_folder, "cuda-kit.tar.xz");

        var (code, error) = Script("device.sh", payload);

        Assert.Equal(3, code);
        Assert.Equal($"device.sh: no payload at {payload} (make it with tools/cuda/prepare.sh, where .NET is)", error);
    }

    private string Sources(string libTorchSharpCMake)
    {
        string folder = Path.Combine(_folder, "sources", "src", "Native", "LibTorchSharp");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "CMakeLists.txt"), libTorchSharpCMake);
        File.WriteAllText(Path.Combine(folder, "..", "CMakeLists.txt"), "add_definitions(-Werror)\n");
        return Path.Combine(_folder, "sources");
    }

    private string Torch(string version)
    {
        string folder = Path.Combine(_folder, "torch-" + version);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "TorchConfig.cmake"), "");
        File.WriteAllText(Path.Combine(folder, "TorchConfigVersion.cmake"), $"set(PACKAGE_VERSION \"{version}\")\n");
        return folder;
    }

    /// <summary>Runs a kit script; returns its exit code and the last line it wrote to standard error.</summary>
    private static (int Code, string Error) Script(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = RepositoryPaths.Root };
        start.ArgumentList.Add(RepositoryPaths.Combine("tools", "cuda", name));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd().TrimEnd();
        process.WaitForExit();
        return (process.ExitCode, error[(error.LastIndexOf('\n') + 1)..]);
    }
}
