using System;
using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Search;

/// <summary>
/// The tree-structured Parzen estimator (Bergstra et al. 2011), one dim at a time as Optuna's default sampler: after
/// <paramref name="startupTrials"/> random trials, the best tenth of the trials so far (at most 25) make a density
/// <c>l(x)</c> and the rest <c>g(x)</c>; of <paramref name="candidates"/> values drawn from <c>l</c>, the one with the
/// largest <c>l(x) / g(x)</c> is tried. A range's density is a mixture of normals truncated to the range, one at each
/// value seen (its width the larger gap to its neighbours, clipped) and one wide prior; a choice's is the counts plus one.
/// Pruned trials rank after every complete one.
/// </summary>
public sealed class TpeSampler(int seed, int startupTrials = 10, int candidates = 24) : ISampler
{
    public string Name => "tpe";

    public IReadOnlyDictionary<string, string>? Next(IReadOnlyList<SearchDimension> space, IReadOnlyList<Trial> history, int trialNumber, Func<double, double> loss)
    {
        var random = RandomSampler.TrialRandom(seed, trialNumber);
        var observed = history.Where(t => t.State is TrialState.Complete or TrialState.Pruned && t.Value is { } v && double.IsFinite(v)).ToList();
        if (observed.Count < startupTrials) return RandomSampler.DrawAll(space, random);
        var ranked = observed.OrderBy(t => t.State == TrialState.Pruned ? 1 : 0).ThenBy(t => loss(t.Value!.Value)).ThenBy(t => t.Number).ToList();
        int good = Math.Clamp((int)Math.Ceiling(0.1 * ranked.Count), 1, 25);
        var below = ranked.Take(good).ToList();
        var above = ranked.Skip(good).ToList();
        var result = new Dictionary<string, string>();
        foreach (var dimension in SearchDimension.InConditionOrder(space))
        {
            if (!dimension.Active(result)) continue;
            // Among the trials where the dim took part: a conditional one is modelled only where it existed.
            var l = Values(below, dimension);
            var g = Values(above, dimension);
            result[dimension.Flag] = l.Count == 0 ? RandomSampler.Draw(dimension, random)
                : dimension.Kind == SearchKind.Choice ? PickChoice(dimension, l, g, random) : PickInRange(dimension, l, g, random);
        }
        return result;
    }

    private static List<double> Values(IEnumerable<Trial> trials, SearchDimension dimension) =>
        trials.Where(t => t.Parameters.ContainsKey(dimension.Flag))
            .Select(t => dimension.Kind == SearchKind.Choice ? dimension.Numeric(t.Parameters[dimension.Flag]) : dimension.ToInternal(dimension.Numeric(t.Parameters[dimension.Flag])))
            .Where(v => dimension.Kind != SearchKind.Choice || v >= 0)
            .ToList();

    private string PickChoice(SearchDimension dimension, List<double> below, List<double> above, Random random)
    {
        int count = dimension.Choices.Count;
        double[] Weights(List<double> seen)
        {
            var weights = Enumerable.Repeat(1.0, count).ToArray();
            foreach (var index in seen) weights[(int)index] += 1;
            double total = weights.Sum();
            return weights.Select(w => w / total).ToArray();
        }
        var l = Weights(below);
        var g = Weights(above);
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < candidates; c++)
        {
            double u = random.NextDouble(), sum = 0;
            int index = count - 1;
            for (int i = 0; i < count; i++)
            {
                sum += l[i];
                if (u < sum) { index = i; break; }
            }
            double score = Math.Log(l[index]) - Math.Log(g[index]);
            if (score > bestScore) (best, bestScore) = (index, score);
        }
        return dimension.Choices[best];
    }

    private string PickInRange(SearchDimension dimension, List<double> below, List<double> above, Random random)
    {
        double low = dimension.InternalLow, high = dimension.InternalHigh;
        var l = new ParzenEstimator(below, low, high);
        var g = new ParzenEstimator(above, low, high);
        double best = l.Sample(random), bestScore = double.NegativeInfinity;
        for (int c = 0; c < candidates; c++)
        {
            double x = l.Sample(random);
            double score = l.LogDensity(x) - g.LogDensity(x);
            if (score > bestScore) (best, bestScore) = (x, score);
        }
        return dimension.Format(dimension.Snap(dimension.FromInternal(best)));
    }

    /// <summary>Equal-weight normals at each value and one prior normal over the whole range, each truncated to [low, high].</summary>
    private sealed class ParzenEstimator
    {
        private readonly double[] _means;
        private readonly double[] _sigmas;
        private readonly double[] _masses;
        private readonly double _low;
        private readonly double _high;

        public ParzenEstimator(IReadOnlyList<double> values, double low, double high)
        {
            (_low, _high) = (low, high);
            double range = high - low;
            double prior = (low + high) / 2;
            // The prior's centre counts as a neighbour, so values near the middle get narrower normals; the prior itself spans the range.
            var sorted = values.Append(prior).OrderBy(v => v).ToList();
            int priorIndex = sorted.IndexOf(prior);
            var means = new List<double>();
            var sigmas = new List<double>();
            double smallest = range / Math.Min(100.0, sorted.Count);
            for (int i = 0; i < sorted.Count; i++)
            {
                double left = sorted[i] - (i == 0 ? low : sorted[i - 1]);
                double right = (i == sorted.Count - 1 ? high : sorted[i + 1]) - sorted[i];
                means.Add(sorted[i]);
                sigmas.Add(i == priorIndex ? range : Math.Clamp(Math.Max(left, right), smallest, range));
            }
            _means = means.ToArray();
            _sigmas = sigmas.ToArray();
            _masses = _means.Select((m, i) => Math.Max(Normal.Cdf((high - m) / _sigmas[i]) - Normal.Cdf((low - m) / _sigmas[i]), 1e-12)).ToArray();
        }

        public double Sample(Random random)
        {
            int component = random.Next(_means.Length);
            for (int attempt = 0; attempt < 100; attempt++)
            {
                double x = _means[component] + _sigmas[component] * Normal.Draw(random);
                if (x >= _low && x <= _high) return x;
            }
            return Math.Clamp(_means[component], _low, _high);
        }

        public double LogDensity(double x)
        {
            double sum = 0;
            for (int i = 0; i < _means.Length; i++)
            {
                double z = (x - _means[i]) / _sigmas[i];
                sum += Math.Exp(-0.5 * z * z) / (_sigmas[i] * Math.Sqrt(2 * Math.PI) * _masses[i]);
            }
            return Math.Log(Math.Max(sum / _means.Length, 1e-300));
        }
    }
}
