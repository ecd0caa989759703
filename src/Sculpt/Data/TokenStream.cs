using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Sculpt.Text;
using static TorchSharp.torch;

namespace Sculpt.Data;

/// <summary>
/// A text corpus as one stream of token ids, tokenized once and cached: the ids go to
/// <c>&lt;cache&gt;/&lt;tokenizer&gt;-&lt;sha256 of the text&gt;.tokens</c> (little-endian int32), so a
/// second run, or any run on the same text, reads them instead of tokenizing again.
/// </summary>
public static class TokenStream
{
    /// <summary>The ids of <paramref name="text"/>; <paramref name="fromCache"/> says whether tokenizing was skipped.</summary>
    public static long[] Load(string text, TextTokenizer tokenizer, string cacheFolder, out bool fromCache)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        string path = Path.Combine(cacheFolder, $"{tokenizer.Name}-{hash}.tokens");
        if (File.Exists(path) && Read(path) is { } cached)
        {
            fromCache = true;
            return cached;
        }
        var tokens = tokenizer.Encode(text);
        Directory.CreateDirectory(cacheFolder);
        string temporary = path + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(tokens.Length);
            foreach (long token in tokens) writer.Write(checked((int)token));
        }
        File.Move(temporary, path, overwrite: true);
        fromCache = false;
        return tokens;
    }

    /// <summary>
    /// Next-token windows of <paramref name="context"/> tokens, back to back: inputs <c>[N, context]</c>
    /// and targets shifted by one, both int64.
    /// </summary>
    public static TensorDataset Windows(IReadOnlyList<long> tokens, int context)
    {
        if (context < 1) throw new ArgumentOutOfRangeException(nameof(context), $"must be positive; got {context}");
        long count = (tokens.Count - 1) / context;
        if (count < 1) throw new ArgumentException($"{tokens.Count} tokens do not fill one window of {context} and its next token.", nameof(tokens));
        using var stream = tensor(tokens.Take((int)(count * context + 1)).ToArray());
        var inputs = stream.narrow(0, 0, count * context).view(count, context).clone();
        var targets = stream.narrow(0, 1, count * context).view(count, context).clone();
        return new TensorDataset(inputs, targets);
    }

    /// <summary>The cached ids, or null when the file is cut short (it is then rewritten).</summary>
    private static long[]? Read(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length < 4) return null;
        using var reader = new BinaryReader(stream);
        int count = reader.ReadInt32();
        if (count < 0 || stream.Length != 4 + 4L * count) return null;
        var tokens = new long[count];
        for (int i = 0; i < count; i++) tokens[i] = reader.ReadInt32();
        return tokens;
    }
}
