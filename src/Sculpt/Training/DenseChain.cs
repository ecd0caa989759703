using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Sculpt.Backend;
using Sculpt.Models;
using Sculpt.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Training;

/// <summary>
/// The forward and backward passes of an <see cref="IDenseChain"/> model, run without autograd:
/// each Linear is one matrix product into a buffer kept from step to step, each ReLU works in place,
/// and the backward pass writes straight into the flat gradient buffer. The results are those of
/// autograd's backward, bit for bit: the same libtorch calls in the same order (the bias copied into
/// the output before <c>addmm</c>, as <c>torch.nn.functional.linear</c> does), ReLU's backward is
/// libtorch's rule, <c>y &lt;= 0 ? 0 : g</c>, and each weight's gradient is the product autograd
/// computes, written straight into the buffer (or, for a layer used twice, added as autograd adds
/// a parameter's uses).
/// </summary>
/// <remarks>
/// A deep stack of small layers spends more time in autograd's bookkeeping than in arithmetic:
/// a 33-layer MLP of 128-wide layers at batch 64 took 4.5 ms forward and backward through
/// autograd and 3.3 ms this way (docs/performance.md). Only float32 CPU parameters and contiguous
/// inputs that need no gradient take this path; <see cref="Accepts"/> says which, and the trainer
/// calls the model as usual for everything else.
/// </remarks>
public sealed class DenseChain : IDisposable
{
    private sealed class LinearParameters(Tensor weight, Tensor weightT, Tensor weightGradient, Tensor? bias, Tensor? biasGradient)
    {
        public Tensor Weight { get; } = weight;
        public Tensor WeightT { get; } = weightT;
        public Tensor WeightGradient { get; } = weightGradient;
        public Tensor? Bias { get; } = bias;
        public Tensor? BiasGradient { get; } = biasGradient;
        public long In { get; } = weight.size(1);
        public long Out { get; } = weight.size(0);
        public int InInt => (int)In;
        public int OutInt => (int)Out;
    }

    /// <summary>The activations of one batch size: a buffer per Linear (ReLUs work in their Linear's), with its gradient.</summary>
    private sealed class Workspace : IDisposable
    {
        public required Tensor[] Activations { get; init; }
        public required Tensor[] Gradients { get; init; }
        public required Tensor[] GradientsT { get; init; }
        public required int Rows { get; init; }

        public void Dispose()
        {
            foreach (var tensor in Activations.Concat(Gradients).Concat(GradientsT)) tensor.Dispose();
        }
    }

    private readonly DenseChainStep[] _steps;
    private readonly LinearParameters?[] _linears;

    /// <summary>For each step, the workspace buffer its output lives in: a Linear's own, or for a ReLU the one before it.</summary>
    private readonly int[] _buffer;
    private readonly long[] _widths;

    /// <summary>The most features any buffer holds per row, the input's included.</summary>
    private readonly long _widestRow;
    private readonly Dictionary<long, Workspace> _workspaces = new();
    private Tensor? _input;
    private Workspace? _active;

    /// <summary>Steps measured so far at libtorch's thread count and at one thread, while <see cref="_measuring"/>.</summary>
    private readonly List<long> _atConfigured = new(), _atOne = new();
    private int _tunedFor;
    private int _stepThreads;
    private int _warmedUp;
    private bool _measuring;
    private int _stepsSinceDecision;

    /// <summary>The time this step spent in <see cref="Forward"/> so far, in stopwatch ticks.</summary>
    private long _stepTicks;

    /// <summary>Steps run at libtorch's setting before measuring: the JIT, the allocator and the caches settle first.</summary>
    private const int WarmupSteps = 8;

    /// <summary>
    /// Measured steps run in blocks of one thread count, configured and one by turns, two blocks each.
    /// Not step by step: libtorch's idle OpenMP workers spin for a while after a parallel region, so a
    /// one-thread step right after a two-thread one still shares the core with a spinning thread.
    /// The first steps of a block are not counted, for the same reason.
    /// </summary>
    private const int BlockSteps = 8, BlocksPerSide = 2, UncountedPerBlock = 2;

    /// <summary>
    /// Steps after a decision before the choice is measured again; each later gap is twice the one
    /// before, up to <see cref="MeasureAgainAtMost"/>. On a shared machine a stall of a few
    /// milliseconds during the 32 measured steps can crown the wrong count (one thread for the
    /// 784-512-512 MLP, 50% slower for the rest of the run); measuring again undoes that, and
    /// costs at most 16 steps at the slower count per gap.
    /// </summary>
    private const int MeasureAgainFirst = 256, MeasureAgainAtMost = 16384;

