using System.Collections.Generic;

namespace Sculpt.Search;

/// <summary>Where a trial stands.</summary>
public enum TrialState
{
    /// <summary>Claimed by a worker and training.</summary>
    Running,

    /// <summary>Trained to the end; <see cref="Trial.Value"/> is its objective.</summary>
    Complete,

    /// <summary>Stopped early by the pruner; <see cref="Trial.Value"/> is its objective when it stopped.</summary>
    Pruned,

    /// <summary>Never trained: its configuration breaks a range or the model's shapes (<see cref="Trial.Reason"/>).</summary>
    Invalid,

    /// <summary>Training failed (diverged, an error); <see cref="Trial.Reason"/> says why.</summary>
    Failed,

    /// <summary>Its worker ended before it did (killed, the machine stopped); a later run may try its configuration again.</summary>
    Interrupted,
}

/// <summary>
/// One configuration tried: its number in the study, the values of the searched flags, what came of it (its objective, or
/// why it has none), and its objective after each epoch, by epoch (what pruners compare).
/// </summary>
public sealed record Trial(int Number, IReadOnlyDictionary<string, string> Parameters, TrialState State, double? Value, string? Reason, IReadOnlyDictionary<int, double> Reports)
{
    /// <summary>The configuration as command-line arguments: <c>--hidden 128 --learning-rate 0.003</c>.</summary>
    public IReadOnlyList<string> Arguments
    {
        get
        {
            var arguments = new List<string>();
            foreach (var (flag, value) in Parameters)
            {
                arguments.Add(flag);
                arguments.Add(value);
            }
            return arguments;
        }
    }
}
