using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Sculpt.Data;

/// <summary>
/// Features <c>[N, ...]</c> and targets <c>[N, ...]</c> held as two tensors, with deterministic
/// splits and shuffled mini-batches.
/// </summary>
public sealed class TensorDataset : IDisposable
{
    public TensorDataset(torch.Tensor features, torch.Tensor targets)
    {
        if (features.dim() == 0 || targets.dim() == 0 || features.size(0) != targets.size(0))
        {
            throw new ArgumentException($"Features [{string.Join(", ", features.shape)}] and targets [{string.Join(", ", targets.shape)}] must have the same, non-zero first dim.");
        }
        Features = features;
        Targets = targets;
    }

    public torch.Tensor Features { get; }
    public torch.Tensor Targets { get; }
    public long Count => Features.size(0);

    /// <summary>This dataset on <paramref name="device"/> (itself when it is already there).</summary>
    public TensorDataset To(torch.Device device) =>
        IsOn(Features, device) && IsOn(Targets, device) ? this : new(Features.to(device), Targets.to(device));

    // torch.Device has no value equality, and Tensor.device makes a new object each time.
    private static bool IsOn(torch.Tensor tensor, torch.Device device) =>
        tensor.device_type == device.type && (device.type == DeviceType.CPU || tensor.device_index == Math.Max(0, device.index));

    /// <summary>
    /// Splits off a validation part of <paramref name="validationFraction"/> of the rows, in an order
    /// fixed by <paramref name="seed"/>.
    /// </summary>
    public (TensorDataset Train, TensorDataset Validation) Split(double validationFraction, int seed)
    {
        if (validationFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validationFraction), "must be in (0, 1)");
        long validation = Math.Max(1, (long)Math.Round(Count * validationFraction));
        using var generator = new torch.Generator((ulong)seed);
        using var order = torch.randperm(Count, generator: generator, device: Features.device);
        using var validationRows = order.narrow(0, 0, validation);
        using var trainRows = order.narrow(0, validation, Count - validation);
        return (Take(trainRows), Take(validationRows));
    }

    /// <summary>
    /// Like <see cref="Split"/>, but each class (the targets are class indices <c>[N]</c>) keeps its
    /// share in both parts: the validation part takes <paramref name="validationFraction"/> of every
    /// class, rounded, in an order fixed by <paramref name="seed"/>.
    /// </summary>
    public (TensorDataset Train, TensorDataset Validation) StratifiedSplit(double validationFraction, int seed)
    {
        if (validationFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validationFraction), "must be in (0, 1)");
        if (Targets.dim() != 1 || Targets.dtype != torch.int64) throw new InvalidOperationException($"A stratified split needs class indices [N] (int64); the targets are {Targets.dtype} [{string.Join(", ", Targets.shape)}].");
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator((ulong)seed);
        var labels = Targets.cpu().data<long>().ToArray();
        var order = torch.randperm(Count, generator: generator).data<long>().ToArray();
        // Rows of each class in the shuffled order; each class gives its first share to validation.
        var byClass = new SortedDictionary<long, List<long>>();
        foreach (long row in order)
        {
            if (!byClass.TryGetValue(labels[row], out var rows)) byClass[labels[row]] = rows = new List<long>();
            rows.Add(row);
        }
        var validationRows = new List<long>();
        var trainRows = new List<long>();
        foreach (var rows in byClass.Values)
        {
            int take = (int)Math.Round(rows.Count * validationFraction);
            validationRows.AddRange(rows.Take(take));
            trainRows.AddRange(rows.Skip(take));
        }
        var trainIndex = torch.tensor(trainRows.ToArray(), device: Features.device);
        var validationIndex = torch.tensor(validationRows.ToArray(), device: Features.device);
        var train = Take(trainIndex);
        var validation = Take(validationIndex);
        train.Features.MoveToOuterDisposeScope();
        train.Targets.MoveToOuterDisposeScope();
        validation.Features.MoveToOuterDisposeScope();
        validation.Targets.MoveToOuterDisposeScope();
        return (train, validation);
    }

    private TensorDataset Take(torch.Tensor rows) => new(Features.index_select(0, rows), Targets.index_select(0, rows));

    /// <summary>
    /// Mini-batches in an order fixed by <paramref name="seed"/> (or in storage order when
    /// <paramref name="shuffle"/> is false). A batch's tensors stay valid until the next batch is
    /// fetched; the last batch may be smaller.
    /// </summary>
    public BatchSequence Batches(int batchSize, bool shuffle, long seed = 0)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"must be positive; got {batchSize}");
        return new BatchSequence(this, batchSize, shuffle, seed);
    }

    /// <summary>The number of batches of <paramref name="batchSize"/> in one pass.</summary>
    public long BatchCount(int batchSize) => (Count + batchSize - 1) / batchSize;

    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
    }
}

/// <summary>One mini-batch: the model's input and the loss's target.</summary>
public readonly record struct Batch(torch.Tensor Input, torch.Tensor Target)
{
    public long Size => Input.size(0);
}

/// <summary>The batches of one pass over a <see cref="TensorDataset"/>.</summary>
public sealed class BatchSequence(TensorDataset data, int batchSize, bool shuffle, long seed) : IEnumerable<Batch>
{
    public IEnumerator<Batch> GetEnumerator() => new Enumerator(data, batchSize, shuffle, seed);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Enumerator(TensorDataset data, int batchSize, bool shuffle, long seed) : IEnumerator<Batch>
    {
        private torch.Tensor? _order;
        private long _start;
        private Batch _current;

        public Batch Current => _current;

        object IEnumerator.Current => _current;

        public bool MoveNext()
        {
            DisposeCurrent();
            if (_start >= data.Count) return false;
            if (shuffle && _order is null)
            {
                using var generator = new torch.Generator(unchecked((ulong)seed));
                // randperm with a generator runs on the CPU; the rows are then gathered on the data's device.
                using var order = torch.randperm(data.Count, generator: generator);
                _order = order.to(data.Features.device);
                _order.DetachFromDisposeScope();
            }
            long size = Math.Min(batchSize, data.Count - _start);
            if (_order is null)
            {
                _current = new Batch(data.Features.narrow(0, _start, size), data.Targets.narrow(0, _start, size));
            }
            else
            {
                using var rows = _order.narrow(0, _start, size);
                _current = new Batch(data.Features.index_select(0, rows), data.Targets.index_select(0, rows));
            }
            _current.Input.DetachFromDisposeScope();
            _current.Target.DetachFromDisposeScope();
            _start += size;
            return true;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
            DisposeCurrent();
            _order?.Dispose();
        }

        private void DisposeCurrent()
        {
            _current.Input?.Dispose();
            _current.Target?.Dispose();
            _current = default;
        }
    }
}
