using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sculpt.Optimization;
using static TorchSharp.torch;

namespace Sculpt.Checkpoints;

/// <summary>Where a run stood when a checkpoint was taken: enough to continue it exactly.</summary>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="Epoch">The epoch in progress (1-based).</param>
/// <param name="StepInEpoch">Steps of that epoch already taken; the resumed run skips those batches of the same shuffled order.</param>
/// <param name="EpochLossSum">The sum of those steps' losses, so the epoch's mean comes out as without the interruption.</param>
/// <param name="Schedule">The learning-rate schedule's own state.</param>
/// <param name="History">The completed epochs' reports.</param>
public sealed record TrainingState(long Step, int Epoch, long StepInEpoch, double EpochLossSum, ScheduleState Schedule, IReadOnlyList<Training.EpochReport> History)
{
    /// <summary>The run's hyperparameters as the JSON their record writes (<c>ToJson</c>), so that the checkpoint alone continues the run; null when not recorded.</summary>
    public string? Config { get; init; }

    /// <summary>The training split's normalisation statistics as JSON (<see cref="Data.FeatureNormalization.ToJson"/>); null when the data is not standardised.</summary>
    public string? Normalization { get; init; }

    /// <summary>The options the run was started with that are not hyperparameters (the command line's <c>--checkpoint-every</c> and <c>--data</c>), as a JSON object; null when not recorded.</summary>
    public string? RunOptions { get; init; }

    /// <summary>The trainer's random generator state (libtorch's CPU generator state, bytes); null when not recorded.</summary>
    public byte[]? RandomState { get; init; }

    /// <summary>The frozen weights the checkpoint leaves out (a LoRA run's base); null when it holds the whole model.</summary>
    public FrozenBase? Base { get; init; }

    /// <summary>A float16 run's loss scale, so a resumed run scales (and skips steps) alike; null in other precisions.</summary>
    public MixedPrecision.LossScaleState? LossScale { get; init; }
}

/// <summary>
/// Weights a checkpoint leaves out because its run never changes them: the frozen base under a LoRA run's adapters,
/// loaded at the start from <paramref name="From"/> (empty: the seeded initialisation). The checkpoint then holds only
/// what trains, a small fraction of the model. <paramref name="Sha256"/> fingerprints the left-out tensors (names,
/// dtypes, shapes and values), so the checkpoint loads only into a model that already holds that same base.
/// </summary>
public sealed record FrozenBase(string From, IReadOnlyList<string> Names, string Sha256)
{
    /// <summary>The base made of <paramref name="names"/> as <paramref name="model"/> holds them now.</summary>
    public static FrozenBase Of(nn.Module model, string from, IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return new FrozenBase(from, sorted, Fingerprint(model.state_dict(), sorted));
    }

    /// <summary>SHA-256 of the named tensors written as one safetensors file, in name order.</summary>
    internal static string Fingerprint(IDictionary<string, Tensor> tensors, IReadOnlyList<string> names)
    {
        using var sha = SHA256.Create();
        using (var stream = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write))
            SafeTensorsFile.Write(stream, names.Select(n => (n, tensors[n])).ToList());
        return Convert.ToHexStringLower(sha.Hash!);
    }

    internal string Describe() => From.Length > 0 ? $"the frozen base from '{From}'" : "the frozen base of the run's seeded initialisation";
}

