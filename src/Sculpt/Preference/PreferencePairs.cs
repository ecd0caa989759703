using System;
using System.Collections.Generic;
using System.IO;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Sculpt.Data;
using Sculpt.Data.Tabular;
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
    /// Reads preference data in either form, each text tokenized with <paramref name="tokenize"/> (which throws
    /// <see cref="ArgumentException"/> for text it cannot take): pairs <c>prompt, chosen, rejected</c> (TRL's preference
    /// format), or ratings <c>prompt, completion, score</c>, which become pairs by <see cref="FromRatings"/>. A <c>.csv</c>
    /// file has a header naming the columns (others are ignored; quoted fields may hold commas and newlines); any other
    /// file is JSON lines, one object per line, blank lines skipped. The first record decides the form.
    /// </summary>
    /// <exception cref="InvalidDataException">A record is malformed, of the other form, or does not tokenize; the message names the file and line.</exception>
    public static List<PreferenceRecord> Read(string path, Func<string, int[]> tokenize, double minimumGap = 0)
    {
        var pairs = new List<PreferenceRecord>();
        var ratings = new List<RatingRecord>();
        bool? rated = null;
        foreach (var record in string.Equals(Path.GetExtension(path), ".csv", StringComparison.OrdinalIgnoreCase) ? CsvRecords(path) : JsonRecords(path))
        {
            rated ??= record.Has("completion") || record.Has("score") ? true
                : record.Has("chosen") || record.Has("rejected") ? false
                : throw new InvalidDataException($"{record.Where}: the record has neither \"chosen\" and \"rejected\" (a preference pair) nor \"completion\" and \"score\" (a rating).");
            int[] Tokens(string name)
            {
                string text = record.Text(name, rated.Value);
                try
                {
                    return tokenize(text);
                }
                catch (ArgumentException problem)
                {
                    throw new InvalidDataException($"{record.Where}: \"{name}\": {problem.Message}", problem);
                }
            }
            if (rated.Value)
            {
                ratings.Add(new RatingRecord(Tokens("prompt"), Tokens("completion"), record.Number("score")));
                continue;
            }
            var pair = new PreferenceRecord(Tokens("prompt"), Tokens("chosen"), Tokens("rejected"));
            if (pair.Chosen.SequenceEqual(pair.Rejected)) throw new InvalidDataException($"{record.Where}: \"chosen\" and \"rejected\" are the same text, which says nothing about what is preferred.");
            pairs.Add(pair);
        }
        if (rated is null) throw new InvalidDataException($"{path} holds no preference records.");
        if (rated == false) return pairs;
        var made = FromRatings(ratings, minimumGap);
        if (made.Count == 0)
            throw new InvalidDataException($"{path}: no prompt has two completions whose scores differ by more than {minimumGap.ToString(CultureInfo.InvariantCulture)}, so its {ratings.Count} ratings make no preference pairs.");
        return made;
    }

    /// <summary>
    /// Pairs from ratings, as InstructGPT made them from rankings: of every two different completions of one prompt
    /// whose scores differ by more than <paramref name="minimumGap"/>, the higher-scored one is chosen. A prompt with K
    /// rated completions gives up to K(K - 1)/2 pairs, in the order the ratings came.
    /// </summary>
    public static List<PreferenceRecord> FromRatings(IReadOnlyList<RatingRecord> ratings, double minimumGap = 0)
    {
        var pairs = new List<PreferenceRecord>();
        foreach (var group in ratings.GroupBy(r => r.Prompt, TokenComparer.Instance))
        {
            var rated = group.ToList();
            for (int i = 0; i < rated.Count; i++)
            {
                for (int j = i + 1; j < rated.Count; j++)
                {
                    var (a, b) = (rated[i], rated[j]);
                    if (Math.Abs(a.Score - b.Score) <= minimumGap || a.Completion.SequenceEqual(b.Completion)) continue;
                    pairs.Add(a.Score > b.Score ? new PreferenceRecord(a.Prompt, a.Completion, b.Completion) : new PreferenceRecord(a.Prompt, b.Completion, a.Completion));
                }
            }
        }
        return pairs;
    }

    private sealed class TokenComparer : IEqualityComparer<int[]>
    {
        public static readonly TokenComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] tokens)
        {
            var hash = new HashCode();
            foreach (int token in tokens) hash.Add(token);
            return hash.ToHashCode();
        }
    }

    /// <summary>One record of a preference file: where it is, and its fields by name, each text or a number.</summary>
    private sealed class RawRecord(string where, IReadOnlyDictionary<string, JsonElement> fields)
    {
        public string Where { get; } = where;

        public bool Has(string name) => fields.ContainsKey(name);

        private JsonElement Field(string name, bool rated) => fields.TryGetValue(name, out var value) ? value
            : throw new InvalidDataException($"{Where}: the record has no \"{name}\" ({(rated ? "a rating has \"prompt\", \"completion\" and \"score\"" : "a preference record has \"prompt\", \"chosen\" and \"rejected\"")}).");

        public string Text(string name, bool rated)
        {
            var value = Field(name, rated);
            return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new InvalidDataException($"{Where}: \"{name}\" is a {Kind(value)}, not text.");
        }

        public double Number(string name)
        {
            var value = Field(name, rated: true);
            double number = value.ValueKind switch
            {
                JsonValueKind.Number => value.GetDouble(),
                JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
                _ => throw new InvalidDataException($"{Where}: \"{name}\" is {(value.ValueKind == JsonValueKind.String ? $"'{value.GetString()}'" : "a " + Kind(value))}, not a number."),
            };
            return double.IsFinite(number) ? number : throw new InvalidDataException($"{Where}: \"{name}\" is {number.ToString(CultureInfo.InvariantCulture)}; a score is a finite number.");
        }

        private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
    }

    private static IEnumerable<RawRecord> JsonRecords(string path)
    {
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
            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject()) fields[property.Name] = property.Value;
            yield return new RawRecord(where, fields);
        }
    }

    /// <summary>A CSV field as the JSON text it stands for: scores are parsed from text either way.</summary>
    private static JsonElement TextElement(string text)
    {
        using var document = JsonDocument.Parse("\"" + JsonEncodedText.Encode(text).ToString() + "\"");
        return document.RootElement.Clone();
    }

    private static IEnumerable<RawRecord> CsvRecords(string path)
    {
        using var reader = new CsvRecordReader(path);
        var header = reader.Header;
        var known = new[] { "prompt", "chosen", "rejected", "completion", "score" };
        while (reader.Read())
        {
            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            for (int i = 0; i < header.Count && i < reader.FieldCount; i++)
            {
                if (known.Contains(header[i])) fields[header[i]] = TextElement(reader.FieldText(i));
            }
            yield return new RawRecord($"{path}:{reader.Line}", fields);
        }
    }
}

/// <summary>One rating: a completion of a prompt, as tokens, and how good it was judged (higher is better).</summary>
public sealed record RatingRecord(int[] Prompt, int[] Completion, double Score);
