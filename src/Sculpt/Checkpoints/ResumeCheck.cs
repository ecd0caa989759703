using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Sculpt.HyperParameters;
using Sculpt.Training;

namespace Sculpt.Checkpoints;

/// <summary>
/// Whether a run may continue from a checkpoint: the same hyperparameters and the same training
/// data (its normalisation statistics), except those that do not change what was already trained.
/// </summary>
public static class ResumeCheck
{
    /// <summary>
    /// The hyperparameters a resumed run may change without <c>--resume-with-changes</c>: how long
    /// to train (<c>--epochs</c>, never below what the checkpoint already trained), when to stop
    /// early and which weights to keep at the end. Every other one changes the run that the
    /// checkpoint's steps belong to (the batch size changes the data order, a rate the updates).
    /// </summary>
    public static IReadOnlyList<string> Changeable { get; } = [nameof(TrainingHyperParameters.Epochs), nameof(TrainingHyperParameters.EarlyStopping), nameof(TrainingHyperParameters.RestoreBest)];

    /// <summary>The epochs <paramref name="saved"/> has trained, the one in progress included.</summary>
    public static int EpochsTrained(TrainingState saved) => saved.History.Count + (saved.StepInEpoch > 0 ? 1 : 0);

    /// <summary>
    /// Each difference between the checkpoint and this run that is not <see cref="Changeable"/>, as
    /// text naming the flag: <c>checkpoint was written with --batch-size 64, this run has 32</c>.
    /// </summary>
    public static IReadOnlyList<string> Differences<TConfig>(TrainingState saved, TConfig config, string? normalization)
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        var differences = new List<string>();
        if (saved.Config is null)
        {
            differences.Add("the checkpoint records no hyperparameters to compare with");
        }
        else
        {
            using var before = JsonDocument.Parse(saved.Config);
            using var now = JsonDocument.Parse(config.ToJson());
            var old = Values(before.RootElement);
            var current = Values(now.RootElement);
            foreach (var option in TConfig.Options)
            {
                if (Changeable.Contains(option.Property)) continue;
                string? name = current.Keys.Concat(old.Keys).FirstOrDefault(key => string.Equals(key, option.Property, StringComparison.OrdinalIgnoreCase));
                if (name is null) continue;
                bool hadIt = old.TryGetValue(name, out var then);
                bool hasIt = current.TryGetValue(name, out var value);
                if (hadIt && hasIt && then.Raw == value.Raw) continue;
                differences.Add(!hadIt ? $"the checkpoint has no {option.Flag}, this run has {value.Text}"
                    : !hasIt ? $"checkpoint was written with {option.Flag} {then.Text}, this run has none"
                    : $"checkpoint was written with {option.Flag} {then.Text}, this run has {value.Text}");
            }
            foreach (string name in old.Keys.Where(key => !TConfig.Options.Any(o => string.Equals(o.Property, key, StringComparison.OrdinalIgnoreCase))))
            {
                differences.Add($"checkpoint has hyperparameter '{name}', which {typeof(TConfig).Name} does not");
            }
        }
        if (!string.Equals(saved.Normalization, normalization, StringComparison.Ordinal))
        {
            differences.Add(saved.Normalization is null ? "this run standardises its data, the checkpoint's did not"
                : normalization is null ? "the checkpoint's data was standardised, this run's is not"
                : "the training data's normalisation statistics differ from the checkpoint's (other data)");
        }
        return differences;
    }

    /// <summary>Refuses a resume that would not continue the checkpoint's run.</summary>
    /// <exception cref="HyperParameterException">
    /// <c>--epochs</c> is below what the checkpoint already trained (always), or the run differs from
    /// the checkpoint's (unless <paramref name="allowChanges"/>); the message names every difference.
    /// </exception>
    public static void Require<TConfig>(string checkpoint, TrainingState saved, TConfig config, string? normalization, bool allowChanges)
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        int trained = EpochsTrained(saved);
        if (config.Epochs < trained)
        {
            throw new HyperParameterException($"Option '--epochs {config.Epochs}': checkpoint '{checkpoint}' has already trained {trained} epoch(s); resuming it needs --epochs {trained} or more.");
        }
        if (allowChanges) return;
        var differences = Differences(saved, config, normalization);
        if (differences.Count == 0) return;
        throw new HyperParameterException(
            $"Cannot resume from '{checkpoint}': {string.Join("; ", differences)}. Leave those options out to continue the run as it was, or pass --resume-with-changes to continue with them.");
    }

    private static Dictionary<string, (string Raw, string Text)> Values(JsonElement root) =>
        root.ValueKind != JsonValueKind.Object ? [] : root.EnumerateObject().ToDictionary(
            p => p.Name,
            p => (p.Value.GetRawText(), p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()),
            StringComparer.Ordinal);
}