/// <summary>
/// A checkpoint folder: <c>model.safetensors</c> (the state dict, readable by PyTorch and Hugging Face
/// tools), <c>optimizer.safetensors</c> (optimizer buffers and the trainer's CPU random generator
/// state; TorchSharp cannot reach the CUDA generator's, so a GPU run reseeds it every step instead),
/// <c>normalization.json</c> when the data is standardised, and <c>trainer.json</c> (step, epoch,
/// schedule, history, the run's hyperparameters, the SHA-256 of every other file, and a SHA-256 of
/// its own content). Written to a temporary folder, each file flushed to disk, then renamed into
/// place: a crash leaves the previous checkpoint whole. Loading verifies the checksums first, then
/// names, dtypes and shapes, and reports every difference by name.
/// </summary>
public static class Checkpoint
{
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "trainer.json";
    public const string NormalizationFile = "normalization.json";
    private const string Format = "sculpt-checkpoint/2";
    private const string ChecksumProperty = "checksum";
    private const string RandomState = "rng_state";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void Save(string folder, nn.Module model, FusedOptimizer optimizer, TrainingState state)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        Recover(full, dropStale: true);
        string temporary = full + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);
        try
        {
            var hashes = new List<(string File, string Hash)>
            {
                (ModelFile, WriteTensors(Path.Combine(temporary, ModelFile), model.state_dict().Where(p => state.Base?.Names.Contains(p.Key) != true).Select(p => (p.Key, p.Value)).ToList())),
            };
            using (var random = state.RandomState is { } bytes ? tensor(bytes) : null)
            {
                var optimizerTensors = optimizer.State.Select(p => (p.Key, p.Value)).ToList();
                if (random is not null) optimizerTensors.Add((RandomState, random));
                hashes.Add((OptimizerFile, WriteTensors(Path.Combine(temporary, OptimizerFile), optimizerTensors)));
            }
            if (state.Normalization is { } normalization)
            {
                string path = Path.Combine(temporary, NormalizationFile);
                WriteFile(path, stream => stream.Write(Utf8.GetBytes(normalization)));
                hashes.Add((NormalizationFile, Hash(path)));
            }
            byte[] json = StateJson(state, optimizer.Steps, hashes);
            WriteFile(Path.Combine(temporary, StateFile), stream => stream.Write(json));
            string previous = full + ".old-" + Environment.ProcessId;
            if (Directory.Exists(full)) Directory.Move(full, previous);
            Directory.Move(temporary, full);
            if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        }
        catch
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Where the run stood, its hyperparameters and normalisation statistics, without reading the
    /// tensors: <c>trainer.json</c> is checked against its own checksum and <c>normalization.json</c>
    /// against the one recorded for it.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is missing, altered or cut short.</exception>
    public static TrainingState ReadState(string folder)
    {
        Recover(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)), dropStale: false);
        var (state, _, hashes) = ReadStateFile(folder);
        return WithNormalization(folder, state, hashes);
    }

    /// <summary>Restores weights (in place, so flat buffers stay attached) and optimizer buffers; returns where the run stood, with its random state.</summary>
    /// <exception cref="InvalidDataException">A file is missing, altered or truncated, or the checkpoint is of another model.</exception>
    public static TrainingState Load(string folder, nn.Module model, FusedOptimizer optimizer)
    {
        try
        {
            return LoadVerified(folder, model, optimizer);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            // Unreadable is as unusable as damaged: one kind of error for a checkpoint that cannot be resumed.
            throw new InvalidDataException($"Cannot read the checkpoint '{folder}': {problem.Message}", problem);
        }
    }

    private static TrainingState LoadVerified(string folder, nn.Module model, FusedOptimizer optimizer)
    {
        Recover(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)), dropStale: false);
        var (state, steps, hashes) = ReadStateFile(folder);
        foreach (var (file, expected) in hashes) RequireHash(folder, file, expected);
        state = WithNormalization(folder, state, hashes);

        string modelPath = Path.Combine(folder, ModelFile);
        string optimizerPath = Path.Combine(folder, OptimizerFile);
        Dictionary<string, Tensor> weights = [], buffers = [];
        try
        {
            // Read inside the try: a failed optimizer read must not leave the weights to the finalizer.
            using (var stream = File.OpenRead(modelPath)) weights = SafeTensorsFile.Read(stream, modelPath);
            using (var stream = File.OpenRead(optimizerPath)) buffers = SafeTensorsFile.Read(stream, optimizerPath);
            var modelState = Trained(folder, state, model);
            RequireSame(modelPath, weights, modelState, "the model");
            var optimizerState = optimizer.State.ToDictionary(p => p.Key, p => p.Value);
            RequireSame(optimizerPath, buffers.Where(p => p.Key != RandomState).ToDictionary(p => p.Key, p => p.Value), optimizerState, "the optimizer");
            using (no_grad())
            {
                foreach (var (name, target) in modelState) target.copy_(weights[name]);
                foreach (var (name, target) in optimizerState) target.copy_(buffers[name]);
            }
            optimizer.Restore(steps);
            return buffers.TryGetValue(RandomState, out var random) ? state with { RandomState = random.data<byte>().ToArray() } : state;
        }
        finally
        {
            foreach (var tensor in weights.Values.Concat(buffers.Values)) tensor.Dispose();
        }
    }

    /// <summary>Copies the checkpoint's weights into <paramref name="model"/> (in place) and nothing else: optimizer and random state stay as they are.</summary>
    /// <exception cref="InvalidDataException">A file is missing, altered or truncated, or the checkpoint is of another model.</exception>
    public static TrainingState LoadWeights(string folder, nn.Module model)
    {
        Recover(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)), dropStale: false);
        var (state, _, hashes) = ReadStateFile(folder);
        RequireHash(folder, ModelFile, hashes.TryGetValue(ModelFile, out var expected) ? expected : "");
        string modelPath = Path.Combine(folder, ModelFile);
        Dictionary<string, Tensor> weights;
        using (var stream = File.OpenRead(modelPath)) weights = SafeTensorsFile.Read(stream, modelPath);
        try
        {
            var modelState = Trained(folder, state, model);
            RequireSame(modelPath, weights, modelState, "the model");
            using (no_grad())
            {
                foreach (var (name, target) in modelState) target.copy_(weights[name]);
            }
            return state;
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// The run folder a checkpoint belongs to: the folder above <c>checkpoints/</c>, where the command
    /// line puts them (<c>RUN/checkpoints/step-N</c>, <c>RUN/checkpoints/best</c>); null when the
    /// checkpoint lies elsewhere.
    /// </summary>
    public static string? RunFolderOf(string checkpoint)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpoint));
        string? parent = Path.GetDirectoryName(full);
        return parent is not null && Path.GetFileName(parent) == "checkpoints" ? Path.GetDirectoryName(parent) : null;
    }

    /// <summary>
    /// Deletes what interrupted saves left in <paramref name="folder"/>: <c>NAME.tmp-PID</c> folders and
    /// files, and <c>NAME.old-PID</c> folders (put back first when <c>NAME</c> itself is missing), whose
    /// process is gone. Leftovers of a live process are its saves in progress and stay; so do those
    /// of this process. Returns the names removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleTemporaries(string folder)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        foreach (string path in Directory.GetFileSystemEntries(folder, "*.tmp-*").Concat(Directory.GetFileSystemEntries(folder, "*.old-*")).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            int dash = name.LastIndexOf('-');
            if (!int.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int owner) || OwnerIsRunning(owner, path)) continue;
            bool old = name.AsSpan(0, dash).EndsWith(".old", StringComparison.Ordinal);
            if (old && Directory.Exists(path))
            {
                // A crash between Save's two renames: the previous checkpoint is only here.
                string original = Path.Combine(folder, name[..(dash - 4)]);
                if (!Directory.Exists(original) && IsComplete(path))
                {
                    Directory.Move(path, original);
                    continue;
                }
            }
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
            removed.Add(name);
        }
        return removed;
    }

    /// <summary>
    /// Whether process <paramref name="id"/> may still be writing <paramref name="path"/>: it runs
    /// and started before the leftover was last written (a process started later reuses the id).
    /// </summary>
    private static bool OwnerIsRunning(int id, string path)
    {
        if (id == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(id);
            if (process.HasExited) return false;
            // Two seconds of slack for clock granularity: when in doubt, keep it.
            return process.StartTime.ToUniversalTime() <= Directory.GetLastWriteTimeUtc(path).AddSeconds(2);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The completed <c>step-N</c> checkpoints in <paramref name="folder"/>, by step. Temporaries
    /// (<c>.tmp-*</c>, <c>.old-*</c>) and folders without a state file are not checkpoints.
    /// </summary>
    internal static IReadOnlyList<(long Step, string Path)> StepFolders(string folder) =>
        Directory.GetDirectories(folder, "step-*")
            .Select(path => (Name: Path.GetFileName(path), Path: path))
            .Where(d => d.Name.Length > 5 && d.Name[5..].All(char.IsAsciiDigit) && IsComplete(d.Path))
            .Select(d => (long.Parse(d.Name[5..], CultureInfo.InvariantCulture), d.Path))
            .OrderBy(d => d.Item1)
            .ToList();

    /// <summary>The folder name of the checkpoint after <paramref name="step"/> steps.</summary>
    internal static string StepFolderName(long step) => $"step-{step:D9}";

    private static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, StateFile));

    /// <summary>
    /// <see cref="Save"/> replaces a checkpoint with two renames (the old one aside, the new one in
    /// place) before deleting the old one: a crash between the renames leaves the previous checkpoint
    /// only under its <c>.old-PID</c> name. That one is put back when the folder is missing; with
    /// <paramref name="dropStale"/>, the leftovers of earlier crashes are then deleted.
    /// </summary>
    private static void Recover(string full, bool dropStale)
    {
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent)) return;
        var leftovers = Directory.GetDirectories(parent, Path.GetFileName(full) + ".old-*").ToList();
        if (!Directory.Exists(full) && leftovers.Where(IsComplete).OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d, StateFile))).FirstOrDefault() is { } newest)
        {
            Directory.Move(newest, full);
            leftovers.Remove(newest);
        }
        if (!dropStale) return;
        foreach (string leftover in leftovers) Directory.Delete(leftover, recursive: true);
    }

    /// <summary>
    /// The model's tensors the checkpoint holds: all of them, or with a <see cref="FrozenBase"/> those outside it, once
    /// the model is shown to hold that base already.
    /// </summary>
    private static Dictionary<string, Tensor> Trained(string folder, TrainingState state, nn.Module model)
    {
        var live = model.state_dict();
        if (state.Base is not { } frozen) return live.ToDictionary(p => p.Key, p => p.Value);
        string? absent = frozen.Names.FirstOrDefault(n => !live.ContainsKey(n));
        if (absent is not null || FrozenBase.Fingerprint(live, frozen.Names) != frozen.Sha256)
            throw new InvalidDataException(
                $"Checkpoint '{folder}' holds only what its run trained, over {frozen.Describe()} ({frozen.Names.Count} tensors), and the model's "
                + (absent is not null ? $"lack '{absent}'" : "differ from those") + "; start it from the same weights (the run's --init-from).");
        var names = frozen.Names.ToHashSet(StringComparer.Ordinal);
        return live.Where(p => !names.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
    }

    /// <summary>Names, dtypes and shapes in the file against the live ones; every difference listed.</summary>
    private static void RequireSame(string path, Dictionary<string, Tensor> saved, Dictionary<string, Tensor> live, string what)
    {
        var differences = new List<string>();
        foreach (var name in live.Keys.Where(k => !saved.ContainsKey(k))) differences.Add($"'{name}' is missing from the file");
        foreach (var name in saved.Keys.Where(k => !live.ContainsKey(k))) differences.Add($"'{name}' is in the file but not in {what}");
        foreach (var name in live.Keys.Where(saved.ContainsKey))
        {
            var (file, current) = (saved[name], live[name]);
            if (file.dtype != current.dtype || !file.shape.SequenceEqual(current.shape))
                differences.Add($"'{name}' is {file.dtype} [{string.Join(", ", file.shape)}] in the file but {current.dtype} [{string.Join(", ", current.shape)}] in {what}");
        }
        if (differences.Count > 0)
            throw new InvalidDataException($"'{path}' does not fit {what}: " + string.Join("; ", differences.Take(10)) + (differences.Count > 10 ? $"; and {differences.Count - 10} more" : "") + ".");
    }

    private static string WriteTensors(string path, IReadOnlyList<(string, Tensor)> tensors)
    {
        WriteFile(path, stream => SafeTensorsFile.Write(stream, tensors, new Dictionary<string, string> { ["format"] = "pt" }));
        return Hash(path);
    }

    private static void WriteFile(string path, Action<Stream> write)
    {
        using var stream = Training.OutputFiles.Open(path, FileMode.CreateNew);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void RequireHash(string folder, string file, string expected)
    {
        string path = Path.Combine(folder, file);
        if (!File.Exists(path)) throw new InvalidDataException($"Checkpoint '{folder}' is missing {file}.");
        string actual = Hash(path);
        if (actual != expected) throw new InvalidDataException($"'{path}' does not match the checksum in {StateFile} (expected SHA-256 {expected}, found {actual}): the file was changed or cut short; refusing to load it.");
    }

    private static TrainingState WithNormalization(string folder, TrainingState state, Dictionary<string, string> hashes)
    {
        if (!hashes.TryGetValue(NormalizationFile, out var expected)) return state;
        RequireHash(folder, NormalizationFile, expected);
        return state with { Normalization = File.ReadAllText(Path.Combine(folder, NormalizationFile), Utf8) };
    }

    /// <summary>
    /// <c>trainer.json</c>: the state's properties, then <c>checksum</c>, the SHA-256 of the canonical
    /// form of everything else (<see cref="CanonicalHash"/>), so that an edit or a flipped bit that
    /// changes any value is refused, while one that only changes whitespace is harmless.
    /// </summary>
    private static byte[] StateJson(TrainingState state, long optimizerSteps, IReadOnlyList<(string File, string Hash)> hashes)
    {
        byte[] body = Serialize(json => WriteState(json, state, optimizerSteps, hashes));
        string checksum;
        using (var document = JsonDocument.Parse(body)) checksum = CanonicalHash(document.RootElement);
        return Serialize(json =>
        {
            WriteState(json, state, optimizerSteps, hashes);
            json.WriteString(ChecksumProperty, checksum);
        });
    }

    private static byte[] Serialize(Action<Utf8JsonWriter> properties)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            properties(json);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>
    /// The SHA-256 of <paramref name="root"/> without its <c>checksum</c>, written without whitespace:
    /// names as parsed, every number, string and literal exactly as its text appears in the file.
    /// Two files with the same canonical form hold the same values.
    /// </summary>
    private static string CanonicalHash(JsonElement root)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer)) WriteCanonical(json, root, skipChecksum: true);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteCanonical(Utf8JsonWriter json, JsonElement element, bool skipChecksum)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                json.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    if (skipChecksum && property.NameEquals(ChecksumProperty)) continue;
                    json.WritePropertyName(property.Name);
                    WriteCanonical(json, property.Value, skipChecksum: false);
                }
                json.WriteEndObject();
                break;
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteCanonical(json, item, skipChecksum: false);
                json.WriteEndArray();
                break;
            default:
                json.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
        }
    }

    private static void WriteState(Utf8JsonWriter json, TrainingState state, long optimizerSteps, IReadOnlyList<(string File, string Hash)> hashes)
    {
        json.WriteString("format", Format);
        json.WriteNumber("step", state.Step);
        json.WriteNumber("epoch", state.Epoch);
        json.WriteNumber("stepInEpoch", state.StepInEpoch);
        WriteDouble(json, "epochLossSum", state.EpochLossSum);
        json.WriteNumber("optimizerSteps", optimizerSteps);
        json.WriteStartObject("schedule");
        WriteDouble(json, "rate", state.Schedule.PlateauRate);
        WriteDouble(json, "best", state.Schedule.Best);
        json.WriteNumber("badEpochs", state.Schedule.BadEpochs);
        json.WriteEndObject();
        json.WriteStartArray("history");
        foreach (var epoch in state.History)
        {
            json.WriteStartObject();
            json.WriteNumber("epoch", epoch.Epoch);
            json.WriteNumber("step", epoch.Step);
            WriteDouble(json, "trainLoss", epoch.TrainLoss);
            WriteDouble(json, "validationLoss", epoch.Validation.Loss);
            if (epoch.Validation.Accuracy is { } accuracy) WriteDouble(json, "validationAccuracy", accuracy);
            json.WriteNumber("validationSamples", epoch.Validation.Samples);
            if (epoch.Validation.Metrics.Count > 0)
            {
                json.WriteStartObject("validationMetrics");
                foreach (var (name, value) in epoch.Validation.Metrics) WriteDouble(json, name, value);
                json.WriteEndObject();
            }
            WriteDouble(json, "samplesPerSecond", epoch.SamplesPerSecond);
            WriteDouble(json, "seconds", epoch.Elapsed.TotalSeconds);
            WriteDouble(json, "learningRate", epoch.LearningRate);
            WriteDouble(json, "dataWaitShare", epoch.DataWaitShare);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (state.Config is { } config)
        {
            json.WritePropertyName("config");
            using var document = JsonDocument.Parse(config);
            document.RootElement.WriteTo(json);
        }
        if (state.RunOptions is { } run)
        {
            json.WritePropertyName("run");
            using var document = JsonDocument.Parse(run);
            document.RootElement.WriteTo(json);
        }
        if (state.Base is { } frozen)
        {
            json.WriteStartObject("base");
            json.WriteString("from", frozen.From);
            json.WriteString("sha256", frozen.Sha256);
            json.WriteStartArray("tensors");
            foreach (var name in frozen.Names) json.WriteStringValue(name);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        if (state.LossScale is { } scale)
        {
            json.WriteStartObject("lossScale");
            WriteDouble(json, "scale", scale.Scale);
            json.WriteNumber("goodSteps", scale.GoodSteps);
            json.WriteEndObject();
        }
        json.WriteStartObject("sha256");
        foreach (var (file, hash) in hashes) json.WriteString(file, hash);
        json.WriteEndObject();
    }

    /// <summary>
    /// JSON has no NaN or infinity (<see cref="Utf8JsonWriter"/> throws on them), and a diverged
    /// validation or a plateau schedule's untouched best holds one: those go out as the strings
    /// "NaN", "Infinity" and "-Infinity", which <see cref="ReadDouble"/> reads back.
    /// </summary>
    private static void WriteDouble(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
    }

    private static double ReadDouble(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : element.GetDouble();

    private static (TrainingState State, long OptimizerSteps, Dictionary<string, string> Hashes) ReadStateFile(string folder)
    {
        string path = Path.Combine(folder, StateFile);
        if (!File.Exists(path)) throw new InvalidDataException($"'{folder}' is not a complete checkpoint: {StateFile} is missing.");
        return ParseState(File.ReadAllBytes(path), path);
    }

    /// <summary>The content of a <c>trainer.json</c>, checked against its own checksum; <paramref name="path"/> names it in errors.</summary>
    internal static (TrainingState State, long OptimizerSteps, Dictionary<string, string> Hashes) ParseState(byte[] bytes, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"'{path}' is not a checkpoint state file: it holds no JSON object.");
            string? format = root.TryGetProperty("format", out var formatElement) && formatElement.ValueKind == JsonValueKind.String ? formatElement.GetString() : null;
            if (format == "sculpt-checkpoint/1")
                throw new InvalidDataException($"'{path}' is a sculpt-checkpoint/1 file, written before checkpoints carried the run's hyperparameters and a checksum of their own; this version of Sculpt resumes only {Format} checkpoints.");
            if (format != Format) throw new InvalidDataException($"'{path}' is not a {Format} file.");
            var checksums = root.EnumerateObject().Where(p => p.NameEquals(ChecksumProperty)).ToList();
            if (checksums.Count != 1 || checksums[0].Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"'{path}' has no checksum of its own; refusing to load it.");
            if (!string.Equals(CanonicalHash(root), checksums[0].Value.GetString(), StringComparison.Ordinal))
                throw new InvalidDataException($"'{path}' does not match its own checksum: the file was changed or cut short; refusing to load it.");

            var schedule = root.GetProperty("schedule");
            var history = root.GetProperty("history").EnumerateArray().Select(e => new Training.EpochReport(
                e.GetProperty("epoch").GetInt32(),
                e.GetProperty("step").GetInt64(),
                ReadDouble(e.GetProperty("trainLoss")),
                new Training.Evaluation(
                    ReadDouble(e.GetProperty("validationLoss")),
                    e.TryGetProperty("validationAccuracy", out var accuracy) ? ReadDouble(accuracy) : null,
                    e.GetProperty("validationSamples").GetInt64())
                {
                    Metrics = e.TryGetProperty("validationMetrics", out var metrics)
                        ? metrics.EnumerateObject().ToDictionary(m => m.Name, m => ReadDouble(m.Value))
                        : new Dictionary<string, double>(),
                },
                ReadDouble(e.GetProperty("samplesPerSecond")),
                TimeSpan.FromSeconds(ReadDouble(e.GetProperty("seconds"))),
                ReadDouble(e.GetProperty("learningRate")))
            {
                DataWaitShare = ReadDouble(e.GetProperty("dataWaitShare")),
            }).ToList();
            var state = new TrainingState(
                root.GetProperty("step").GetInt64(),
                root.GetProperty("epoch").GetInt32(),
                root.GetProperty("stepInEpoch").GetInt64(),
                ReadDouble(root.GetProperty("epochLossSum")),
                new ScheduleState(ReadDouble(schedule.GetProperty("rate")), ReadDouble(schedule.GetProperty("best")), schedule.GetProperty("badEpochs").GetInt32()),
                history)
            {
                Config = root.TryGetProperty("config", out var config) ? config.GetRawText() : null,
                RunOptions = root.TryGetProperty("run", out var run) ? run.GetRawText() : null,
                Base = root.TryGetProperty("base", out var frozen)
                    ? new FrozenBase(frozen.GetProperty("from").GetString()!, frozen.GetProperty("tensors").EnumerateArray().Select(t => t.GetString()!).ToList(), frozen.GetProperty("sha256").GetString()!)
                    : null,
                LossScale = root.TryGetProperty("lossScale", out var scale)
                    ? new MixedPrecision.LossScaleState(ReadDouble(scale.GetProperty("scale")), scale.GetProperty("goodSteps").GetInt32())
                    : null,
            };
            var hashes = root.GetProperty("sha256").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            return (state, root.GetProperty("optimizerSteps").GetInt64(), hashes);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"'{path}' is not a valid checkpoint state file: {error.Message.ReplaceLineEndings(" ")}", error);
        }
    }
}
