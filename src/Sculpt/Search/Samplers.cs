using System;
using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Search;

/// <summary>
/// Picks the next configuration from the trials so far. Values are compared as losses: lower is better (a study that
/// maximises hands its samplers negated values). The same space, history and seed give the same configuration.
/// </summary>
public interface ISampler
{
    /// <summary>The next configuration (flag to value text); null when the sampler has nothing left to try (a finished grid).</summary>
    IReadOnlyDictionary<string, string>? Next(IReadOnlyList<SearchDimension> space, IReadOnlyList<Trial> history, int trialNumber, Func<double, double> loss);

    /// <summary>The name <c>--sampler</c> takes.</summary>
    string Name { get; }

    /// <summary>A sampler by its <c>--sampler</c> name: <c>grid</c>, <c>random</c>, <c>tpe</c>, <c>gp</c>.</summary>
    static ISampler Named(string name, int seed) => name.ToLowerInvariant() switch
    {
        "grid" => new GridSampler(),
        "random" => new RandomSampler(seed),
        "tpe" => new TpeSampler(seed),
        "gp" => new GaussianProcessSampler(seed),
        _ => throw new ArgumentException($"unknown sampler '{name}': use grid, random, tpe or gp"),
    };
}

/// <summary>Each value drawn independently: uniform over a range (over its logarithm for a log range), uniform over choices.</summary>
public sealed class RandomSampler(int seed) : ISampler
{
    public string Name => "random";

    public IReadOnlyDictionary<string, string>? Next(IReadOnlyList<SearchDimension> space, IReadOnlyList<Trial> history, int trialNumber, Func<double, double> loss)
    {
        var random = TrialRandom(seed, trialNumber);
        return DrawAll(space, random);
    }

    /// <summary>A value for every dim whose condition the values drawn before it meet.</summary>
    internal static Dictionary<string, string> DrawAll(IReadOnlyList<SearchDimension> space, Random random)
    {
        var chosen = new Dictionary<string, string>();
        foreach (var dimension in SearchDimension.InConditionOrder(space))
        {
            // Drawn whether or not it is active, so a condition never shifts the generator for the dims after it.
            string value = Draw(dimension, random);
            if (dimension.Active(chosen)) chosen[dimension.Flag] = value;
        }
        return chosen;
    }

    internal static string Draw(SearchDimension dimension, Random random) => dimension.Kind == SearchKind.Choice
        ? dimension.Choices[random.Next(dimension.Choices.Count)]
        : dimension.Format(dimension.Snap(dimension.FromInternal(dimension.InternalLow + random.NextDouble() * (dimension.InternalHigh - dimension.InternalLow))));

    /// <summary>
    /// A generator of its own for each trial: trial 7 of a seed draws the same in any process, after any resume. (Not
    /// <c>HashCode.Combine</c>, which is seeded afresh in every process.)
    /// </summary>
    internal static Random TrialRandom(int seed, int trialNumber)
    {
        // SplitMix64's finaliser over the pair: neighbouring seeds and trials get unrelated streams.
        ulong z = ((ulong)(uint)seed << 32 | (uint)trialNumber) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }
}

/// <summary>
/// Every combination of the dims' grid values (<see cref="SearchDimension.GridValues"/>) once, in order: the first one
/// no trial of the study has taken. An interrupted trial's point is taken again.
/// </summary>
public sealed class GridSampler : ISampler
{
    public string Name => "grid";

    public IReadOnlyDictionary<string, string>? Next(IReadOnlyList<SearchDimension> space, IReadOnlyList<Trial> history, int trialNumber, Func<double, double> loss)
    {
        var taken = new HashSet<string>(history.Where(t => t.State != TrialState.Interrupted).Select(t => Key(t.Parameters)));
        foreach (var point in Points(space))
        {
            if (!taken.Contains(Key(point))) return point;
        }
        return null;
    }

    /// <summary>Every point of the grid, the last dim varying fastest.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, string>> Points(IReadOnlyList<SearchDimension> space)
    {
        IEnumerable<Dictionary<string, string>> points = [new Dictionary<string, string>()];
        foreach (var dimension in SearchDimension.InConditionOrder(space))
        {
            var values = dimension.GridValues();
            // A dim whose condition a point does not meet adds nothing to it: the point is there once, without the dim.
            points = points.SelectMany(p => dimension.Active(p)
                ? values.Select(v => new Dictionary<string, string>(p) { [dimension.Flag] = v })
                : [p]);
        }
        return points;
    }

    internal static string Key(IReadOnlyDictionary<string, string> point) =>
        string.Join("\n", point.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
}
