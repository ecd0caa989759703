using System;
using System.Collections.Generic;
using System.Text;

namespace Sculpt.Text;

/// <summary>
/// Characters as token ids: each character of an alphabet is one token, and one more token stands
/// for every character outside it (decoded as <see cref="Unknown"/>).
/// </summary>
public sealed class CharVocabulary
{
    private readonly string _alphabet;
    private readonly Dictionary<char, long> _ids = new();

    public CharVocabulary(string alphabet, char unknown = '?')
    {
        if (alphabet.Length == 0) throw new ArgumentException("The alphabet is empty.", nameof(alphabet));
        for (int i = 0; i < alphabet.Length; i++)
        {
            if (!_ids.TryAdd(alphabet[i], i)) throw new ArgumentException($"The alphabet has '{alphabet[i]}' twice.", nameof(alphabet));
        }
        _alphabet = alphabet;
        Unknown = unknown;
    }

    /// <summary>Newline and printable ASCII (space to '~'): 96 characters and the unknown token, 97 in all.</summary>
    public static CharVocabulary Ascii { get; } = new(AsciiAlphabet());

    /// <summary>How the token for characters outside the alphabet decodes.</summary>
    public char Unknown { get; }

    /// <summary>The number of token ids: the alphabet and the unknown token.</summary>
    public int Count => _alphabet.Length + 1;

    public long UnknownId => _alphabet.Length;

    public long[] Encode(string text)
    {
        var tokens = new long[text.Length];
        for (int i = 0; i < text.Length; i++) tokens[i] = Id(text[i]);
        return tokens;
    }

    /// <summary>The id of <paramref name="c"/>; a tab counts as a space, anything else outside the alphabet is unknown.</summary>
    public long Id(char c) => _ids.TryGetValue(c, out long id) ? id : c == '\t' && _ids.TryGetValue(' ', out long space) ? space : UnknownId;

    public string Decode(IEnumerable<long> tokens)
    {
        var text = new StringBuilder();
        foreach (long token in tokens)
        {
            if (token < 0 || token > UnknownId) throw new ArgumentOutOfRangeException(nameof(tokens), $"token {token} is not in a vocabulary of {Count}");
            text.Append(token == UnknownId ? Unknown : _alphabet[(int)token]);
        }
        return text.ToString();
    }

    private static string AsciiAlphabet()
    {
        var alphabet = new StringBuilder("\n");
        for (char c = ' '; c <= '~'; c++) alphabet.Append(c);
        return alphabet.ToString();
    }
}
