using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Optimization;

/// <summary>
/// An optimizer over <see cref="FlatParameters"/>: a few whole-buffer operations per step,
/// whatever the number of parameters. Numbers passed to libtorch are <see cref="Scalar"/>s made
/// once (or once per step and disposed), never left to the finalizer.
/// </summary>
public abstract class FusedOptimizer : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    protected FusedOptimizer(FlatParameters parameters, double learningRate)
    {
        Parameters = parameters;
        LearningRate = learningRate;
    }

    public FlatParameters Parameters { get; }

    /// <summary>The rate of the next step; schedules set it between steps.</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far.</summary>
    public long Steps { get; protected set; }

    /// <summary>Applies the gradients in <see cref="FlatParameters.Gradients"/> to the values.</summary>
    public void Step()
    {
        Steps++;
        using var noGrad = no_grad();
        Update();
    }

    public void ZeroGrad() => Parameters.ZeroGrad();

    /// <summary>Continues counting from a checkpoint (the buffers of <see cref="State"/> are restored by the caller).</summary>
    public void Restore(long steps) => Steps = steps;

    /// <summary>The buffers the optimizer keeps between steps, by name, for checkpoints.</summary>
    public abstract IReadOnlyDictionary<string, Tensor> State { get; }

    protected abstract void Update();

    /// <summary>A buffer shaped like the parameters, zeroed.</summary>
    protected Tensor Buffer() => Keep(zeros_like(Parameters.Values).DetachFromDisposeScope());

    protected Scalar Constant(double value) => Keep(value.ToScalar());

    protected T Keep<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>A view of <paramref name="buffer"/> from <paramref name="start"/>, kept for the optimizer's life.</summary>
    protected Tensor Part(Tensor buffer, long start, long length) => Keep(buffer.narrow(0, start, length).DetachFromDisposeScope());

    /// <summary>
    /// Each parameter group's views for an update: all of it, and the part that takes weight decay with the decay it
    /// takes (the group's own, or <paramref name="weightDecay"/>; no decayed part when that is 0).
    /// </summary>
    protected IReadOnlyList<GroupViews> Views(double weightDecay, params Tensor[] buffers) => Parameters.Groups.Select(group =>
    {
        double decay = group.Settings.WeightDecay ?? weightDecay;
        long decayed = decay == 0 ? 0 : group.Decayed;
        return new GroupViews(group.Settings.RateScale, decay,
            buffers.Select(b => Part(b, group.Start, group.End - group.Start)).ToArray(),
            buffers.Select(b => decayed > 0 ? Part(b, group.Start, decayed) : null).ToArray(),
            Constant(decay));
    }).ToList();

    /// <summary>A group's views of the buffers an optimizer passed to <see cref="Views"/>, in the same order.</summary>
    protected sealed record GroupViews(double RateScale, double WeightDecay, Tensor[] All, Tensor?[] Decayed, Scalar Decay);

    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        _owned.Clear();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Adam and AdamW (Kingma and Ba; Loshchilov and Hutter) over flat buffers, step for step as
/// <c>torch.optim.Adam</c>/<c>AdamW</c> compute them, in libtorch's own fused kernel: one pass over
/// the buffers per step. AdamW decays the decayed prefix of the values by <c>1 - lr * weightDecay</c>;
/// Adam adds <c>weightDecay * value</c> to those gradients (within the kernel: the gradient buffer
/// keeps what backward wrote).
/// </summary>
public sealed class FusedAdam : FusedOptimizer
{
    // TorchSharp binds neither torch._fused_adamw_ nor torch._fused_adam_, but TorchScript can call
    // them; compiled once per process. Lists come from C# (a list built inside the script would be
    // a copy that the kernel updates in vain).
    private static readonly Lazy<jit.CompilationUnit> Kernels = new(() => jit.compile(string.Join("\n",
        "def adamw(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], steps: List[Tensor], lr: float, beta1: float, beta2: float, weight_decay: float, eps: float):",
        "    torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)",
        "",
        "def adam(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], steps: List[Tensor], lr: float, beta1: float, beta2: float, weight_decay: float, eps: float):",
        "    torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)",
        "")));

    /// <summary>One kernel call's slices of the buffers, the weight decay they take and their rate as a multiple of the optimizer's.</summary>
    private sealed record Group(Tensor[] Values, Tensor[] Gradients, Tensor[] Averages, Tensor[] Squares, Scalar WeightDecay, double RateScale);

    private readonly string _kernel;
    private readonly Tensor _average, _squares, _step;
    private readonly Tensor[] _steps;
    private readonly Group[] _groups;
    private readonly Scalar _beta1, _beta2, _epsilon, _one;

    public FusedAdam(FlatParameters parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool decoupled = true)
        : base(parameters, learningRate)
    {
        _kernel = decoupled ? "adamw" : "adam";
        _average = Buffer();
        _squares = Buffer();
        // The kernel reads the step count from a float tensor, which the caller advances.
        _step = Keep(zeros(1, dtype: float32, device: parameters.Values.device).DetachFromDisposeScope());
        _steps = [_step];
        _beta1 = Constant(beta1);
        _beta2 = Constant(beta2);
        _epsilon = Constant(epsilon);
        _one = Constant(1);
        // The kernel applies the decay inside its one pass (AdamW: value *= 1 - lr * decay; Adam:
        // gradient += decay * value), so each parameter group's decayed prefix and the rest are two
        // calls rather than a separate pass over the values.
        var groups = new List<Group>();
        foreach (var group in parameters.Groups)
        {
            double decay = group.Settings.WeightDecay ?? weightDecay;
            long decayed = decay == 0 ? 0 : group.Decayed;
            if (decayed > 0) groups.Add(Slice(group.Start, decayed, Constant(decay), group.Settings.RateScale));
            if (group.Start + decayed < group.End) groups.Add(Slice(group.Start + decayed, group.End - group.Start - decayed, Constant(0), group.Settings.RateScale));
        }
        _groups = groups.ToArray();
    }

