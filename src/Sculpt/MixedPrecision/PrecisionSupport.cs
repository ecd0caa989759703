using System;
using System.IO;
using System.Linq;
using TorchSharp;

namespace Sculpt.MixedPrecision;

/// <summary>Whether a device computes a precision in hardware, or libtorch would emulate it.</summary>
public static class PrecisionSupport
{
    /// <summary>
    /// Why <paramref name="device"/> would only emulate <paramref name="precision"/>, or null when it has the instructions.
    /// A CPU needs AVX512-BF16 or AMX-BF16 for bfloat16, and AVX512-FP16 or AMX-FP16 for float16 (read from
    /// <paramref name="cpuFlags"/>, <c>/proc/cpuinfo</c>'s flags when null); a CUDA device is taken to have both.
    /// </summary>
    public static string? Lacks(Precision precision, torch.Device device, string? cpuFlags = null)
    {
        if (precision == Precision.Fp32 || device.type == DeviceType.CUDA) return null;
        var flags = (cpuFlags ?? CpuFlags() ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        (string Name, string[] Instructions) need = precision == Precision.Bf16
            ? ("bfloat16", ["avx512_bf16", "amx_bf16"])
            : ("float16", ["avx512_fp16", "amx_fp16"]);
        if (need.Instructions.Any(flags.Contains)) return null;
        return $"this CPU has no {need.Name} instructions ({string.Join(" or ", need.Instructions.Select(i => i.ToUpperInvariant().Replace('_', '-')))}), so libtorch would emulate {need.Name}, slower than float32";
    }

    /// <summary>The first CPU's flags from <c>/proc/cpuinfo</c>; null where there is none (not Linux).</summary>
    private static string? CpuFlags()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2).ElementAtOrDefault(1)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
