using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.DeviceChecks;

public static class Devices
{
    /// <summary>The device to check, after making sure libtorch can use it.</summary>
    public static Device Open(string name)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, @"^(cpu|cuda(:[0-9]+)?)$"))
            throw new UsageException($"'--device' expects cpu, cuda or cuda:N, got '{name}'");
        bool cuda = name.StartsWith("cuda", StringComparison.Ordinal);
        try
        {
            torch.InitializeDeviceType(cuda ? DeviceType.CUDA : DeviceType.CPU);
        }
        catch (Exception e)
        {
            // TorchSharp's message blames a missing package; the dynamic loader's own words say what is wrong.
            var loader = (cuda ? new[] { "libtorch_cuda.so", "libLibTorchSharp.so" } : ["libLibTorchSharp.so"])
                .Select(library => (library, error: Sculpt.Backend.NativeBackend.LoaderError(File.Exists(Path.Combine(AppContext.BaseDirectory, library)) ? Path.Combine(AppContext.BaseDirectory, library) : library)))
                .Where(found => found.error is not null)
                .Select(found => $"{found.library}: {found.error}");
            throw new DeviceUnavailableException($"libtorch{(cuda ? "'s CUDA backend" : "")} could not be loaded: {e.Message.Split('\n')[0]} {string.Join("; ", loader)}".TrimEnd());
        }
        if (cuda && !torch.cuda.is_available()) throw new DeviceUnavailableException("libtorch sees no CUDA device");
        if (cuda)
        {
            // The parity checks compare float32 arithmetic: TF32 products (cuDNN's default for convolutions) would
            // compare 10-bit mantissas instead.
            torch.backends.cuda.matmul.allow_tf32 = false;
            torch.backends.cudnn.allow_tf32 = false;
        }
        return torch.device(name);
    }

    /// <summary>Waits for the device's queued work, so that a clock read after it measures the work.</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }

    /// <summary>
    /// Memory in use, in MiB: on a GPU what the driver reports used on the card (the process's context and libtorch's
    /// caching allocator; the kit's machine runs nothing else), else this process's resident memory. TorchSharp binds
    /// none of libtorch's allocator statistics, so the driver's view is the one both this program and PyTorch's script
    /// report.
    /// </summary>
    public static double UsedMemoryMiB(Device device)
    {
        if (device.type != DeviceType.CUDA)
        {
            using var self = Process.GetCurrentProcess();
            return self.WorkingSet64 / (1024.0 * 1024.0);
        }
        string used = NvidiaSmi($"--query-gpu=memory.used --format=csv,noheader,nounits --id={Math.Max(0, device.index).ToString(CultureInfo.InvariantCulture)}");
        return double.Parse(used.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The card's name, or the CPU's when the device is the CPU.</summary>
    public static string Name(Device device) => device.type == DeviceType.CUDA
        ? NvidiaSmi($"--query-gpu=name --format=csv,noheader --id={Math.Max(0, device.index).ToString(CultureInfo.InvariantCulture)}").Trim()
        : "cpu";

    private static string NvidiaSmi(string arguments)
    {
        var start = new ProcessStartInfo("nvidia-smi", arguments) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new DeviceUnavailableException("nvidia-smi could not be started");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new DeviceUnavailableException($"nvidia-smi {arguments} failed with exit code {process.ExitCode}");
        return output;
    }
}
