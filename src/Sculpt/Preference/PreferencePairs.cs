using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.Data;
using static TorchSharp.torch;

namespace Sculpt.Preference;

/// <summary>One human (or programmatic) judgement: for a prompt, the completion preferred over another, as tokens.</summary>
public sealed record PreferenceRecord(int[] Prompt, int[] Chosen, int[] Rejected);

/// <summary>
/// Preference pairs as a <see cref="TensorDataset"/> a <c>Loss.Dpo</c> trainer reads, so that batching, shuffling,
/// splitting and sharding work as for any data: each sample's features are <c>[2, L]</c> tokens (the prompt followed
/// by the chosen completion, then by the rejected one, padded with 0) and its targets are <c>[2, L]</c> with 1 where a
/// token belongs to the completion. The model reads the first L - 1 tokens of each row and is scored on the next.
/// </summary>
public static class PreferencePairs
{
    /// <summary>The dataset of <paramref name="records"/> for a model reading <paramref name="context"/> tokens.</summary>
    /// <exception cref="InvalidDataException">A record is empty or longer than the model reads; the message names it in <paramref name="source"/>.</exception>
    public static TensorDataset Create(IReadOnlyList<PreferenceRecord> records, int context, string source = "preference pairs")
    {
        if (records.Count == 0) throw new InvalidDataException($"{source} holds no preference pairs.");
        int length = context + 1;
        var tokens = new long[records.Count * 2 * length];
        var mask = new float[tokens.Length];
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record.Prompt.Length == 0) throw new InvalidDataException($"{source}, pair {i + 1}: the prompt is empty; the model needs at least one token to continue.");
            foreach (var (completion, row) in new[] { (record.Chosen, 0), (record.Rejected, 1) })
            {
                string which = row == 0 ? "chosen" : "rejected";
                if (completion.Length == 0) throw new InvalidDataException($"{source}, pair {i + 1}: the {which} completion is empty.");
                int total = record.Prompt.Length + completion.Length;
                if (total > length)
                    throw new InvalidDataException($"{source}, pair {i + 1}: the prompt and {which} completion are {total} tokens, but the model reads {context} and is scored on one more ({length}); shorten them.");
                int offset = (i * 2 + row) * length;
                for (int j = 0; j < record.Prompt.Length; j++) tokens[offset + j] = record.Prompt[j];
                for (int j = 0; j < completion.Length; j++)
                {
                    tokens[offset + record.Prompt.Length + j] = completion[j];
                    mask[offset + record.Prompt.Length + j] = 1;
                }
            }
        }
        long[] shape = [records.Count, 2, length];
        return new TensorDataset(tensor(tokens).view(shape), tensor(mask).view(shape));
    }

    /// <summary>What the model reads of a batch of pairs <c>[B, 2, L]</c>: <c>[2B, L - 1]</c>, each pair's chosen row then its rejected row.</summary>
    public static Tensor ModelInput(Tensor pairs) => pairs.flatten(0, 1).narrow(1, 0, pairs.size(-1) - 1);

    /// <summary>The tokens each position is scored on, and whether it counts, for <see cref="ModelInput"/>: <c>[2B, L - 1]</c> each.</summary>
    public static (Tensor Targets, Tensor Mask) Scored(Tensor pairs, Tensor masks)
    {
        long length = pairs.size(-1);
        return (pairs.flatten(0, 1).narrow(1, 1, length - 1), masks.flatten(0, 1).narrow(1, 1, length - 1));
    }

    /// <summary>
    /// Reads JSON lines <c>{"prompt": ..., "chosen": ..., "rejected": ...}</c> (TRL's preference format), tokenizing each
    /// text with <paramref name="tokenize"/> (which throws <see cref="ArgumentException"/> for text it cannot take).
    /// Blank lines are skipped.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is not such an object or does not tokenize; the message names the file and line.</exception>
    public static List<PreferenceRecord> ReadJsonLines(string path, Func<string, int[]> tokenize)
    {
        var records = new List<PreferenceRecord>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string where = $"{path}:{number}";
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException problem)
            {
                throw new InvalidDataException($"{where}: not a JSON object ({problem.Message.Split('.')[0]}).", problem);
            }
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where}: not a JSON object, but a {root.ValueKind.ToString().ToLowerInvariant()}.");
            int[] Field(string name)
            {
                if (!root.TryGetProperty(name, out var value)) throw new InvalidDataException($"{where}: the record has no \"{name}\" (a preference record has \"prompt\", \"chosen\" and \"rejected\").");
                if (value.ValueKind != JsonValueKind.String) throw new InvalidDataException($"{where}: \"{name}\" is a {value.ValueKind.ToString().ToLowerInvariant()}, not text.");
                try
                {
                    return tokenize(value.GetString()!);
                }
                catch (ArgumentException problem)
                {
                    throw new InvalidDataException($"{where}: \"{name}\": {problem.Message}", problem);
                }
            }
            var record = new PreferenceRecord(Field("prompt"), Field("chosen"), Field("rejected"));
            if (record.Chosen.SequenceEqual(record.Rejected)) throw new InvalidDataException($"{where}: \"chosen\" and \"rejected\" are the same text, which says nothing about what is preferred.");
            records.Add(record);
        }
        if (records.Count == 0) throw new InvalidDataException($"{path} holds no preference records.");
        return records;
    }
}
