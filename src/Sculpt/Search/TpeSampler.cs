using System;
using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Search;

/// <summary>
/// The tree-structured Parzen estimator (Bergstra et al. 2011). After <paramref name="startupTrials"/> random trials, the
/// best tenth of the trials so far (at most 25) make a density <c>l(x)</c> and the rest <c>g(x)</c>; of
/// <paramref name="candidates"/> points drawn from <c>l</c>, the one with the largest <c>l(x) / g(x)</c> is tried.
/// Each density is a mixture with one component per trial and one prior component over the whole space; past 25
/// trials older ones weigh less. Pruned trials rank after every complete one.
/// </summary>
/// <remarks>
/// <para>
/// <paramref name="multivariate"/> (the default) models the hyperparameters that are always searched jointly, one kernel
/// per trial over all of them (Falkner et al. 2018, Optuna's <c>multivariate=True</c>), so a good value of one is tried
/// with the values it did well with; a conditional hyperparameter is modelled on its own among the trials where it
/// existed. With <c>multivariate: false</c> every hyperparameter is modelled on its own, as Optuna's default
/// <c>TPESampler</c> does, with the same estimator settings (no endpoints, magic clip, prior weight 1), so the two can be
/// compared as equals (docs/search.md).
/// </para>
/// </remarks>
public sealed class TpeSampler(int seed, int startupTrials = 10, int candidates = 24, bool multivariate = true) : ISampler
{
    public string Name => "tpe";

    public IReadOnlyDictionary<string, string>? Next(IReadOnlyList<SearchDimension> space, IReadOnlyList<Trial> history, int trialNumber, Func<double, double> loss)
    {
        var random = RandomSampler.TrialRandom(seed, trialNumber);
        var observed = history.Where(t => t.State is TrialState.Complete or TrialState.Pruned && t.Value is { } v && double.IsFinite(v)).ToList();
        if (observed.Count < startupTrials) return RandomSampler.DrawAll(space, random);
        var ranked = observed.OrderBy(t => t.State == TrialState.Pruned ? 1 : 0).ThenBy(t => loss(t.Value!.Value)).ThenBy(t => t.Number).ToList();
        int good = Math.Clamp((int)Math.Ceiling(0.1 * ranked.Count), 1, 25);
        // In trial order, which the weights of old trials follow.
        var below = ranked.Take(good).OrderBy(t => t.Number).ToList();
        var above = ranked.Skip(good).OrderBy(t => t.Number).ToList();
        var result = new Dictionary<string, string>();
        var joint = multivariate ? space.Where(d => d.Condition is null).ToList() : [];
        if (joint.Count > 1) Pick(joint, below, above, random, result);
        foreach (var dimension in SearchDimension.InConditionOrder(space))
        {
            if (result.ContainsKey(dimension.Flag) || !dimension.Active(result)) continue;
            Pick([dimension], below, above, random, result);
        }
        return result;
    }

