using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using Sculpt.Data;
using Sculpt.Distributed;
using Sculpt.HyperParameters;
using Sculpt.Layers;
using Sculpt.Models;
using Sculpt.Optimization;
using TorchSharp;

namespace Sculpt.Training;

/// <summary>
/// The base of a <see cref="TrainerAttribute"/> class. It owns the model, the device and the
/// optimizer; the generator writes the training step, evaluation and fit loop for the declared
/// loss and optimizer.
/// </summary>
public abstract partial class Trainer<TModel, TData, TConfig> : IDisposable
    where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
    where TData : IDataSource, new()
    where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
{
    /// <summary>
    /// The alpha of a plain in-place add. TorchSharp's <c>add_(tensor)</c> makes a native Scalar per
    /// call that only the finalizer frees; a step loop that does so keeps a growing tail of them.
    /// </summary>
    private static readonly Scalar One = 1.ToScalar();

    private FlatParameters? _parameters;
    private ProcessGroup _group = ProcessGroup.Single;
    // This process's rows of the step's batch over the batch's rows: how much its gradient counts in the group's sum.
    private double _share = 1;
    private FusedOptimizer? _optimizer;
    private readonly TrainerRandom _random;
    // The best epoch's weights, kept for Config.RestoreBest.
    private Dictionary<string, torch.Tensor>? _bestWeights;
    private int _bestWeightsEpoch;

    /// <summary>
    /// Validates <paramref name="config"/> and builds the model on <paramref name="device"/>, its
    /// initial weights drawn from the trainer's own random stream seeded with <c>Config.Seed</c>
    /// (libtorch's global generator is left as the caller had it).
    /// </summary>
    protected Trainer(TConfig config, torch.Device? device = null)
    {
        RangeCheck.ThrowIfAny(config.ValidationErrors(), typeof(TConfig).Name);
        Models.ShapeCheck.ThrowIfAny(TModel.ShapeErrors(config), typeof(TModel).Name);
        Backend.NativeBackend.EnsureLoaded();
        Config = config;
        Device = device ?? torch.CPU;
        _random = new TrainerRandom(config.Seed);
        using (_random.Use()) Model = TModel.Create(config);
        Model.to(Device);
        _plan = new FineTuningPlan(config, Model.state_dict().Keys.ToList());
        if (config.InitFrom.Length > 0)
        {
            try
            {
                InitReport = Model.LoadWeights(config.InitFrom, allowMissing: false, fresh: _plan.Fresh);
            }
            catch (InvalidDataException problem)
            {
                throw new InvalidDataException($"Option '--init-from': {problem.Message}", problem);
            }
        }
        KeepReference();
        if (config.Lora.Length > 0)
        {
            try
            {
                // Adapters draw their starting values from the trainer's stream, as the model's layers do.
                using (_random.Use()) Adapted = LowRankAdapters.Attach(Model, ComponentNames.Parse(config.Lora), config.LoraRank, config.LoraAlpha);
            }
            catch (ArgumentException problem)
            {
                throw new HyperParameterException($"Option '--lora': {problem.Message}", problem);
            }
        }
        SetFrozen(config.UnfreezeAt != 1);
    }

    /// <summary>The linear layers <c>Config.Lora</c> put adapters on; empty without LoRA.</summary>
    public IReadOnlyList<string> Adapted { get; } = [];

    private readonly FineTuningPlan _plan;
    private bool _frozen;

    /// <summary>What <c>Config.InitFrom</c> loaded into the model, name by name; null when the model started from its initialisers.</summary>
    public WeightLoadReport? InitReport { get; }

    /// <summary>Parameters <c>Config.Freeze</c> holds still now: no gradient, no optimizer state, no room in the flat buffers.</summary>
    public long FrozenParameterCount => Model.parameters().Where(p => !p.requires_grad).Sum(p => p.numel());

    /// <summary>Parameters that train now, adapters included.</summary>
    public long TrainableParameterCount => Model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    private FrozenBase? _frozenBase;

    /// <summary>
    /// What this run's checkpoints leave out: under LoRA with the base frozen for the whole run, the base weights, which
    /// never change (their fingerprint is taken once). Null otherwise: the checkpoints hold the whole model.
    /// </summary>
    private FrozenBase? FrozenBase => Adapted.Count == 0 || Config.UnfreezeAt > 0 ? null
        : _frozenBase ??= FrozenBase.Of(Model, Config.InitFrom, Model.state_dict().Keys.Where(name => _plan.Freezes(name, adapted: true)));

    private bool IsFrozen(string tensorName) => _frozen && _plan.Freezes(tensorName, Adapted.Count > 0);

    /// <summary>
    /// Freezes or unfreezes the <c>Config.Freeze</c> components. Frozen parameters stop requiring gradients, so backward
    /// computes none for them and the flat buffers, built after this, leave them out. Unfreezing after the optimizer exists
    /// starts it afresh over every trainable parameter (a new stage of training: Adam's moments and step count restart),
    /// because one step count serves the whole flat buffer and parameters joining later would otherwise take outsized steps.
    /// </summary>
    private void SetFrozen(bool frozen)
    {
        _frozen = frozen;
        foreach (var (name, parameter) in Model.named_parameters()) parameter.requires_grad = !IsFrozen(name);
        if (!frozen && _optimizer is not null) ReleaseOptimizer();
    }

    /// <summary>Training mode for the model, except batch-norm layers of frozen components, whose statistics stay as loaded.</summary>
    protected void TrainMode()
    {
        Model.train();
        if (!_frozen || !_plan.FreezesAny(Adapted.Count > 0)) return;
        foreach (var (name, module) in Model.named_modules())
        {
            if (module is TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.BatchNorm3d && IsFrozen(name + ".running_mean")) module.eval();
        }
    }

    /// <summary>Whether a checkpoint at (<paramref name="epoch"/>, <paramref name="stepInEpoch"/>) was written after the unfreezing.</summary>
    private bool UnfrozenBy(int epoch, long stepInEpoch) => Config.UnfreezeAt > 0 && (epoch > Config.UnfreezeAt || epoch == Config.UnfreezeAt && stepInEpoch > 0);

    public TConfig Config { get; }
    public TModel Model { get; }
    public torch.Device Device { get; }

    /// <summary>
    /// The declared optimizer over the model's parameters, gathered into flat buffers. Built on
    /// first use, after the model reached its device: moving or loading a module replaces its
    /// parameters, and buffers holding the old ones would train nothing.
    /// </summary>
    public FusedOptimizer FusedOptimizer => _optimizer ?? BuildOptimizer();

    private FusedOptimizer BuildOptimizer()
    {
        _parameters ??= new FlatParameters(Model, groupOf: _plan.GroupOf);
        _optimizer = CreateOptimizer(_parameters);
        PreparePrecision(_parameters);
        return _optimizer;
    }

    /// <summary>The model's output for a training step; back-propagate the loss computed from it with <see cref="Backpropagate"/>.</summary>
    protected torch.Tensor TrainingForward(torch.Tensor input)
    {
        // The flat buffers first: building them re-points every parameter, which would break a graph already recorded.
        _ = FusedOptimizer;
        // Dropout draws from the trainer's stream, not the caller's.
        using var random = _random.Use();
        using var precision = MixedPrecision.LowPrecision.Use(_lowWeights);
        return Model.call(input);
    }

    /// <summary>Sets every gradient to that of <paramref name="loss"/>: zeroes them and back-propagates (and sums the group's, when distributed).</summary>
    protected void Backpropagate(torch.Tensor loss)
    {
        FusedOptimizer.ZeroGrad();
        _lowWeights?.ZeroGrad();
        WeightedBackward(loss);
        FinishBackward();
    }

    /// <summary>The processes this trainer trains with: <see cref="ProcessGroup.Single"/> unless <see cref="Distribute"/> joined it to others.</summary>
    public ProcessGroup Group => _group;

    /// <summary>
    /// Trains from here on as one process of <paramref name="group"/> (data parallelism): the model starts from rank 0's
    /// weights and buffers, <see cref="Fit"/> takes this process's part of every batch, and each step's gradient is the
    /// whole batch's, summed over the group before the optimizer steps, so every process keeps the same weights. Only
    /// rank 0 writes checkpoints. Call it on every process of the group, before training.
    /// </summary>
    /// <param name="group">The processes training together.</param>
    /// <param name="synchronizeBatchNorm">Whether batch-norm layers normalise over the whole batch (see <see cref="SynchronizedBatchNorm"/>) rather than each process's rows.</param>
    public void Distribute(ProcessGroup group, bool synchronizeBatchNorm = false)
    {
        _group = group;
        _share = 1.0 / group.Size;
        _synchronizedNorms?.Dispose();
        _synchronizedNorms = synchronizeBatchNorm && group.Size > 1 ? SynchronizedBatchNorm.Attach(Model, group) : null;
        using var noGrad = torch.no_grad();
        foreach (var (_, tensor) in Model.state_dict()) group.Broadcast(tensor);
    }

    private IDisposable? _synchronizedNorms;

    /// <summary>
    /// Makes the flat gradient the whole batch's. Each process back-propagated its loss (the mean over its rows) weighted
    /// by its share of the batch's rows, so the group's sum is the gradient of the batch's mean: one collective over the
    /// whole buffer. Weighting the loss rather than the gradient keeps this exact through synchronised batch norm, whose
    /// backward sums across processes what each loss sent back.
    /// </summary>
    private void ShareGradients() => _group.SumInPlace(FusedOptimizer.Parameters.Gradients);

    /// <summary>The learning-rate schedule the hyperparameters declare, for a run of <paramref name="stepsPerEpoch"/> steps per epoch.</summary>
    public LearningRateSchedule CreateSchedule(long stepsPerEpoch) =>
        new(Config.Schedule, Config.LearningRate, stepsPerEpoch, Config.Epochs, Config.WarmupSteps, Config.MinLearningRate, Config.DecayFactor, Config.DecayEvery, Config.Patience);

    /// <summary>The optimizer declared on the trainer, over <paramref name="parameters"/>.</summary>
    protected abstract FusedOptimizer CreateOptimizer(FlatParameters parameters);

    /// <summary>One optimisation step. Returns the batch's mean loss as a detached scalar tensor, without a device sync.</summary>
    public abstract torch.Tensor TrainStep(torch.Tensor input, torch.Tensor target);

    /// <summary>Mean loss (and accuracy, for classification) over <paramref name="data"/>, in eval mode without gradients.</summary>
    public abstract Evaluation Evaluate(TensorDataset data);

    /// <summary>
    /// Trains for <c>Config.Epochs</c> epochs over <paramref name="train"/> in an order fixed by the seed and
    /// the epoch, evaluating on <paramref name="validation"/> after each. The loss stays on the device
    /// and is read only when progress asks, every <see cref="FitOptions.CheckEvery"/> steps (to catch
    /// NaN) and before a checkpoint. A resumed run must have the checkpoint's hyperparameters (see
    /// <see cref="ResumeCheck"/>); with <c>Config.RestoreBest</c> the model ends with the weights of
    /// the epoch of lowest validation loss.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="HyperParameterException">The checkpoint to resume from was written with other hyperparameters or data.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is damaged or of another model.</exception>
    public FitResult Fit(TensorDataset train, TensorDataset validation, ITrainingProgress? progress = null, FitOptions? options = null)
    {
        progress ??= new ConsoleProgress();
        options ??= new FitOptions();
        if (ChoosePrecision(options.PrecisionFallback) is { } precisionNote) progress.Note(precisionNote);
        // Checked before anything is loaded: a refused checkpoint leaves the trainer as it was.
        if (options.ResumeFrom is { } resume) ResumeCheck.Require(resume, Checkpoint.ReadState(resume), Config, options.Normalization, options.ResumeWithChanges);
        if (options.CheckpointFolder is { } existing && _group.IsLeader) Checkpoint.RemoveStaleTemporaries(existing);
        ForgetBestWeights();
        var trainOnDevice = train.To(Device);
        var validationOnDevice = validation.To(Device);
        long stepsPerEpoch = trainOnDevice.BatchCount(Config.BatchSize, options.LastBatch, _group.Size);
        var schedule = CreateSchedule(stepsPerEpoch);
        // A checkpoint written after the unfreezing holds the optimizer of every parameter; before it, of the trainable ones.
        if (options.ResumeFrom is { } resumed && Checkpoint.ReadState(resumed) is var saved && _frozen && UnfrozenBy(saved.Epoch, saved.StepInEpoch)) SetFrozen(false);
        var optimizer = FusedOptimizer;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var state = options.ResumeFrom is { } from
            ? Checkpoint.Load(from, Model, optimizer)
            : new TrainingState(0, 1, 0, 0, schedule.State, []);
        if (state.RandomState is { } randomState) _random.Restore(randomState);
        if (state.LossScale is { } lossScale) _scaler?.Restore(lossScale);
        // Loaded weights reach the low-precision copy the model computes with.
        _lowWeights?.Refresh();
        schedule.Restore(state.Schedule);
        var history = new List<EpochReport>(state.History);
        long step = state.Step;
        string? lastCheckpoint = options.ResumeFrom;
        string config = Config.ToJson();
        // What every checkpoint carries besides where the run stands: enough to continue it alone.
        TrainingState Complete(TrainingState at) => at with { Config = config, Normalization = options.Normalization, RunOptions = options.RunOptions, RandomState = _random.State, Base = FrozenBase, LossScale = _scaler?.State };
        double bestLoss = history.Select(e => e.Validation.Loss).Where(double.IsFinite).DefaultIfEmpty(double.PositiveInfinity).Min();
        FitResult Finished(bool interrupted, bool stoppedEarly = false) => new(history, clock.Elapsed, interrupted, lastCheckpoint)
        {
            StoppedEarly = stoppedEarly,
            RestoredEpoch = interrupted ? null : RestoreBestWeights(history, options),
        };
        // In a group, Ctrl-C stops every process at the same step: each step's collective carries whether any was asked.
        bool cancelled = false;
        bool Cancelled() => _group.Size == 1 ? options.Cancellation.IsCancellationRequested : cancelled;
        progress.FitStarted(Config.Epochs, train.Count, validation.Count, stepsPerEpoch, state.Step);
        try
        {
            for (int epoch = state.Epoch; epoch <= Config.Epochs; epoch++)
            {
                var epochClock = System.Diagnostics.Stopwatch.StartNew();
                long skip = epoch == state.Epoch ? state.StepInEpoch : 0;
                if (_frozen && Config.UnfreezeAt > 0 && epoch >= Config.UnfreezeAt && skip == 0)
                {
                    SetFrozen(false);
                    optimizer = FusedOptimizer;
                    progress.Note($"epoch {epoch}: the frozen components train from here (--unfreeze-at {Config.UnfreezeAt}); the optimizer starts afresh over {_parameters!.Slots.Sum(p => p.Elements):N0} parameters");
                }
                TrainMode();
                using var lossSum = torch.tensor(skip > 0 ? (float)state.EpochLossSum : 0f, device: Device);
                long stepInEpoch = 0;
                // The time spent getting the next batch (gathering shuffled rows) is the data wait.
                var waiting = new System.Diagnostics.Stopwatch();
                int prefetch = options.Prefetch ?? (Device.type == DeviceType.CUDA ? 2 : 0);
                using var batches = trainOnDevice.Batches(Config.BatchSize, shuffle: true, Seeds.ForEpoch(Config.Seed, epoch), prefetch, options.LastBatch, _group.Shard).GetEnumerator();
                while (true)
                {
                    waiting.Start();
                    bool more = batches.MoveNext();
                    waiting.Stop();
                    if (!more) break;
                    var batch = batches.Current;
                    // A resumed epoch walks the same shuffled order and skips what was already trained.
                    if (++stepInEpoch <= skip) continue;
                    // Augmentation is data preparation on the step's path, so it counts as data wait.
                    waiting.Start();
                    using var augmented = options.Augmentation?.Apply(batch.Input, OwnSeed(Seeds.ForBatch(Config.Seed, epoch, stepInEpoch)));
                    waiting.Stop();
                    optimizer.LearningRate = schedule.Rate(step + 1);
                    // TorchSharp can neither read nor set the CUDA generator's state, so no checkpoint
                    // can carry it: instead each step reseeds it from the run's seed and the step, and a
                    // resumed run draws the same dropout masks. The CPU generator is saved and needs none.
                    if (Device.type == DeviceType.CUDA) torch.cuda.manual_seed_all(OwnSeed(Seeds.ForStep(Config.Seed, step + 1)));
                    // Processes of a group draw dropout masks of their own, fixed by the step as the CUDA ones are.
                    if (_group.Size > 1) _random.Reseed(OwnSeed(Seeds.ForStep(Config.Seed, step + 1)));
                    _share = batch.Share;
                    using var loss = TrainStep(augmented ?? batch.Input, batch.Target);
                    if (_group.Size > 1) cancelled = AgreeOnStep(loss, options.Cancellation.IsCancellationRequested);
                    lossSum.add_(loss, One);
                    step++;
                    if (options.CheckEvery > 0 && step % options.CheckEvery == 0) RequireFinite(lossSum, step, lastCheckpoint);
                    if (progress.WantsStep(stepInEpoch)) progress.Step(epoch, stepInEpoch, step, lossSum.item<float>() / stepInEpoch, optimizer.LearningRate);
                    bool stop = options.StopAfterStep > 0 && step >= options.StopAfterStep || Cancelled();
                    bool due = options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0;
                    if (options.CheckpointFolder is { } folder && (due || stop) && stepInEpoch < stepsPerEpoch)
                    {
                        RequireFinite(lossSum, step, lastCheckpoint);
                        RequireFiniteWeights(step, lastCheckpoint);
                        progress.CheckpointStarting(step);
                        lastCheckpoint = SaveCheckpoint(folder, options, Complete(new TrainingState(step, epoch, stepInEpoch, lossSum.item<float>(), schedule.State, history.ToList())), lastCheckpoint);
                    }
                    if (stop && stepInEpoch < stepsPerEpoch) return Finished(interrupted: true);
                }
                double trainLoss = lossSum.item<float>() / stepInEpoch;
                RequireFinite(lossSum, step, lastCheckpoint);
                // Samples this call trained in the epoch (a resumed epoch skipped some).
                double samplesPerSecond = train.Count * (double)(stepInEpoch - skip) / stepInEpoch / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds);
                var evaluation = EvaluateAll(validationOnDevice);
                schedule.EpochCompleted(evaluation.Loss);
                var report = new EpochReport(epoch, step, trainLoss, evaluation, samplesPerSecond, epochClock.Elapsed, optimizer.LearningRate)
                {
                    DataWaitShare = waiting.Elapsed.TotalSeconds / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds),
                };
                history.Add(report);
                progress.EpochCompleted(report, Config.Epochs, clock.Elapsed);
                bool improved = double.IsFinite(evaluation.Loss) && evaluation.Loss < bestLoss;
                if (options.CheckpointFolder is { } checkpoints)
                {
                    RequireFiniteWeights(step, lastCheckpoint);
                    var next = Complete(new TrainingState(step, epoch + 1, 0, 0, schedule.State, history.ToList()));
                    progress.CheckpointStarting(step);
                    lastCheckpoint = SaveCheckpoint(checkpoints, options, next, lastCheckpoint);
                    if (improved) WriteCheckpoint(Path.Combine(checkpoints, BestFolder), next, lastCheckpoint);
                }
                if (improved)
                {
                    bestLoss = evaluation.Loss;
                    if (Config.RestoreBest) KeepBestWeights(epoch);
                }
                // Epochs since the first that reached the best loss: matching it again is no improvement.
                if (Config.EarlyStopping > 0 && history.Count - 1 - history.FindIndex(e => e.Validation.Loss == bestLoss) >= Config.EarlyStopping)
                {
                    return Finished(interrupted: false, stoppedEarly: true);
                }
                bool stopped = options.StopAfterStep > 0 && step >= options.StopAfterStep || Cancelled();
                if (stopped && epoch < Config.Epochs) return Finished(interrupted: true);
            }
        }
        finally
        {
            progress.FitEnded();
            if (!ReferenceEquals(trainOnDevice, train)) trainOnDevice.Dispose();
            if (!ReferenceEquals(validationOnDevice, validation)) validationOnDevice.Dispose();
        }
        return Finished(interrupted: false);
    }

    /// <summary>This process's seed of a draw <paramref name="seed"/> fixes: the seed itself for one process.</summary>
    private long OwnSeed(long seed) => _group.Size == 1 ? seed : Seeds.ForRank(seed, _group.Rank);

    /// <summary>
    /// After a step in a group: makes <paramref name="loss"/> the whole batch's (each process's share of it, summed) and
    /// returns whether any process was asked to stop, in one small collective.
    /// </summary>
    private bool AgreeOnStep(torch.Tensor loss, bool stopAsked)
    {
        using var scope = torch.NewDisposeScope();
        using var share = _share.ToScalar();
        var agreement = torch.stack([loss.to(torch.float64).mul(share).reshape(1), torch.tensor(new[] { stopAsked ? 1.0 : 0.0 }, device: loss.device)]).reshape(2).cpu().contiguous();
        _group.SumInPlace(agreement);
        loss.copy_(agreement[0]);
        return agreement[1].item<double>() > 0;
    }

    /// <summary>
    /// <see cref="Evaluate"/> over <paramref name="data"/>, shared by the group: each process evaluates its contiguous part
    /// with rank 0's batch-norm statistics, and the means are combined weighted by rows, so the numbers are one process's.
    /// </summary>
    public Evaluation EvaluateAll(TensorDataset data)
    {
        // In the precision the model trains in.
        using var precision = MixedPrecision.LowPrecision.Use(_lowWeights);
        if (_group.Size == 1) return Evaluate(data);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            foreach (var (_, buffer) in Model.named_buffers()) _group.Broadcast(buffer);
        }
        // A split smaller than the group: each process evaluates all of it, which gives the same numbers everywhere.
        if (data.Count < _group.Size) return Evaluate(data);
        using var part = data.Part(_group.Shard);
        var own = Evaluate(part);
        // Sums weighted by rows: loss, accuracy, the rows, then each metric (every process has the same ones).
        var names = own.Metrics.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var sums = torch.tensor(new[] { own.Loss * own.Samples, (own.Accuracy ?? 0) * own.Samples, own.Samples }.Concat(names.Select(n => own.Metrics[n] * own.Samples)).ToArray());
        _group.SumInPlace(sums);
        double[] total = sums.data<double>().ToArray();
        return new Evaluation(total[0] / total[2], own.Accuracy is null ? null : total[1] / total[2], (long)total[2])
        {
            Metrics = names.Select((name, i) => (name, total[3 + i] / total[2])).ToDictionary(p => p.name, p => p.Item2),
        };
    }

    /// <summary>The folder, beside the <c>step-N</c> ones, of the checkpoint after the epoch of lowest validation loss.</summary>
    public const string BestFolder = "best";

    private void KeepBestWeights(int epoch)
    {
        ForgetBestWeights();
        using var noGrad = torch.no_grad();
        _bestWeights = Model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope());
        _bestWeightsEpoch = epoch;
    }

    private void ForgetBestWeights()
    {
        if (_bestWeights is null) return;
        foreach (var tensor in _bestWeights.Values) tensor.Dispose();
        _bestWeights = null;
    }

    /// <summary>
    /// With <c>Config.RestoreBest</c>, puts the weights of the epoch of lowest validation loss back
    /// into the model (in place): from memory when this call trained it, otherwise from the
    /// <c>best</c> checkpoint of the output or of the checkpoint resumed from. Returns that epoch,
    /// or null when the model keeps its final weights (not asked, the final epoch is the best, or
    /// the best epoch's weights are nowhere to be found).
    /// </summary>
    private EpochReport? RestoreBestWeights(List<EpochReport> history, FitOptions options)
    {
        var best = FitResult.LowestValidationLoss(history);
        if (!Config.RestoreBest || best is null || best.Epoch == history[^1].Epoch) return null;
        if (_bestWeights is not null && _bestWeightsEpoch == best.Epoch)
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, target) in Model.state_dict()) target.copy_(_bestWeights[name]);
            return best;
        }
        var candidates = new[] { options.CheckpointFolder, options.ResumeFrom is { } resume ? Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(resume))) : null };
        foreach (string? folder in candidates)
        {
            if (folder is null) continue;
            string path = Path.Combine(folder, BestFolder);
            try
            {
                if (!Directory.Exists(path) || Checkpoint.ReadState(path).History.Count != best.Epoch) continue;
                Checkpoint.LoadWeights(path, Model);
                return best;
            }
            catch (Exception problem) when (problem is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // A damaged best checkpoint restores nothing; the run keeps its final weights and says so.
            }
        }
        return null;
    }

    /// <summary>
    /// Checks, before training starts, that <paramref name="data"/> fits the model, so that a mismatch
    /// is refused with the source named instead of failing inside libtorch mid-epoch. One sample goes
    /// through the model (in eval mode, without gradients), which checks its shape and gives the
    /// model's output width. Class labels (int64 targets) must then fit that width: a source that
    /// names its classes needs at least 2 and exactly as many as the model scores, and every label of
    /// every split must be a class index the model scores.
    /// </summary>
    /// <exception cref="InvalidDataException">The data does not fit the model; the message names the source and both sizes.</exception>
    public void CheckData(DataSplits data)
    {
        string source = data.Source ?? typeof(TData).Name;
        string model = typeof(TModel).Name;
        if (data.Train.Count == 0) throw new InvalidDataException($"{source}: the training split is empty.");
        if (SamplesCompletions)
        {
            CheckPrompts(data, source, model);
            return;
        }
        long width;
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var sample = ModelInput(data.Train.Features.narrow(0, 0, 1).to(Device));
            var output = Model.call(sample);
            width = output.dim() == 0 ? 1 : output.size(-1);
        }
        catch (ShapeMismatchException mismatch)
        {
            throw new InvalidDataException($"{source}: its samples do not fit {model}: {mismatch.Message}", mismatch);
        }
        finally
        {
            if (wasTraining) TrainMode();
        }
        if (data.Train.Targets.dtype != torch.int64) return;
        if (data.ClassNames is { } names)
        {
            string listed = string.Join(", ", names.Take(10)) + (names.Count > 10 ? ", ..." : "");
            if (names.Count < 2)
            {
                throw new InvalidDataException($"{source} has {names.Count} class{(names.Count == 1 ? "" : "es")} ({listed}); a classifier needs at least 2. Add data of the other classes.");
            }
            if (names.Count != width)
            {
                throw new InvalidDataException(
                    $"{source} has {names.Count} classes ({listed}), but {model} outputs {width} class scores. Make the model's output {names.Count} wide, or keep only the {width} classes it is meant to learn.");
            }
        }
        foreach (var (part, name) in new[] { (data.Train, "training"), (data.Validation, "validation"), (data.Test, "test") })
        {
            if (part is null || part.Count == 0) continue;
            long low = part.Targets.min().item<long>(), high = part.Targets.max().item<long>();
            if (low < 0 || high >= width)
            {
                long bad = low < 0 ? low : high;
                throw new InvalidDataException(
                    $"{source}: the {name} split has label {bad}, but {model} outputs {width} class scores (labels 0 to {width - 1}). Make the model's output {Math.Max(high + 1, width)} wide, or fix the labels.");
            }
        }
    }

    /// <summary>
    /// Splits a batch into <c>Config.AccumulateBatches</c> micro-batches and back-propagates each
    /// one's loss weighted by its share of the batch into zeroed gradients, so they sum to those of the
    /// whole batch. Returns the batch's loss (detached parts, summed).
    /// </summary>
    protected torch.Tensor AccumulateGradients(torch.Tensor input, torch.Tensor target, Func<TModel, torch.Tensor, torch.Tensor, torch.Tensor> loss)
    {
        FusedOptimizer.ZeroGrad();
        _lowWeights?.ZeroGrad();
        using var random = _random.Use();
        using var precision = MixedPrecision.LowPrecision.Use(_lowWeights);
        var inputs = input.chunk(Config.AccumulateBatches);
        var targets = target.chunk(Config.AccumulateBatches);
        var total = torch.zeros(Array.Empty<long>(), device: input.device);
        for (int i = 0; i < inputs.Length; i++)
        {
            using var share = ((double)inputs[i].size(0) / input.size(0)).ToScalar();
            var part = loss(Model, inputs[i], targets[i]).mul(share);
            WeightedBackward(part);
            total.add_(part.detach(), One);
        }
        FinishBackward();
        return total;
    }

    /// <summary>
    /// Writes <c>step-NNNNNNNNN</c> and keeps it and the newest <see cref="FitOptions.KeepLast"/> - 1
    /// others by step. The fresh one always stays, even when a run resumed from an older step finds
    /// later ones from the run it replaced.
    /// </summary>
    private string SaveCheckpoint(string folder, FitOptions options, TrainingState state, string? lastCheckpoint)
    {
        string path = Path.Combine(folder, Checkpoint.StepFolderName(state.Step));
        WriteCheckpoint(path, state, lastCheckpoint);
        if (!_group.IsLeader) return path;
        var stale = Checkpoint.StepFolders(folder).Where(c => c.Step != state.Step).Reverse().Skip(Math.Max(1, options.KeepLast) - 1);
        foreach (var (_, old) in stale) Directory.Delete(old, recursive: true);
        return path;
    }

    /// <summary>
    /// Writes a checkpoint; a failed write (a full disk, no permission) leaves the previous
    /// checkpoints whole (see <see cref="Checkpoint.Save"/>) and is reported with the last good one.
    /// </summary>
    private void WriteCheckpoint(string path, TrainingState state, string? lastCheckpoint)
    {
        // A group's weights and optimizer state are the same in every process; rank 0 keeps them.
        if (!_group.IsLeader) return;
        try
        {
            Checkpoint.Save(path, Model, FusedOptimizer, state);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            string kept = lastCheckpoint is null
                ? "no checkpoint was written before it"
                : $"the last good checkpoint is {lastCheckpoint}; once there is room, continue with --resume {lastCheckpoint}";
            throw new IOException($"Cannot write the checkpoint '{path}': {OutputFiles.Reason(problem)}; training stopped at step {state.Step} ({kept}).", problem);
        }
    }

    private static void RequireFinite(torch.Tensor lossSum, long step, string? lastCheckpoint)
    {
        float value = lossSum.item<float>();
        if (!float.IsFinite(value)) throw Diverged($"The training loss became {value} by step {step}", lastCheckpoint);
    }

    /// <summary>
    /// The loss read before a checkpoint is that of the step's forward pass, from before its update:
    /// an update that overflowed leaves a finite loss and broken weights, so the weights themselves
    /// are checked before they are saved. One sync for all of them; the name only once one is bad.
    /// </summary>
    private void RequireFiniteWeights(long step, string? lastCheckpoint)
    {
        using var scope = torch.NewDisposeScope();
        var weights = Model.state_dict().Where(p => p.Value.is_floating_point()).ToList();
        var broken = weights.Select(p => torch.isfinite(p.Value).logical_not().sum()).Aggregate((a, b) => a + b);
        if (broken.item<long>() == 0) return;
        string name = weights.First(p => !torch.isfinite(p.Value).all().item<bool>()).Key;
        throw Diverged($"The model's weights became NaN or infinite by step {step} (first in '{name}')", lastCheckpoint);
    }

    private static TrainingDivergedException Diverged(string what, string? lastCheckpoint)
    {
        string kept = lastCheckpoint is null ? "no checkpoint was written" : $"the last good checkpoint is {lastCheckpoint}";
        return new TrainingDivergedException($"{what}; stopped there ({kept}). Lower the learning rate, or set --clip-grad-norm.");
    }

    /// <summary>Saves the model's weights atomically.</summary>
    public void Save(string path) => WeightFiles.Save(Model, path);

    /// <summary>
    /// With LoRA adapters, writes <c>adapters.safetensors</c> (the adapters alone: what the fine-tuning learned, a small
    /// file to keep beside the base weights) and <c>merged.safetensors</c> (the adapters folded into the model's weights:
    /// the plain model, which <c>--init-from</c> and PyTorch load) into <paramref name="folder"/>. Returns the files written.
    /// </summary>
    public IReadOnlyList<string> SaveAdapters(string folder)
    {
        if (Adapted.Count == 0) return [];
        string adapters = Path.Combine(folder, "adapters.safetensors"), merged = Path.Combine(folder, "merged.safetensors");
        AtomicFile.Write(adapters, stream => SafeTensorsFile.Write(stream, Model.state_dict().Where(p => LowRankAdapters.IsAdapter(p.Key)).Select(p => (p.Key, p.Value)).ToList()));
        var weights = LowRankAdapters.Merged(Model);
        try
        {
            AtomicFile.Write(merged, stream => SafeTensorsFile.Write(stream, weights.Select(p => (p.Key, p.Value)).ToList()));
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
        return [adapters, merged];
    }

    /// <summary>Loads weights into the model; the optimizer starts afresh on the loaded parameters.</summary>
    public void Load(string path)
    {
        WeightFiles.Load(Model, path);
        Model.to(Device);
        ReleaseOptimizer();
    }

    private void ReleaseOptimizer()
    {
        ReleasePrecision();
        _optimizer?.Dispose();
        _optimizer = null;
        _parameters?.Dispose();
        _parameters = null;
    }

    public void Dispose()
    {
        _synchronizedNorms?.Dispose();
        _reference?.Dispose();
        ReleaseOptimizer();
        ForgetBestWeights();
        _random.Dispose();
        Model.Dispose();
        GC.SuppressFinalize(this);
    }
}
