using System;
using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Metrics;

/// <summary>
/// BLEU-4 (Papineni et al., 2002) over tokenized text: modified n-gram precisions for n = 1..4,
/// each n-gram's count clipped by its largest count in any reference, summed over the corpus,
/// combined as a geometric mean, times the brevity penalty <c>exp(1 - r/c)</c> when the
/// hypotheses (length c) are shorter than the closest references (length r; on a tie, the
/// shorter). Unsmoothed: a corpus without a single matching 4-gram scores 0.
/// </summary>
public static class Bleu
{
    public const int MaxOrder = 4;

    /// <param name="references">For each hypothesis, one or more reference translations.</param>
    /// <param name="hypotheses">The system's outputs, one per segment.</param>
    public static double Corpus(IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references, IReadOnlyList<IReadOnlyList<string>> hypotheses)
    {
        if (references.Count != hypotheses.Count)
            throw new ArgumentException($"{hypotheses.Count} hypotheses but {references.Count} reference sets; each hypothesis needs its references.", nameof(references));
        var matches = new long[MaxOrder + 1];
        var possible = new long[MaxOrder + 1];
        long hypothesisLength = 0, referenceLength = 0;
        for (int s = 0; s < hypotheses.Count; s++)
        {
            var hypothesis = hypotheses[s];
            if (references[s].Count == 0) throw new ArgumentException($"Segment {s} has no reference.", nameof(references));
            for (int n = 1; n <= MaxOrder; n++)
            {
                var counts = NGrams(hypothesis, n);
                var clip = new Dictionary<string, int>();
                foreach (var reference in references[s])
                {
                    foreach (var (gram, count) in NGrams(reference, n))
                    {
                        clip[gram] = Math.Max(count, clip.TryGetValue(gram, out int seen) ? seen : 0);
                    }
                }
                matches[n] += counts.Sum(g => Math.Min(g.Value, clip.TryGetValue(g.Key, out int limit) ? limit : 0));
                possible[n] += Math.Max(1, hypothesis.Count - n + 1);
            }
            hypothesisLength += hypothesis.Count;
            referenceLength += references[s].Select(r => r.Count).OrderBy(length => Math.Abs(length - hypothesis.Count)).ThenBy(length => length).First();
        }
        if (hypothesisLength == 0 || Enumerable.Range(1, MaxOrder).Any(n => matches[n] == 0)) return 0;
        double logPrecision = Enumerable.Range(1, MaxOrder).Sum(n => Math.Log((double)matches[n] / possible[n])) / MaxOrder;
        double brevity = hypothesisLength > referenceLength ? 1 : Math.Exp(1 - (double)referenceLength / hypothesisLength);
        return brevity * Math.Exp(logPrecision);
    }

    /// <summary>BLEU of one hypothesis against its references (the corpus score of a one-segment corpus).</summary>
    public static double Sentence(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis) => Corpus([references], [hypothesis]);

    private static Dictionary<string, int> NGrams(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>();
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            // A separator no token contains: the unit separator control character.
            string gram = string.Join("\u001f", tokens.Skip(i).Take(n));
            counts[gram] = counts.TryGetValue(gram, out int count) ? count + 1 : 1;
        }
        return counts;
    }
}
