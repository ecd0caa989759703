using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Checkpoints;

/// <summary>What loading a weights file into a model did, name by name (the model's names).</summary>
/// <param name="Loaded">Tensors copied into the model.</param>
/// <param name="Missing">The model's tensors the file lacks: they keep their values.</param>
/// <param name="Unexpected">The file's tensors (after renaming) the model has no place for.</param>
/// <param name="Misshaped">Tensors present on both sides with different shapes, as <c>name: file [..], model [..]</c>.</param>
public sealed record WeightLoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<string> Misshaped)
{
    /// <summary>The model's tensors of components declared fresh: they keep their initial values whatever the file holds.</summary>
    public IReadOnlyList<string> Fresh { get; init; } = [];

    public override string ToString() =>
        $"{Loaded.Count} loaded, {Missing.Count} missing, {Unexpected.Count} unexpected, {Misshaped.Count} mis-shaped"
        + (Fresh.Count > 0 ? $", {Fresh.Count} fresh" : "")
        + Listed("missing", Missing) + Listed("unexpected", Unexpected) + Listed("mis-shaped", Misshaped) + Listed("fresh", Fresh);

    private static string Listed(string what, IReadOnlyList<string> names) =>
        names.Count == 0 ? "" : $"; {what}: {string.Join(", ", names.Take(5))}{(names.Count > 5 ? $" and {names.Count - 5} more" : "")}";
}

