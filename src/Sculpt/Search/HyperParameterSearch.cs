using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Sculpt.Data;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Training;
using TorchSharp;

namespace Sculpt.Search;

/// <summary>A search driven from code: what the command line's <c>search</c> flags say.</summary>
public sealed record SearchSettings
{
    /// <summary>Trials this run adds to the study.</summary>
    public int Trials { get; init; } = 20;

    /// <summary>The sampler: <c>grid</c>, <c>random</c>, <c>tpe</c> or <c>gp</c>, or one of your own (<see cref="SamplerInstance"/>).</summary>
    public string Sampler { get; init; } = "tpe";

    /// <summary>A sampler of your own, used instead of <see cref="Sampler"/>.</summary>
    public ISampler? SamplerInstance { get; init; }

    /// <summary>The pruner: <c>none</c>, <c>median</c> or <c>halving</c>.</summary>
    public string Pruner { get; init; } = "median";

    /// <summary>A pruner of your own, used instead of <see cref="Pruner"/>.</summary>
    public IPruner? PrunerInstance { get; init; }

    /// <summary><c>val-loss</c> (lower is better) or <c>val-accuracy</c> (higher).</summary>
    public string Objective { get; init; } = "val-loss";

    /// <summary>The samplers' seed.</summary>
    public int Seed { get; init; }

    /// <summary>Where trial folders, <c>best-config.json</c> and <c>search.md</c> go.</summary>
    public string Folder { get; init; } = Path.Combine("runs", "search");

    /// <summary>The study file; <c>Folder/study.db</c> when null.</summary>
    public string? StudyPath { get; init; }
}

/// <summary>
/// Hyperparameter search as a library call: the same trials, checks, study file and results as the generated command
/// line's <c>search</c> mode, in the caller's process and without changing its settings (threads, allocator).
/// </summary>
public static class HyperParameterSearch
{
    /// <summary>
    /// Runs <see cref="SearchSettings.Trials"/> trials of the hyperparameters <typeparamref name="TConfig"/> declares searched,
    /// each over <paramref name="baseConfig"/> (its defaults when null), and returns every trial of the study.
    /// </summary>
    /// <exception cref="HyperParameterException">No hyperparameter is searched, or a setting is invalid.</exception>
    public static IReadOnlyList<Trial> Run<TTrainer, TModel, TData, TConfig>(
        Func<TConfig, torch.Device, TTrainer> create, SearchSettings settings, TConfig? baseConfig = null, torch.Device? device = null,
        TextWriter? output = null, CancellationToken cancellation = default)
        where TTrainer : Trainer<TModel, TData, TConfig>
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TData : IDataSource, new()
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>, new()
    {
        output ??= TextWriter.Null;
        baseConfig ??= new TConfig();
        var space = TConfig.Options.Where(o => o.Search is not null).Select(o => o.Search!).ToList();
        if (space.Count == 0) throw new HyperParameterException($"search: no hyperparameter of {typeof(TConfig).Name} is searched; declare [SearchRange] or [SearchChoice] on one (docs/search.md).");
        if (settings.Trials < 1) throw new HyperParameterException($"search: Trials must be at least 1; got {settings.Trials}.");
        bool maximize = Maximizes(settings.Objective, "search: the objective");
        ISampler sampler;
        IPruner pruner;
        try
        {
            sampler = settings.SamplerInstance ?? ISampler.Named(settings.Sampler, settings.Seed);
            pruner = settings.PrunerInstance ?? IPruner.Named(settings.Pruner);
        }
        catch (ArgumentException problem)
        {
            throw new HyperParameterException("search: " + problem.Message, problem);
        }
        var data = new TData().Load(baseConfig.Seed);
        Directory.CreateDirectory(settings.Folder);
        using var study = Study.Open(settings.StudyPath ?? Path.Combine(settings.Folder, "study.db"), space, settings.Objective, maximize);
        study.ReleaseAbandoned();
        RunTrials<TTrainer, TModel, TData, TConfig>(study, sampler, pruner, settings.Trials, baseConfig, data, device ?? torch.CPU, create, settings.Folder, output, cancellation);
        TrainerCommandLine.WriteSearchResults(study, baseConfig, settings.Folder, typeof(TTrainer).Name, output);
        return study.Trials();
    }

    /// <summary>Whether <paramref name="objective"/> (<c>val-loss</c> or <c>val-accuracy</c>) is better when larger; <paramref name="what"/> names it in the error.</summary>
    internal static bool Maximizes(string objective, string what) => objective switch
    {
        "val-loss" => false,
        "val-accuracy" => true,
        _ => throw new HyperParameterException($"{what} is val-loss or val-accuracy; got '{objective}'."),
    };

    /// <summary>Claims and runs up to <paramref name="count"/> trials; false when the sampler ran out (a finished grid).</summary>
    internal static bool RunTrials<TTrainer, TModel, TData, TConfig>(
        Study study, ISampler sampler, IPruner pruner, int count, TConfig baseConfig, DataSplits data, torch.Device device,
        Func<TConfig, torch.Device, TTrainer> create, string folder, TextWriter output, CancellationToken cancellation)
        where TTrainer : Trainer<TModel, TData, TConfig>
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TData : IDataSource, new()
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>, new()
    {
        for (int k = 0; k < count && !cancellation.IsCancellationRequested; k++)
        {
            if (study.Ask(sampler) is not { } trial) return false;
            TrainerCommandLine.RunTrial<TTrainer, TModel, TData, TConfig>(
                trial, study, baseConfig, data, device, create, pruner, Path.Combine(folder, $"trial-{trial.Number:D4}"), output, cancellation);
        }
        return true;
    }
}
