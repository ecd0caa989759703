using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
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
public sealed record TrainingState(long Step, int Epoch, long StepInEpoch, double EpochLossSum, ScheduleState Schedule, IReadOnlyList<Training.EpochReport> History);

/// <summary>
/// A checkpoint folder: <c>model.safetensors</c> (the state dict, readable by PyTorch and Hugging Face
/// tools), <c>optimizer.safetensors</c> (optimizer buffers and the CPU random generator's state;
/// TorchSharp cannot reach the CUDA generator's, so a GPU run reseeds it every step instead) and
/// <c>trainer.json</c> (step, epoch, schedule, history, and the SHA-256 of both tensor files).
/// Written to a temporary folder, each file flushed to disk, then renamed into place: a crash
/// leaves the previous checkpoint whole. Loading verifies the checksums first, then names, dtypes
/// and shapes, and reports every difference by name.
/// </summary>
public static class Checkpoint
{
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "trainer.json";
    private const string Format = "sculpt-checkpoint/1";
    private const string RandomState = "rng_state";

    public static void Save(string folder, nn.Module model, FusedOptimizer optimizer, TrainingState state)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        Recover(full, dropStale: true);
        string temporary = full + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);
        try
        {
            string modelHash = WriteTensors(Path.Combine(temporary, ModelFile), model.state_dict().Select(p => (p.Key, p.Value)).ToList());
            using var random = get_rng_state();
            var optimizerTensors = optimizer.State.Select(p => (p.Key, p.Value)).Append((RandomState, random)).ToList();
            string optimizerHash = WriteTensors(Path.Combine(temporary, OptimizerFile), optimizerTensors);
            WriteFile(Path.Combine(temporary, StateFile), stream => WriteState(stream, state, optimizer.Steps, modelHash, optimizerHash));
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

    /// <summary>Restores weights (in place, so flat buffers stay attached), optimizer buffers and the random state; returns where the run stood.</summary>
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
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath)) throw new InvalidDataException($"'{folder}' is not a complete checkpoint: {StateFile} is missing.");
        var (state, steps, hashes) = ReadState(statePath);
        foreach (var (file, expected) in hashes)
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path)) throw new InvalidDataException($"Checkpoint '{folder}' is missing {file}.");
            string actual = Hash(path);
            if (actual != expected) throw new InvalidDataException($"'{path}' does not match the checksum in {StateFile} (expected SHA-256 {expected}, found {actual}): the file was changed or cut short; refusing to load it.");
        }

        string modelPath = Path.Combine(folder, ModelFile);
        Dictionary<string, Tensor> weights;
        using (var stream = File.OpenRead(modelPath)) weights = SafeTensorsFile.Read(stream, modelPath);
        string optimizerPath = Path.Combine(folder, OptimizerFile);
        Dictionary<string, Tensor> buffers;
        using (var stream = File.OpenRead(optimizerPath)) buffers = SafeTensorsFile.Read(stream, optimizerPath);
        try
        {
            var modelState = model.state_dict();
            RequireSame(modelPath, weights, modelState.ToDictionary(p => p.Key, p => p.Value), "the model");
            var optimizerState = optimizer.State.ToDictionary(p => p.Key, p => p.Value);
            RequireSame(optimizerPath, buffers.Where(p => p.Key != RandomState).ToDictionary(p => p.Key, p => p.Value), optimizerState, "the optimizer");
            using (no_grad())
            {
                foreach (var (name, target) in modelState) target.copy_(weights[name]);
                foreach (var (name, target) in optimizerState) target.copy_(buffers[name]);
            }
            if (buffers.TryGetValue(RandomState, out var random)) set_rng_state(random);
            optimizer.Restore(steps);
            return state;
        }
        finally
        {
            foreach (var tensor in weights.Values.Concat(buffers.Values)) tensor.Dispose();
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

    private static void WriteState(Stream stream, TrainingState state, long optimizerSteps, string modelHash, string optimizerHash)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
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
            WriteDouble(json, "samplesPerSecond", epoch.SamplesPerSecond);
            WriteDouble(json, "seconds", epoch.Elapsed.TotalSeconds);
            WriteDouble(json, "learningRate", epoch.LearningRate);
            WriteDouble(json, "dataWaitShare", epoch.DataWaitShare);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("sha256");
        json.WriteString(ModelFile, modelHash);
        json.WriteString(OptimizerFile, optimizerHash);
        json.WriteEndObject();
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

    private static (TrainingState State, long OptimizerSteps, Dictionary<string, string> Hashes) ReadState(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != Format) throw new InvalidDataException($"'{path}' is not a {Format} file.");
            var schedule = root.GetProperty("schedule");
            var history = root.GetProperty("history").EnumerateArray().Select(e => new Training.EpochReport(
                e.GetProperty("epoch").GetInt32(),
                e.GetProperty("step").GetInt64(),
                ReadDouble(e.GetProperty("trainLoss")),
                new Training.Evaluation(
                    ReadDouble(e.GetProperty("validationLoss")),
                    e.TryGetProperty("validationAccuracy", out var accuracy) ? ReadDouble(accuracy) : null,
                    e.GetProperty("validationSamples").GetInt64()),
                ReadDouble(e.GetProperty("samplesPerSecond")),
                TimeSpan.FromSeconds(ReadDouble(e.GetProperty("seconds"))),
                ReadDouble(e.GetProperty("learningRate")))
            {
                // Absent from checkpoints written before the share was recorded.
                DataWaitShare = e.TryGetProperty("dataWaitShare", out var wait) ? ReadDouble(wait) : 0,
            }).ToList();
            var state = new TrainingState(
                root.GetProperty("step").GetInt64(),
                root.GetProperty("epoch").GetInt32(),
                root.GetProperty("stepInEpoch").GetInt64(),
                ReadDouble(root.GetProperty("epochLossSum")),
                new ScheduleState(ReadDouble(schedule.GetProperty("rate")), ReadDouble(schedule.GetProperty("best")), schedule.GetProperty("badEpochs").GetInt32()),
                history);
            var hashes = root.GetProperty("sha256").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            return (state, root.GetProperty("optimizerSteps").GetInt64(), hashes);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a valid checkpoint state file: {error.Message}", error);
        }
    }
}
