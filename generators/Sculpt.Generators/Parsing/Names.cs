using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Sculpt.Generators.Parsing;

/// <summary>How property names become flags and JSON names.</summary>
internal static class Names
{
    /// <summary>
    /// A symbol's name as C# source must write it: <c>@class</c> for a type or member named by a
    /// keyword (symbols keep names without the <c>@</c>). Contextual keywords are escaped too: always legal,
    /// and <c>record</c> or <c>var</c> cannot stand unescaped everywhere a name may.
    /// </summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    /// <summary>
    /// A file-name-safe, collision-free hint for a type's display name: ASCII letters, digits, <c>_ . { }</c>
    /// stay, the verbatim <c>@</c> goes (<c>@class</c> and <c>class</c> are one name), and any other
    /// character becomes <c>-XXXX</c> (its UTF-16 code in hex; no identifier contains <c>-</c>).
    /// </summary>
    public static string HintName(string displayName)
    {
        var text = new StringBuilder(displayName.Length);
        foreach (char c in displayName)
        {
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '.' or '{' or '}') text.Append(c);
            else if (c != '@') text.Append('-').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary><c>LearningRate</c> -&gt; <c>learning-rate</c>; <c>MLPHidden</c> -&gt; <c>mlp-hidden</c>; <c>Layer2Size</c> -&gt; <c>layer2-size</c>.</summary>
    public static string KebabCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c == '_')
            {
                if (text.Length > 0 && text[text.Length - 1] != '-') text.Append('-');
                continue;
            }
            if (char.IsUpper(c) && i > 0 && text.Length > 0 && text[text.Length - 1] != '-')
            {
                char previous = name[i - 1];
                bool nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower)) text.Append('-');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString().Trim('-');
    }

    /// <summary><c>LearningRate</c> -&gt; <c>learningRate</c>; <c>MLPHidden</c> -&gt; <c>mlpHidden</c>.</summary>
    public static string CamelCase(string name)
    {
        string[] words = KebabCase(name).Split('-');
        var text = new StringBuilder(words[0]);
        for (int i = 1; i < words.Length; i++)
        {
            if (words[i].Length == 0) continue;
            text.Append(char.ToUpperInvariant(words[i][0])).Append(words[i], 1, words[i].Length - 1);
        }
        return text.ToString();
    }
}
