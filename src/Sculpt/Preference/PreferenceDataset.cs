using System;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.Text;

namespace Sculpt.Preference;

/// <summary>
/// Preference data declared in one line: a file of pairs or ratings (JSON lines or CSV, <see cref="PreferencePairs.Read"/>)
/// tokenized with the model's tokenizer into pairs for a model reading <paramref name="context"/> tokens, with
/// <paramref name="validation"/> of them held out. Derive from it and name the trainer's data:
/// <code>public sealed class HelpfulPairs() : PreferenceDataset("pairs.jsonl", TextTokenizer.Gpt2, context: 128);</code>
/// The path is looked up as other datasets' are; the command line's <c>--data FOLDER</c> reads it from there. Every
/// malformed record is refused with its file and line.
/// </summary>
public abstract class PreferenceDataset(string path, TextTokenizer tokenizer, int context, double validation = 0.1, double minimumGap = 0) : IFileDataSource
{
    public string? DataFolder { get; set; }

    public DataSplits Load(int seed)
    {
        if (!(validation > 0 && validation < 1)) throw new ArgumentOutOfRangeException(nameof(validation), validation, "The share held out for validation is between 0 and 1.");
        string file = DatasetLoader.Resolve(path, DataFolder);
        if (!File.Exists(file)) throw new FileNotFoundException($"{file} does not exist.", file);
        var records = PreferencePairs.Read(file, text => tokenizer.Encode(text).Select(token => checked((int)token)).ToArray(), minimumGap);
        using var all = PreferencePairs.Create(records, context, file);
        var (train, held) = all.Split(validation, seed);
        return new DataSplits(train, held) { Source = file };
    }
}