    private Group Slice(long start, long length, Scalar weightDecay, double rateScale)
    {
        Tensor[] Of(Tensor buffer) => [Part(buffer, start, length)];
        return new Group(Of(Parameters.Values), Of(Parameters.Gradients), Of(_average), Of(_squares), weightDecay, rateScale);
    }

    public override IReadOnlyDictionary<string, Tensor> State => new Dictionary<string, Tensor> { ["exp_avg"] = _average, ["exp_avg_sq"] = _squares, ["step"] = _step };

    protected override void Update()
    {
        _step.add_(_one);
        foreach (var group in _groups)
        {
            using var rate = (LearningRate * group.RateScale).ToScalar();
            Kernels.Value.invoke(_kernel, group.Values, group.Gradients, group.Averages, group.Squares, _steps, rate, _beta1, _beta2, group.WeightDecay, _epsilon);
        }
    }
}

/// <summary>
/// SGD with momentum (and Nesterov momentum) over flat buffers, as <c>torch.optim.SGD</c> computes
/// it: weight decay is added to the decayed gradients, the first step's momentum is the gradient.
/// </summary>
public sealed class FusedSgd : FusedOptimizer
{
    private readonly double _momentum;
    private readonly bool _nesterov;
    private readonly Tensor _velocity, _direction;
    private readonly IReadOnlyList<GroupViews> _views;
    private readonly Scalar _momentumScalar, _one;

    public FusedSgd(FlatParameters parameters, double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : base(parameters, learningRate)
    {
        if (nesterov && momentum <= 0) throw new ArgumentException("Nesterov momentum needs a positive momentum.", nameof(nesterov));
        _momentum = momentum;
        _nesterov = nesterov;
        _velocity = Buffer();
        _direction = Buffer();
        // Per group: values, gradients, velocity, direction.
        _views = Views(weightDecay, parameters.Values, parameters.Gradients, _velocity, _direction);
        _momentumScalar = Constant(momentum);
        _one = Constant(1);
    }

    public override IReadOnlyDictionary<string, Tensor> State => new Dictionary<string, Tensor> { ["momentum_buffer"] = _velocity };

    protected override void Update()
    {
        var gradients = Parameters.Gradients;
        foreach (var group in _views)
        {
            if (group.Decayed[1] is { } decayedGradients) decayedGradients.add_(group.Decayed[0]!, alpha: group.Decay);
        }
        // The direction, computed over the whole buffer; each group then moves along it at its own rate.
        int direction = 1;
        if (_momentum != 0)
        {
            if (Steps == 1) _velocity.copy_(gradients);
            else _velocity.mul_(_momentumScalar).add_(gradients, alpha: _one);
            if (_nesterov)
            {
                _direction.copy_(gradients).add_(_velocity, alpha: _momentumScalar);
                direction = 3;
            }
            else direction = 2;
        }
        foreach (var group in _views)
        {
            using var rate = (-LearningRate * group.RateScale).ToScalar();
            group.All[0].add_(group.All[direction], alpha: rate);
        }
    }
}

/// <summary>
/// Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"): the update is the sign
/// of an interpolation of momentum and gradient, with decoupled weight decay.
/// </summary>
public sealed class FusedLion : FusedOptimizer
{
    private readonly Tensor _momentum, _update;
    private readonly IReadOnlyList<GroupViews> _views;
    private readonly Scalar _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2;

    public FusedLion(FlatParameters parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
        : base(parameters, learningRate)
    {
        _momentum = Buffer();
        _update = Buffer();
        // Per group: values, update.
        _views = Views(weightDecay, parameters.Values, _update);
        _beta1 = Constant(beta1);
        _oneMinusBeta1 = Constant(1 - beta1);
        _beta2 = Constant(beta2);
        _oneMinusBeta2 = Constant(1 - beta2);
    }

    public override IReadOnlyDictionary<string, Tensor> State => new Dictionary<string, Tensor> { ["exp_avg"] = _momentum };

    protected override void Update()
    {
        var gradients = Parameters.Gradients;
        foreach (var group in _views)
        {
            if (group.Decayed[0] is not { } decayedValues) continue;
            using var keep = (1 - LearningRate * group.RateScale * group.WeightDecay).ToScalar();
            decayedValues.mul_(keep);
        }
        _update.copy_(_momentum).mul_(_beta1).add_(gradients, alpha: _oneMinusBeta1).sign_();
        foreach (var group in _views)
        {
            using var rate = (-LearningRate * group.RateScale).ToScalar();
            group.All[0].add_(group.All[1], alpha: rate);
        }
        _momentum.mul_(_beta2).add_(gradients, alpha: _oneMinusBeta2);
    }
}
