using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.DeviceChecks;

// The CUDA kit's program (tools/cuda): `checks` compares generated models, fused optimizers, checkpoints and mixed
// precision on the GPU with the CPU, `gpt2` times a GPT-2 small training step. `--device cpu` runs both on the CPU
// (the parity checks then compare the CPU with itself), which is how the test suite keeps this program working.
//
// Exit codes: 0 every check passed, 1 a check failed, 2 bad arguments, 3 the device is not available.

const string Usage = """
    usage: Sculpt.DeviceChecks checks [--device cuda|cpu] [--only NAME,...] [--memory-steps N] [--tinygpt-epochs N]
                                      [--json FILE]
           Sculpt.DeviceChecks gpt2 [--device cuda|cpu] [--precision fp32|bf16|fp16] [--batch N] [--context N]
                                    [--layers N] [--steps N] [--warmup N] [--json FILE]
    checks: memory, parity, optimizers, checkpoint, precision (all by default, in that order)
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    var options = DeviceOptions.Parse(args[1..], args[0] switch
    {
        "checks" => ["--device", "--only", "--memory-steps", "--tinygpt-epochs", "--json"],
        _ => ["--device", "--precision", "--batch", "--context", "--layers", "--steps", "--warmup", "--json"],
    });
    var device = Devices.Open(options.Text("--device", "cuda"));
    switch (args[0])
    {
        case "checks":
            var results = DeviceCheckRun.Run(device, options);
            return Report(results.Select(r => r.ToJson()), options, results.All(r => r.Passed) ? 0 : 1);
        case "gpt2":
            var measurement = Gpt2Benchmark.Run(device, options);
            return Report([measurement], options, 0);
        default:
            Console.Error.WriteLine($"Sculpt.DeviceChecks: unknown command '{args[0]}' (checks or gpt2)");
            return 2;
    }
}
catch (Exception e) when (e is UsageException or Sculpt.HyperParameters.HyperParameterException)
{
    Console.Error.WriteLine($"Sculpt.DeviceChecks: {e.Message}");
    return 2;
}
catch (DeviceUnavailableException e)
{
    Console.Error.WriteLine($"Sculpt.DeviceChecks: {e.Message}");
    return 3;
}

static int Report(IEnumerable<Dictionary<string, object>> records, DeviceOptions options, int exitCode)
{
    if (options.Optional("--json") is { } path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // A failed check measures NaN or infinity, which JSON has no number for: written as "NaN", as Python reads it.
        var settings = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        File.WriteAllText(path, JsonSerializer.Serialize(records.ToList(), settings));
    }
    return exitCode;
}

namespace Sculpt.DeviceChecks
{
    public sealed class UsageException(string message) : Exception(message);

    public sealed class DeviceUnavailableException(string message) : Exception(message);

    /// <summary>The command line after the command: <c>--flag value</c> pairs, each flag at most once.</summary>
    public sealed class DeviceOptions
    {
        private readonly Dictionary<string, string> _values;

        private DeviceOptions(Dictionary<string, string> values) => _values = values;

        /// <param name="args">The command line after the command.</param>
        /// <param name="known">The flags the command takes; null takes any.</param>
        public static DeviceOptions Parse(string[] args, IReadOnlyCollection<string>? known = null)
        {
            var values = new Dictionary<string, string>();
            for (int i = 0; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"expected a --flag, got '{args[i]}'");
                if (known is not null && !known.Contains(args[i])) throw new UsageException($"unknown option '{args[i]}' (this command takes {string.Join(", ", known)})");
                if (i + 1 >= args.Length) throw new UsageException($"'{args[i]}' needs a value");
                if (!values.TryAdd(args[i], args[i + 1])) throw new UsageException($"'{args[i]}' is given twice");
            }
            return new DeviceOptions(values);
        }

        public string? Optional(string flag) => _values.GetValueOrDefault(flag);

        public string Text(string flag, string fallback) => _values.GetValueOrDefault(flag, fallback);

        public int Number(string flag, int fallback, int minimum = 1)
        {
            if (!_values.TryGetValue(flag, out var text)) return fallback;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
                throw new UsageException($"'{flag}' expects a whole number of at least {minimum}, got '{text}'");
            return value;
        }
    }
}
