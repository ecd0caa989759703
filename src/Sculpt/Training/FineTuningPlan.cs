using System.Collections.Generic;
using System.Linq;
using Sculpt.HyperParameters;
using Sculpt.Layers;
using Sculpt.Models;
using Sculpt.Optimization;

namespace Sculpt.Training;

/// <summary>
/// What a trainer's fine-tuning hyperparameters ask of its model, checked against the model's components once: which
/// components start fresh, which are frozen, and which train at rates or decays of their own (docs/fine-tuning.md).
/// </summary>
internal sealed class FineTuningPlan
{
    private readonly IReadOnlyList<(string Component, double Value)> _rates;
    private readonly IReadOnlyList<(string Component, double Value)> _decays;
    private readonly IReadOnlyList<string> _freeze;
    private readonly bool _freezeAllButFresh;
    private readonly double _learningRate;

    /// <param name="config">The trainer's hyperparameters.</param>
    /// <param name="names">The model's state-dict names, which components are named against.</param>
    /// <exception cref="HyperParameterException">A component named by no tensor, a setting that does not read, or nothing left to train.</exception>
    public FineTuningPlan(TrainingHyperParameters config, IReadOnlyList<string> names)
    {
        Fresh = Components(config.Fresh, "--fresh", names);
        _freeze = Components(config.Freeze == "*" ? "" : config.Freeze, "--freeze", names);
        _freezeAllButFresh = config.Freeze == "*";
        _rates = Settings(config.LearningRates, "--learning-rates", names);
        _decays = Settings(config.WeightDecays, "--weight-decays", names);
        _learningRate = config.LearningRate;
        if (_freezeAllButFresh && Fresh.Count == 0)
            throw new HyperParameterException("Option '--freeze': * freezes every component but the --fresh ones, and none is --fresh, so nothing would train; name the components to train with --fresh.");
    }

    /// <summary>Components that keep their initialisers under <c>InitFrom</c>.</summary>
    public IReadOnlyList<string> Fresh { get; }

    /// <summary>Whether anything can be frozen: a component named, <c>*</c>, or adapters that freeze the rest.</summary>
    public bool FreezesAny(bool adapted) => _freeze.Count > 0 || _freezeAllButFresh || adapted;

    /// <summary>
    /// Whether the tensor <paramref name="name"/> is frozen while freezing holds: under <c>Freeze</c>, or (with <c>*</c>
    /// or adapters on the model) outside the fresh components. An adapter's own tensors always train.
    /// </summary>
    public bool Freezes(string name, bool adapted) =>
        !LowRankAdapters.IsAdapter(name)
        && (ComponentNames.Within(name, _freeze) || (_freezeAllButFresh || adapted) && !ComponentNames.Within(name, Fresh));

    /// <summary>A parameter's group under <c>LearningRates</c> and <c>WeightDecays</c>: its rate as a multiple of the base rate, and its decay.</summary>
    public ParameterGroup GroupOf(string name)
    {
        double? rate = ComponentNames.ValueFor(name, _rates);
        double? decay = ComponentNames.ValueFor(name, _decays);
        return rate is null && decay is null ? ParameterGroup.Default
            : new ParameterGroup(rate is { } r ? (_learningRate > 0 ? r / _learningRate : 0) : 1, decay);
    }

    private static IReadOnlyList<(string Component, double Value)> Settings(string list, string flag, IReadOnlyList<string> names)
    {
        var settings = ComponentNames.ParseValues(list, out string? bad)
            ?? throw new HyperParameterException($"Option '{flag}': '{bad}' is not NAME=NUMBER with a number of 0 or more, e.g. Body=1e-4,Head=1e-3.");
        Components(string.Join(",", settings.Select(s => s.Component)), flag, names);
        return settings;
    }

    private static IReadOnlyList<string> Components(string list, string flag, IReadOnlyList<string> names)
    {
        var components = ComponentNames.Parse(list);
        if (ComponentNames.Unknown(names, components) is { } unknown)
            throw new HyperParameterException($"Option '{flag}': the model has no component {unknown}; its components: {ComponentNames.Describe(names)} (a dotted name such as features.3 names a part of one).");
        return components;
    }
}