    /// <summary>Values for <paramref name="dimensions"/> together, modelled on the trials where all of them took part.</summary>
    private void Pick(IReadOnlyList<SearchDimension> dimensions, List<Trial> below, List<Trial> above, Random random, Dictionary<string, string> result)
    {
        var l = Points(below, dimensions);
        var g = Points(above, dimensions);
        if (l.Count == 0)
        {
            foreach (var dimension in dimensions) result[dimension.Flag] = RandomSampler.Draw(dimension, random);
            return;
        }
        var lower = new Mixture(dimensions, l, multivariate: dimensions.Count > 1);
        var upper = new Mixture(dimensions, g, multivariate: dimensions.Count > 1);
        double[] best = lower.Sample(random);
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < candidates; c++)
        {
            var x = lower.Sample(random);
            double score = lower.LogDensity(x) - upper.LogDensity(x);
            if (score > bestScore) (best, bestScore) = (x, score);
        }
        for (int i = 0; i < dimensions.Count; i++)
        {
            var dimension = dimensions[i];
            result[dimension.Flag] = dimension.Kind == SearchKind.Choice
                ? dimension.Choices[(int)best[i]]
                : dimension.Format(dimension.Snap(dimension.FromInternal(best[i])));
        }
    }

    /// <summary>Each trial's values of <paramref name="dimensions"/> as the sampler sees them (a choice by index, a log range by its logarithm).</summary>
    private static List<double[]> Points(List<Trial> trials, IReadOnlyList<SearchDimension> dimensions)
    {
        var points = new List<double[]>();
        foreach (var trial in trials)
        {
            var point = new double[dimensions.Count];
            bool complete = true;
            for (int i = 0; i < dimensions.Count && complete; i++)
            {
                var dimension = dimensions[i];
                if (!trial.Parameters.TryGetValue(dimension.Flag, out var text)) complete = false;
                else if (dimension.Kind == SearchKind.Choice) complete = (point[i] = dimension.Numeric(text)) >= 0;
                else point[i] = dimension.ToInternal(dimension.Numeric(text));
            }
            if (complete) points.Add(point);
        }
        return points;
    }

    /// <summary>
    /// Optuna's weights for <paramref name="count"/> observations in trial order: equal up to 25; past that the 25 most
    /// recent keep weight 1 and older ones ramp down linearly to 1/count, so a density follows where the search has moved.
    /// </summary>
    internal static double[] ObservationWeights(int count)
    {
        var weights = Enumerable.Repeat(1.0, count).ToArray();
        int ramped = count - 25;
        for (int i = 0; i < ramped; i++) weights[i] = ramped == 1 ? 1.0 / count : 1.0 / count + (1 - 1.0 / count) * i / (ramped - 1);
        return weights;
    }

    /// <summary>
    /// A mixture with one component per observed point and a prior component (weight 1, as one observation). On a range,
    /// a component is a normal truncated to the range; the prior's is centred and as wide as the range. On a choice, a
    /// component puts weight 1 on its value and 1/(n+1) on every choice; the prior is uniform.
    /// </summary>
    /// <remarks>
    /// A range's widths: jointly (<c>multivariate</c>), Scott's rule as in BOHB, 0.2 n^(-1/(d+4)) of the range for every
    /// point; alone, the larger gap to the neighbouring values (the prior's centre among them), where the lowest and
    /// highest take the gap on their inner side only, so a value at the edge does not spread over it. Both are clipped to
    /// between range / min(100, n + 2) and the range. A whole or stepped range reaches half a step past each end, so its
    /// end values are as likely as the inner ones.
    /// </remarks>
    private sealed class Mixture
    {
        private readonly IReadOnlyList<SearchDimension> _dimensions;
        private readonly double[] _low;
        private readonly double[] _high;
        private readonly double[][] _means;
        private readonly double[][] _sigmas;
        private readonly double[][] _logMass;
        private readonly double[][][] _choiceLog;
        private readonly double[] _logWeights;
        private readonly double[] _cumulative;

        public Mixture(IReadOnlyList<SearchDimension> dimensions, IReadOnlyList<double[]> points, bool multivariate)
        {
            _dimensions = dimensions;
            int n = points.Count, d = dimensions.Count, components = n + 1;
            var weights = ObservationWeights(n).Append(1.0).ToArray();
            double total = weights.Sum();
            _logWeights = weights.Select(w => Math.Log(w / total)).ToArray();
            _cumulative = new double[components];
            double running = 0;
            for (int c = 0; c < components; c++) _cumulative[c] = running += weights[c] / total;
            (_low, _high) = (new double[d], new double[d]);
            (_means, _sigmas, _logMass, _choiceLog) = (new double[d][], new double[d][], new double[d][], new double[d][][]);
            double scott = 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (d + 4));
            for (int i = 0; i < d; i++)
            {
                var dimension = dimensions[i];
                if (dimension.Kind == SearchKind.Choice)
                {
                    int count = dimension.Choices.Count;
                    double smoothing = 1.0 / (n + 1);
                    _choiceLog[i] = new double[components][];
                    for (int c = 0; c < components; c++)
                    {
                        _choiceLog[i][c] = c == n
                            ? Enumerable.Repeat(-Math.Log(count), count).ToArray()
                            : Enumerable.Range(0, count).Select(k => Math.Log((smoothing + (k == (int)points[c][i] ? 1 : 0)) / (1 + count * smoothing))).ToArray();
                    }
                    continue;
                }
                double half = dimension.Step > 0 ? dimension.Step / 2 : dimension.Integer ? 0.5 : 0;
                double low = dimension.ToInternal(dimension.Low - (dimension.Log && dimension.Low - half <= 0 ? 0 : half));
                double high = dimension.ToInternal(dimension.High + half);
                double range = high - low;
                (_low[i], _high[i]) = (low, high);
                var means = points.Select(p => p[i]).Append((low + high) / 2).ToArray();
                var sigmas = new double[components];
                double smallest = range / Math.Min(100.0, n + 2);
                if (multivariate)
                {
                    for (int c = 0; c < n; c++) sigmas[c] = Math.Clamp(scott * range, smallest, range);
                }
                else
                {
                    var order = Enumerable.Range(0, components).OrderBy(c => means[c]).ThenBy(c => c).ToArray();
                    for (int k = 0; k < order.Length; k++)
                    {
                        double self = means[order[k]];
                        double left = self - (k == 0 ? low : means[order[k - 1]]);
                        double right = (k == order.Length - 1 ? high : means[order[k + 1]]) - self;
                        double width = order.Length < 2 ? Math.Max(left, right) : k == 0 ? right : k == order.Length - 1 ? left : Math.Max(left, right);
                        sigmas[order[k]] = Math.Clamp(width, smallest, range);
                    }
                }
                sigmas[n] = range;
                _means[i] = means;
                _sigmas[i] = sigmas;
                _logMass[i] = Enumerable.Range(0, components).Select(c =>
                    Math.Log(sigmas[c] * Math.Sqrt(2 * Math.PI) * Math.Max(Normal.Cdf((high - means[c]) / sigmas[c]) - Normal.Cdf((low - means[c]) / sigmas[c]), 1e-12))).ToArray();
            }
        }

        public double[] Sample(Random random)
        {
            double u = random.NextDouble();
            int component = Array.FindIndex(_cumulative, c => u < c);
            if (component < 0) component = _cumulative.Length - 1;
            var x = new double[_dimensions.Count];
            for (int i = 0; i < x.Length; i++)
            {
                if (_dimensions[i].Kind == SearchKind.Choice)
                {
                    var probabilities = _choiceLog[i][component];
                    double v = random.NextDouble(), sum = 0;
                    x[i] = probabilities.Length - 1;
                    for (int k = 0; k < probabilities.Length; k++)
                    {
                        if (v < (sum += Math.Exp(probabilities[k]))) { x[i] = k; break; }
                    }
                    continue;
                }
                double mean = _means[i][component], sigma = _sigmas[i][component];
                x[i] = Math.Clamp(mean, _low[i], _high[i]);
                for (int attempt = 0; attempt < 100; attempt++)
                {
                    double draw = mean + sigma * Normal.Draw(random);
                    if (draw >= _low[i] && draw <= _high[i]) { x[i] = draw; break; }
                }
            }
            return x;
        }

        public double LogDensity(double[] x)
        {
            // Log-sum-exp over components: far from every point a plain sum underflows and l(x)/g(x) loses its order.
            var terms = (double[])_logWeights.Clone();
            for (int i = 0; i < x.Length; i++)
            {
                for (int c = 0; c < terms.Length; c++)
                {
                    if (_dimensions[i].Kind == SearchKind.Choice) terms[c] += _choiceLog[i][c][(int)x[i]];
                    else
                    {
                        double z = (x[i] - _means[i][c]) / _sigmas[i][c];
                        terms[c] += -0.5 * z * z - _logMass[i][c];
                    }
                }
            }
            double max = terms.Max(), sum = 0;
            foreach (var term in terms) sum += Math.Exp(term - max);
            return max + Math.Log(sum);
        }
    }
}