    /// <summary>The gap after the latest decision: <see cref="MeasureAgainFirst"/> doubled once per decision before it.</summary>
    private int MeasureAgainAfter => (int)Math.Min((long)MeasureAgainFirst << Math.Min(ThreadDecisions - 1, 16), MeasureAgainAtMost);

    private int _measured;

    /// <summary>Whether the chain starts by flattening its input to [B, features].</summary>
    private readonly bool _flattens;

    private readonly FlatParameters _parameters;
    private readonly IDenseChain _model;

    /// <summary>Per Linear, its weight's gradient before it is added to the buffer; only when <see cref="_overwrites"/> is false.</summary>
    private readonly Tensor[] _weightGradients;

    /// <summary>Whether the chain uses every trainable parameter exactly once, so its gradients can be written, not added.</summary>
    private readonly bool _overwrites;

    private DenseChain(IDenseChain model, FlatParameters parameters, bool overwrites, bool flattens, DenseChainStep[] steps, LinearParameters?[] linears, int[] buffer, long[] widths)
    {
        _model = model;
        _parameters = parameters;
        _overwrites = overwrites;
        _flattens = flattens;
        _steps = steps;
        _linears = linears;
        _buffer = buffer;
        _widths = widths;
        _widestRow = Math.Max(linears[0]!.In, widths.Max());
        _weightGradients = overwrites ? [] : linears.OfType<LinearParameters>().Select(l => empty(l.Out, l.In).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>
    /// The threads the chain's matrix products run on: libtorch's setting, or one thread when the chain's
    /// passes ran faster that way over 16 steps each, after 8 steps of warm-up (null until then). The
    /// choice is measured again 256 steps after it was made, then after 512, 1,024 and so on up to
    /// every 16,384 steps; while it is, steps alternate between the two counts in blocks and this
    /// keeps the last decision. On
    /// the 2-core VM this was built on, MKL's split of a 64 x 128 x 128 product over two threads
    /// costs more than it saves: one thread was 7% faster for the deep MLP. With the setting at one
    /// thread nothing is measured. The choice leaves the bits alone as far as the tests reach
    /// (products up to 512 wide, sums up to 4,096 long, and a resumed run that chose again): MKL's
    /// threads split a product by rows and columns, not along its sum.
    /// </summary>
    public int? ProductThreads { get; private set; }

    /// <summary>How many times the thread count has been measured and decided since the setting last changed.</summary>
    public int ThreadDecisions { get; private set; }

    /// <summary>
    /// Whether the chain's products call MKL's <c>sgemm</c> directly, with the arguments libtorch would
    /// pass (else they go through <c>addmm_</c>); products with a size of 1 always take <c>addmm_</c>.
    /// </summary>
    public static bool CallsMklDirectly => MklGemm.Available;

    /// <summary>The number of input features.</summary>
    public long InFeatures => _linears[0]!.In;

    /// <summary>
    /// The chain of <paramref name="model"/> over <paramref name="parameters"/>, or null when the model
    /// is not a chain, does not start with a Linear, or its parameters are not float32 on the CPU
    /// with gradients in the flat buffer.
    /// </summary>
    public static DenseChain? TryCreate(object model, FlatParameters parameters)
    {
        if (model is not IDenseChain chain) return null;
        var steps = new List<DenseChainStep>();
        if (!chain.TryAppendChain("", steps)) return null;
        bool flattens = steps.Count > 0 && steps[0] is DenseChainStep.Flatten;
        if (flattens) steps.RemoveAt(0);
        if (steps.Count == 0 || steps[0] is not DenseChainStep.Linear || steps.Any(s => s is DenseChainStep.Flatten)) return null;
        if (parameters.Values.dtype != ScalarType.Float32 || parameters.Values.device_type != DeviceType.CPU) return null;
        var slots = parameters.Slots.ToDictionary(s => s.Name);
        var linears = new LinearParameters?[steps.Count];
        var buffer = new int[steps.Count];
        var widths = new List<long>();
        var views = new List<Tensor>();
        long width = -1;
        for (int i = 0; i < steps.Count; i++)
        {
            if (steps[i] is DenseChainStep.Relu)
            {
                buffer[i] = widths.Count - 1;
                continue;
            }
            var linear = (DenseChainStep.Linear)steps[i];
            if (!slots.TryGetValue(linear.Name + ".weight", out var weightSlot) || weightSlot.Shape.Length != 2 || (width >= 0 && weightSlot.Shape[1] != width)) return Release(views);
            FlatSlot? biasSlot = null;
            if (linear.Bias && (!slots.TryGetValue(linear.Name + ".bias", out biasSlot) || biasSlot.Shape is not [var biasLength] || biasLength != weightSlot.Shape[0])) return Release(views);
            var weight = View(parameters.Values, weightSlot, views);
            linears[i] = new LinearParameters(
                weight,
                Keep(weight.t(), views),
                View(parameters.Gradients, weightSlot, views),
                biasSlot is null ? null : View(parameters.Values, biasSlot, views),
                biasSlot is null ? null : View(parameters.Gradients, biasSlot, views));
            width = weightSlot.Shape[0];
            buffer[i] = widths.Count;
            widths.Add(width);
        }
        var used = steps.OfType<DenseChainStep.Linear>().SelectMany(l => l.Bias ? new[] { l.Name + ".weight", l.Name + ".bias" } : new[] { l.Name + ".weight" }).ToList();
        bool overwrites = used.Count == used.Distinct().Count() && used.Count == slots.Count;
        return new DenseChain(chain, parameters, overwrites, flattens, steps.ToArray(), linears, buffer, widths.ToArray());
    }

    private static Tensor View(Tensor flat, FlatSlot slot, List<Tensor> views)
    {
        using var narrow = flat.narrow(0, slot.Offset, slot.Elements);
        return Keep(narrow.view(slot.Shape), views);
    }

    private static Tensor Keep(Tensor tensor, List<Tensor> views)
    {
        views.Add(tensor.DetachFromDisposeScope());
        return tensor;
    }

    private static DenseChain? Release(List<Tensor> views)
    {
        foreach (var view in views) view.Dispose();
        return null;
    }

    /// <summary>
    /// Whether <see cref="Forward"/> takes <paramref name="input"/>: a contiguous float32 CPU batch of
    /// rows of <see cref="InFeatures"/> (of any shape with that many elements, when the chain
    /// flattens) that needs no gradient and whose buffers stay under 2 GiB.
    /// </summary>
    public bool Accepts(Tensor input) =>
        input.dtype == ScalarType.Float32 && input.device_type == DeviceType.CPU && !input.requires_grad
        // Autograd hands MKL a strided input as it is; a copy would change the call, and so perhaps the bits.
        && input.is_contiguous()
        && input.dim() >= 2 && input.size(0) > 0
        && (_flattens ? input.shape.Skip(1).Aggregate(1L, (product, dim) => product * dim) == InFeatures : input.dim() == 2 && input.size(1) == InFeatures)
        // Every buffer is read as a span, which TorchSharp limits to 2 GiB.
        && input.size(0) * _widestRow <= int.MaxValue / sizeof(float);

    /// <summary>
    /// Runs the chain on <paramref name="input"/> and keeps what the backward pass needs. Returns the
    /// output as a fresh leaf that requires a gradient: compute the loss from it, back-propagate, and
    /// hand its gradient to <see cref="SetGradients"/>.
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        if (!Accepts(input)) throw new ArgumentException($"The dense chain takes a contiguous float32 CPU tensor [B, {InFeatures}]{(_flattens ? " (or one that flattens to it)" : "")} that needs no gradient; got {input.dtype} [{string.Join(", ", input.shape)}] on {input.device}.", nameof(input));
        _model.CheckInput(input);
        using var noGrad = no_grad();
        using var threads = new ThreadScope(_stepThreads = ThreadsForStep());
        long start = Stopwatch.GetTimestamp();
        var workspace = WorkspaceFor(input.size(0));
        _input = _flattens && input.dim() > 2 ? input.flatten(1) : input;
        var current = _input;
        for (int i = 0; i < _steps.Length; i++)
        {
            var output = workspace.Activations[_buffer[i]];
            if (_linears[i] is { } linear)
            {
                float beta = 0f;
                if (linear.Bias is { } bias)
                {
                    output.copy_(bias);
                    beta = 1f;
                }
                if (Direct(workspace.Rows, linear))
                {
                    // The call libtorch makes for addmm_(x, W^T): column-major y^T = W x^T, W's rows read as columns and transposed.
                    MklGemm.Multiply(true, false, linear.OutInt, workspace.Rows, linear.InInt, Floats(linear.Weight), linear.InInt, Floats(current), linear.InInt, beta, Floats(output), linear.OutInt);
                }
                else
                {
                    output.addmm_(current, linear.WeightT, beta, 1f);
                }
            }
            else
            {
                output.relu_();
            }
            current = output;
        }
        _active = workspace;
        _stepTicks = Stopwatch.GetTimestamp() - start;
        return current.detach().requires_grad_(true);
    }

    /// <summary>
    /// Back-propagates <paramref name="outputGradient"/> (the gradient of the loss with respect to
    /// what <see cref="Forward"/> returned) through the chain and sets the flat gradient buffer to
    /// the loss's gradients. When the chain uses every trainable parameter exactly once, each
    /// gradient is written over the old one; otherwise the buffer is zeroed and each use adds its
    /// share, as autograd does.
    /// </summary>
    public void SetGradients(Tensor outputGradient)
    {
        var workspace = _active ?? throw new InvalidOperationException("SetGradients needs a Forward first.");
        _active = null;
        using var noGrad = no_grad();
        long start = Stopwatch.GetTimestamp();
        using (new ThreadScope(_stepThreads)) BackwardThrough(workspace, outputGradient);
        // Only the chain's own passes: the loss between them runs at libtorch's setting either way.
        if (_measuring) Record(_stepTicks + Stopwatch.GetTimestamp() - start);
        else if (_tunedFor > 1 && ++_stepsSinceDecision >= MeasureAgainAfter) StartMeasuring(warmUp: false);
    }

    private void BackwardThrough(Workspace workspace, Tensor outputGradient)
    {
        if (!_overwrites) _parameters.ZeroGrad();
        workspace.Gradients[_buffer[^1]].copy_(outputGradient);
        for (int i = _steps.Length - 1; i >= 0; i--)
        {
            int buffer = _buffer[i];
            var gradient = workspace.Gradients[buffer];
            if (_linears[i] is not { } linear)
            {
                ReluBackward(gradient, workspace.Activations[buffer]);
                continue;
            }
            var input = buffer == 0 ? _input! : workspace.Activations[buffer - 1];
            // Written over the old gradient, or (a layer used more than once) computed whole and then
            // added, as autograd adds up a parameter's uses: a product that added itself (beta 1)
            // would round differently once MKL splits a long batch into blocks.
            var weightGradient = _overwrites ? linear.WeightGradient : _weightGradients[buffer];
            // libtorch multiplies g^T by x without a copy only when g^T's stride (out) is at least the batch; otherwise it copies g^T first.
            if (Direct(workspace.Rows, linear) && linear.Out >= workspace.Rows)
            {
                MklGemm.Multiply(false, true, linear.InInt, linear.OutInt, workspace.Rows, Floats(input), linear.InInt, Floats(gradient), linear.OutInt, 0f, Floats(weightGradient), linear.InInt);
            }
            else
            {
                weightGradient.addmm_(workspace.GradientsT[buffer], input, 0f, 1f);
            }
            if (!_overwrites) linear.WeightGradient.add_(weightGradient);
            if (linear.BiasGradient is { } biasGradient)
            {
                using var sum = gradient.sum([0L]);
                if (_overwrites) biasGradient.copy_(sum);
                else biasGradient.add_(sum);
            }
            if (buffer == 0) continue;
            var inputGradient = workspace.Gradients[buffer - 1];
            if (Direct(workspace.Rows, linear))
            {
                MklGemm.Multiply(false, false, linear.InInt, workspace.Rows, linear.OutInt, Floats(linear.Weight), linear.InInt, Floats(gradient), linear.OutInt, 0f, Floats(inputGradient), linear.InInt);
            }
            else
            {
                inputGradient.addmm_(gradient, linear.Weight, 0f, 1f);
            }
        }
        _input = null;
    }

    /// <summary>The thread count for this step: the decided one, or while measuring, the configured one and one by turns.</summary>
    private int ThreadsForStep()
    {
        int configured = get_num_threads();
        if (configured != _tunedFor)
        {
            // A new setting (or the first step): decide from scratch, unless there is nothing to decide.
            _tunedFor = configured;
            ThreadDecisions = 0;
            _stepsSinceDecision = 0;
            ProductThreads = configured == 1 ? 1 : null;
            if (configured == 1) _measuring = false;
            else StartMeasuring(warmUp: true);
        }
        if (!_measuring) return ProductThreads!.Value;
        if (_warmedUp < WarmupSteps) return configured;
        return _measured / BlockSteps % 2 == 0 ? configured : 1;
    }

    private void StartMeasuring(bool warmUp)
    {
        _measuring = true;
        _atConfigured.Clear();
        _atOne.Clear();
        _warmedUp = warmUp ? 0 : WarmupSteps;
        _measured = 0;
    }

    private void Record(long ticks)
    {
        if (_warmedUp < WarmupSteps)
        {
            _warmedUp++;
            return;
        }
        if (_measured++ % BlockSteps >= UncountedPerBlock) (_stepThreads == 1 ? _atOne : _atConfigured).Add(ticks);
        if (_measured < 2 * BlocksPerSide * BlockSteps) return;
        // The fastest step of each: a stall on a shared machine only ever adds time, and one that
        // covered a block moved the medians used before (a process's start-up once made two
        // threads read 7.5 ms against one thread's 5.7 ms, for passes that take 3.0 and 5.4 ms).
        ProductThreads = _atOne.Min() < _atConfigured.Min() ? 1 : _tunedFor;
        _measuring = false;
        ThreadDecisions++;
        _stepsSinceDecision = 0;
    }

    /// <summary>libtorch's intra-op thread count for a span of code, restored afterwards.</summary>
    private readonly struct ThreadScope : IDisposable
    {
        private readonly int _restore;

        public ThreadScope(int threads)
        {
            _restore = get_num_threads();
            if (threads != _restore) set_num_threads(threads);
        }

        public void Dispose()
        {
            if (get_num_threads() != _restore) set_num_threads(_restore);
        }
    }

    /// <summary>
    /// Whether a Linear's products go straight to MKL: its sizes fit BLAS's 32-bit ints and none is 1
    /// (libtorch reads the strides of a size-1 dim differently, and so may call MKL differently).
    /// </summary>
    private static bool Direct(int rows, LinearParameters linear) =>
        MklGemm.Available && rows > 1 && linear.In > 1 && linear.Out > 1
        && (long)rows * Math.Max(linear.In, linear.Out) <= int.MaxValue && linear.In * linear.Out <= int.MaxValue;

    private static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>libtorch's <c>threshold_backward(g, y, 0)</c> in place: <c>y &lt;= 0 ? 0 : g</c>, so a NaN output passes its gradient.</summary>
    private static void ReluBackward(Tensor gradient, Tensor output)
    {
        Span<float> g = MemoryMarshal.Cast<byte, float>(gradient.bytes);
        ReadOnlySpan<float> y = MemoryMarshal.Cast<byte, float>(output.bytes);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<float>.Count <= g.Length; i += Vector256<float>.Count)
            {
                var passes = Vector256.LessThanOrEqual(Vector256.Create(y.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero);
                Vector256.ConditionalSelect(passes, Vector256<float>.Zero, Vector256.Create(g.Slice(i, Vector256<float>.Count))).CopyTo(g.Slice(i, Vector256<float>.Count));
            }
        }
        for (; i < g.Length; i++)
        {
            if (y[i] <= 0) g[i] = 0;
        }
    }

