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
    public override string ToString() =>
        $"{Loaded.Count} loaded, {Missing.Count} missing, {Unexpected.Count} unexpected, {Misshaped.Count} mis-shaped"
        + Listed("missing", Missing) + Listed("unexpected", Unexpected) + Listed("mis-shaped", Misshaped);

    private static string Listed(string what, IReadOnlyList<string> names) =>
        names.Count == 0 ? "" : $"; {what}: {string.Join(", ", names.Take(5))}{(names.Count > 5 ? $" and {names.Count - 5} more" : "")}";
}

/// <summary>
/// Weights published by others (a safetensors file from PyTorch, Hugging Face or Sculpt) loaded into a model by name.
/// Names are matched after the model's <see cref="RenameWeightsAttribute"/> rules; <see cref="StateNameAttribute"/>
/// gives a component the name the publisher used. Nothing is copied unless everything fits.
/// </summary>
public static class PublishedWeights
{
    /// <summary>
    /// Copies the file's tensors into <paramref name="model"/> in place (flat buffers stay attached), converting the
    /// element type where the file's differs. Refused, with nothing copied, when a tensor is mis-shaped, when two
    /// names of the file become one, or when the model has tensors the file lacks and <paramref name="allowMissing"/> is false.
    /// </summary>
    /// <exception cref="InvalidDataException">The file cannot be read or does not fit the model; the message names the tensors.</exception>
    public static WeightLoadReport Load(nn.Module model, string path, IReadOnlyList<(string Pattern, string Replacement)>? renames = null, bool allowMissing = false)
    {
        Dictionary<string, Tensor> file;
        try
        {
            using var stream = File.OpenRead(path);
            file = SafeTensorsFile.Read(stream, path);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Cannot read the weights '{path}': {problem.Message}", problem);
        }
        try
        {
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

            var state = model.state_dict();
            var loaded = new List<string>();
            var missing = new List<string>();
            var misshaped = new List<string>();
            foreach (var (name, target) in state)
            {
                if (!renamed.TryGetValue(name, out var source)) missing.Add(name);
                else if (!source.shape.SequenceEqual(target.shape)) misshaped.Add($"{name}: file [{string.Join(", ", source.shape)}], model [{string.Join(", ", target.shape)}]");
                else loaded.Add(name);
            }
            var unexpected = renamed.Keys.Where(name => !state.ContainsKey(name)).Select(name => origin[name] == name ? name : $"{name} (from {origin[name]})").ToList();
            var report = new WeightLoadReport(loaded, missing, unexpected, misshaped);
            if (misshaped.Count > 0 || (missing.Count > 0 && !allowMissing))
                throw new InvalidDataException($"'{path}' does not fit the model: {report}.");
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
}