/// <summary>
/// Weights published by others loaded into a model by name: a safetensors file (PyTorch, Hugging Face, Sculpt) or a
/// PyTorch state dict saved with <c>torch.save(model.state_dict(), ...)</c> (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>, read by
/// TorchSharp.PyBridge, which builds tensors and dictionaries only and runs none of the file's code). Names are matched
/// after the model's <see cref="RenameWeightsAttribute"/> rules; <see cref="StateNameAttribute"/> gives a component the
/// name the publisher used. Nothing is copied unless everything fits.
/// </summary>
public static class PublishedWeights
{
    /// <summary>
    /// Copies the file's tensors into <paramref name="model"/> in place (flat buffers stay attached), converting the
    /// element type where the file's differs. Refused, with nothing copied, when a tensor is mis-shaped, when two
    /// names of the file become one, or when the model has tensors the file lacks and <paramref name="allowMissing"/> is false.
    /// The tensors of <paramref name="fresh"/> components (state-dict names such as <c>Classify</c> or <c>features.3</c>)
    /// are left as initialised: a new head whose shape differs from the file's is the common case.
    /// </summary>
    /// <exception cref="InvalidDataException">The file cannot be read or does not fit the model; the message names the tensors.</exception>
    public static WeightLoadReport Load(nn.Module model, string path, IReadOnlyList<(string Pattern, string Replacement)>? renames = null, bool allowMissing = false,
        IReadOnlyCollection<string>? fresh = null)
    {
        var file = Read(path);
        try
        {
            var state = model.state_dict();
            fresh ??= [];
            if (Models.ComponentNames.Unknown(state.Keys, fresh) is { } unknown)
                throw new InvalidDataException($"'{path}': no component of the model is named {unknown}, so it cannot start fresh; components: {Models.ComponentNames.Describe(state.Keys)}.");
            var rules = (renames ?? []).Select(r => (Regex: new Regex(r.Pattern, RegexOptions.CultureInvariant), r.Replacement)).ToList();
            var renamed = new Dictionary<string, Tensor>();
            var origin = new Dictionary<string, string>();
            foreach (var (published, tensor) in file)
            {
                string name = rules.Aggregate(published, (current, rule) => rule.Regex.Replace(current, rule.Replacement));
                if (origin.TryGetValue(name, out var other))
                    throw new InvalidDataException($"'{path}': the weights '{other}' and '{published}' are both renamed to '{name}'; the model's [RenameWeights] rules must keep names apart.");
                origin[name] = published;
                renamed[name] = tensor;
            }

            var loaded = new List<string>();
            var missing = new List<string>();
            var misshaped = new List<string>();
            var kept = new List<string>();
            foreach (var (name, target) in state)
            {
                if (Models.ComponentNames.Within(name, fresh)) kept.Add(name);
                else if (!renamed.TryGetValue(name, out var source)) missing.Add(name);
                else if (!source.shape.SequenceEqual(target.shape)) misshaped.Add($"{name}: file [{string.Join(", ", source.shape)}], model [{string.Join(", ", target.shape)}]");
                else loaded.Add(name);
            }
            // A fresh component's tensors in the file (the old head) are not unexpected: the declaration says they are replaced.
            var unexpected = renamed.Keys.Where(name => !state.ContainsKey(name) && !Models.ComponentNames.Within(name, fresh))
                .Select(name => origin[name] == name ? name : $"{name} (from {origin[name]})").ToList();
            var report = new WeightLoadReport(loaded, missing, unexpected, misshaped) { Fresh = kept };
            if (misshaped.Count > 0 || (missing.Count > 0 && !allowMissing))
            {
                throw new InvalidDataException($"'{path}' does not fit the model: {report}. A component meant to start from its initialiser (a new head) can be declared fresh (--fresh NAME).");
            }
            using (no_grad())
            {
                foreach (var name in loaded) state[name].copy_(renamed[name]);
            }
            return report;
        }
        finally
        {
            foreach (var tensor in file.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// The tensors of a safetensors file or a PyTorch state dict (told apart by the zip signature PyTorch writes); a
    /// folder is read as a Sculpt checkpoint (its <c>model.safetensors</c>), so a run's <c>checkpoints/best</c> can be named.
    /// </summary>
    /// <exception cref="InvalidDataException">The file cannot be read as either; the message names it.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (Directory.Exists(path))
        {
            string model = Path.Combine(path, Checkpoint.ModelFile);
            if (!File.Exists(model)) throw new InvalidDataException($"The folder '{path}' holds no {Checkpoint.ModelFile}; name a checkpoint folder (runs/NAME/checkpoints/best) or a weights file.");
            if (File.Exists(Path.Combine(path, Checkpoint.StateFile)) && Checkpoint.ReadState(path).Base is { } frozen)
                throw new InvalidDataException(
                    $"Checkpoint '{path}' is of a LoRA run and holds only what it trained, over {frozen.Describe()}; start from the run's merged.safetensors (its adapters folded into the base weights) instead.");
            path = model;
        }
        else if (string.Equals(Path.GetExtension(path), ".dat", StringComparison.OrdinalIgnoreCase) && File.Exists(path))
        {
            throw new InvalidDataException($"'{path}' is in TorchSharp's own format, which is read whole into the same model only; start from the run's checkpoint instead (runs/NAME/checkpoints/best), whose model.safetensors is read by name.");
        }
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> signature = stackalloc byte[4];
            int read = stream.ReadAtLeast(signature, 4, throwOnEndOfStream: false);
            stream.Position = 0;
            if (read == 4 && signature.SequenceEqual("PK\u0003\u0004"u8)) return ReadPyTorch(stream, path);
            return SafeTensorsFile.Read(stream, path);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Cannot read the weights '{path}': {problem.Message}", problem);
        }
    }

    private static Dictionary<string, Tensor> ReadPyTorch(Stream stream, string path)
    {
        System.Collections.Hashtable table;
        try
        {
            table = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        }
        catch (Exception problem) when (problem is not OutOfMemoryException)
        {
            // The unpickler reports a whole pickled model, an old format or a damaged archive with exceptions of many kinds.
            throw new InvalidDataException($"'{path}' is not a PyTorch state dict Sculpt can read ({problem.Message.TrimEnd('.')}); save it with torch.save(model.state_dict(), path), or as safetensors.", problem);
        }
        var result = new Dictionary<string, Tensor>();
        foreach (System.Collections.DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor tensor) result[name] = tensor;
        }
        if (result.Count == 0) throw new InvalidDataException($"'{path}' holds no tensors; save a state dict with torch.save(model.state_dict(), path).");
        return result;
    }
}