    private Workspace WorkspaceFor(long rows)
    {
        if (_workspaces.TryGetValue(rows, out var workspace)) return workspace;
        // A run sees one batch size and perhaps a smaller last batch; anything else is rare enough to rebuild.
        if (_workspaces.Count >= 4) DisposeWorkspaces();
        using var scope = NewDisposeScope();
        var activations = _widths.Select(w => empty(rows, w)).ToArray();
        var gradients = _widths.Select(w => empty(rows, w)).ToArray();
        workspace = new Workspace
        {
            Activations = activations,
            Gradients = gradients,
            GradientsT = gradients.Select(g => g.t()).ToArray(),
            Rows = (int)Math.Min(rows, int.MaxValue),
        };
        foreach (var tensor in workspace.Activations.Concat(workspace.Gradients).Concat(workspace.GradientsT)) tensor.DetachFromDisposeScope();
        _workspaces[rows] = workspace;
        return workspace;
    }

    private void DisposeWorkspaces()
    {
        foreach (var workspace in _workspaces.Values) workspace.Dispose();
        _workspaces.Clear();
        _active = null;
    }

    public void Dispose()
    {
        DisposeWorkspaces();
        foreach (var weightGradient in _weightGradients) weightGradient.Dispose();
        foreach (var linear in _linears.OfType<LinearParameters>())
        {
            linear.Weight.Dispose();
            linear.WeightT.Dispose();
            linear.WeightGradient.Dispose();
            linear.Bias?.Dispose();
            linear.BiasGradient?.Dispose();
        }
    }
}
