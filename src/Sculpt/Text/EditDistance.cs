using System;
using System.Collections.Generic;

namespace Sculpt.Text;

/// <summary>
/// "Did you mean" for flags, JSON names and hyperparameter names. Compiled into the runtime and,
/// as a linked file, into the generator (which cannot reference the runtime), so both suggest alike.
/// </summary>
internal static class EditDistance
{
    /// <summary>The known name within edit distance 2 of <paramref name="name"/> (ignoring case), if any.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = 3;
        foreach (string candidate in known)
        {
            int distance = Between(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Between(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
