using System;
using Sculpt.Data;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Optimization;
using TorchSharp;

namespace Sculpt.Training;

/// <summary>
/// The base of a <see cref="TrainerAttribute"/> class. It owns the model, the device and the
/// optimizer; the generator writes the training step, evaluation and fit loop for the declared
/// loss and optimizer.
/// </summary>
public abstract class Trainer<TModel, TData, TConfig> : IDisposable
    where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
    where TData : IDataSource, new()
    where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
{
    private FlatParameters? _parameters;
    private FusedOptimizer? _optimizer;

    /// <summary>Validates <paramref name="config"/>, seeds libtorch and builds the model on <paramref name="device"/>.</summary>
    protected Trainer(TConfig config, torch.Device? device = null)
    {
        RangeCheck.ThrowIfAny(config.ValidationErrors(), typeof(TConfig).Name);
        Backend.NativeBackend.EnsureLoaded();
        Config = config;
        Device = device ?? torch.CPU;
        torch.manual_seed(config.Seed);
        Model = TModel.Create(config);
        Model.to(Device);
    }

    public TConfig Config { get; }
    public TModel Model { get; }
    public torch.Device Device { get; }

    /// <summary>
    /// The declared optimizer over the model's parameters, gathered into flat buffers. Built on
    /// first use, after the model reached its device: moving or loading a module replaces its
    /// parameters, and buffers holding the old ones would train nothing.
    /// </summary>
    public FusedOptimizer FusedOptimizer => _optimizer ??= CreateOptimizer(_parameters ??= new FlatParameters(Model));

    /// <summary>The learning-rate schedule the hyperparameters declare, for a run of <paramref name="stepsPerEpoch"/> steps per epoch.</summary>
    public LearningRateSchedule CreateSchedule(long stepsPerEpoch) =>
        new(Config.Schedule, Config.LearningRate, stepsPerEpoch, Config.Epochs, Config.WarmupSteps, Config.MinLearningRate, Config.DecayFactor, Config.DecayEvery, Config.Patience);

    /// <summary>The optimizer declared on the trainer, over <paramref name="parameters"/>.</summary>
    protected abstract FusedOptimizer CreateOptimizer(FlatParameters parameters);

    /// <summary>One optimisation step. Returns the batch's mean loss as a detached scalar tensor, without a device sync.</summary>
    public abstract torch.Tensor TrainStep(torch.Tensor input, torch.Tensor target);

    /// <summary>Mean loss (and accuracy, for classification) over <paramref name="data"/>, in eval mode without gradients.</summary>
    public abstract Evaluation Evaluate(TensorDataset data);

    /// <summary>Trains for <c>Config.Epochs</c> epochs, evaluating on <paramref name="validation"/> after each.</summary>
    public abstract FitResult Fit(TensorDataset train, TensorDataset validation, ITrainingProgress? progress = null);

    /// <summary>Saves the model's weights atomically.</summary>
    public void Save(string path) => WeightFiles.Save(Model, path);

    /// <summary>Loads weights into the model; the optimizer starts afresh on the loaded parameters.</summary>
    public void Load(string path)
    {
        WeightFiles.Load(Model, path);
        Model.to(Device);
        ReleaseOptimizer();
    }

    private void ReleaseOptimizer()
    {
        _optimizer?.Dispose();
        _optimizer = null;
        _parameters?.Dispose();
        _parameters = null;
    }

    public void Dispose()
    {
        ReleaseOptimizer();
        Model.Dispose();
        GC.SuppressFinalize(this);
    }
}
