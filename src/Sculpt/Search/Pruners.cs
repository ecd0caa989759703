using System;
using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Search;

/// <summary>Decides after an epoch whether a trial is worth finishing. Values are losses: lower is better.</summary>
public interface IPruner
{
    /// <summary>Whether trial <paramref name="trialNumber"/>, at <paramref name="epoch"/> with <paramref name="loss"/>, should stop now.</summary>
    bool Prune(int trialNumber, int epoch, double loss, IReadOnlyList<Trial> history, Func<double, double> toLoss);

    /// <summary>The name <c>--pruner</c> takes.</summary>
    string Name { get; }

    /// <summary>A pruner by its <c>--pruner</c> name: <c>none</c>, <c>median</c>, <c>halving</c>.</summary>
    static IPruner Named(string name) => name.ToLowerInvariant() switch
    {
        "none" => new NoPruner(),
        "median" => new MedianPruner(),
        "halving" => new SuccessiveHalvingPruner(),
        _ => throw new ArgumentException($"unknown pruner '{name}': use none, median or halving"),
    };
}

/// <summary>Every trial runs to the end.</summary>
public sealed class NoPruner : IPruner
{
    public string Name => "none";

    public bool Prune(int trialNumber, int epoch, double loss, IReadOnlyList<Trial> history, Func<double, double> toLoss) => false;
}

/// <summary>
/// Optuna's median rule: once <paramref name="startupTrials"/> trials have finished, a trial past
/// <paramref name="warmupEpochs"/> epochs stops when its best value so far is worse than the median of the other
/// trials' values at the same epoch.
/// </summary>
public sealed class MedianPruner(int startupTrials = 5, int warmupEpochs = 1) : IPruner
{
    public string Name => "median";

    public bool Prune(int trialNumber, int epoch, double loss, IReadOnlyList<Trial> history, Func<double, double> toLoss)
    {
        if (epoch <= warmupEpochs) return false;
        if (history.Count(t => t.State is TrialState.Complete or TrialState.Pruned) < startupTrials) return false;
        var others = history.Where(t => t.Number != trialNumber && t.Reports.ContainsKey(epoch)).Select(t => toLoss(t.Reports[epoch])).OrderBy(v => v).ToList();
        if (others.Count == 0) return false;
        var mine = history.FirstOrDefault(t => t.Number == trialNumber)?.Reports.Values.Select(toLoss).Append(loss).Min() ?? loss;
        double median = others.Count % 2 == 1 ? others[others.Count / 2] : (others[others.Count / 2 - 1] + others[others.Count / 2]) / 2;
        return mine > median;
    }
}

/// <summary>
/// Asynchronous successive halving (Li et al. 2020): rungs at epochs <c>m, m*eta, m*eta^2, ...</c>; a trial reaching a
/// rung goes on only if its value is among the best <c>1/eta</c> of all values recorded at that rung (its own included).
/// </summary>
public sealed class SuccessiveHalvingPruner(int minimumEpochs = 1, int reductionFactor = 3) : IPruner
{
    public string Name => "halving";

    public bool Prune(int trialNumber, int epoch, double loss, IReadOnlyList<Trial> history, Func<double, double> toLoss)
    {
        if (!IsRung(epoch)) return false;
        var values = history.Where(t => t.Number != trialNumber && t.Reports.ContainsKey(epoch)).Select(t => toLoss(t.Reports[epoch])).Append(loss).OrderBy(v => v).ToList();
        int kept = Math.Max(1, values.Count / reductionFactor);
        return values.Count >= reductionFactor && loss > values[kept - 1];
    }

    private bool IsRung(int epoch)
    {
        for (long rung = minimumEpochs; rung <= epoch; rung *= Math.Max(2, reductionFactor))
        {
            if (rung == epoch) return true;
        }
        return false;
    }
}
