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
    /// Splits off a validation part of <paramref name="validationFraction"/> of the rows (rounded,
    /// and at least one row in each part), in an order fixed by <paramref name="seed"/>.
    /// </summary>
    public (TensorDataset Train, TensorDataset Validation) Split(double validationFraction, int seed)
    {
        long validation = ValidationCount(validationFraction);
        using var order = Permutation(Count, seed, Features.device);
        using var validationRows = order.narrow(0, 0, validation);
        using var trainRows = order.narrow(0, validation, Count - validation);
        return (Take(trainRows), Take(validationRows));
    }

    /// <summary>
    /// Like <see cref="Split"/>, but each class (the targets are class indices <c>[N]</c>) keeps its
    /// share in both parts: the validation part has as many rows as <see cref="Split"/> would give it,
    /// shared among the classes in proportion to their sizes (largest remainder first, ties to the
    /// lower class), each class's rows taken in an order fixed by <paramref name="seed"/>.
    /// </summary>
    public (TensorDataset Train, TensorDataset Validation) StratifiedSplit(double validationFraction, int seed)
    {
        long total = ValidationCount(validationFraction);
        if (Targets.dim() != 1 || Targets.dtype != torch.int64) throw new InvalidOperationException($"A stratified split needs class indices [N] (int64); the targets are {Targets.dtype} [{string.Join(", ", Targets.shape)}].");
        using var scope = torch.NewDisposeScope();
        var labels = Targets.cpu().data<long>().ToArray();
        var order = Permutation(Count, seed, torch.CPU).data<long>().ToArray();
        // Rows of each class in the shuffled order; each class gives its first share to validation.
        var byClass = new SortedDictionary<long, List<long>>();
        foreach (long row in order)
        {
            if (!byClass.TryGetValue(labels[row], out var rows)) byClass[labels[row]] = rows = new List<long>();
            rows.Add(row);
        }
        // Rounding each class on its own can leave a part empty (tiny classes all round to 0, or
        // all to 1); sharing one rounded total cannot. Integer arithmetic keeps the shares exact.
        var classes = byClass.Values.ToList();
        var takes = classes.Select(rows => rows.Count * total / Count).ToArray();
        var byRemainder = Enumerable.Range(0, classes.Count).OrderByDescending(i => classes[i].Count * total % Count).ThenBy(i => i);
        foreach (int i in byRemainder.Take((int)(total - takes.Sum()))) takes[i]++;
        var validationRows = new List<long>();
        var trainRows = new List<long>();
        for (int i = 0; i < classes.Count; i++)
        {
            validationRows.AddRange(classes[i].Take((int)takes[i]));
            trainRows.AddRange(classes[i].Skip((int)takes[i]));
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

    /// <summary>Rows for the validation part: <c>round(N * fraction)</c>, leaving at least one row in each part.</summary>
    private long ValidationCount(double validationFraction)
    {
        if (validationFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validationFraction), "must be in (0, 1)");
        if (Count < 2) throw new InvalidOperationException($"Splitting needs at least 2 rows; the dataset has {Count}.");
        return Math.Clamp((long)Math.Round(Count * validationFraction), 1, Count - 1);
    }

    /// <summary>
    /// A permutation of <paramref name="count"/> rows fixed by <paramref name="seed"/>, on <paramref name="device"/>.
    /// It is always drawn on the CPU: TorchSharp's generators are CPU generators, which libtorch
    /// refuses for an op on another device, and drawing there makes the order the same on every device.
    /// </summary>
    internal static torch.Tensor Permutation(long count, long seed, torch.Device device)
    {
        using var generator = new torch.Generator(unchecked((ulong)seed));
        return torch.randperm(count, generator: generator).to(device, disposeAfter: true);
    }

    private TensorDataset Take(torch.Tensor rows) => new(Features.index_select(0, rows), Targets.index_select(0, rows));

    /// <summary>
    /// Mini-batches in an order fixed by <paramref name="seed"/> (or in storage order when
    /// <paramref name="shuffle"/> is false). A batch's tensors stay valid until the next batch is
    /// fetched; the last batch may be smaller.
    /// </summary>
    /// <param name="batchSize">Rows per batch.</param>
    /// <param name="shuffle">Whether to draw rows in an order fixed by <paramref name="seed"/>.</param>
    /// <param name="seed">The order's seed.</param>
    /// <param name="prefetch">Batches a background thread prepares ahead (0: none).</param>
    /// <param name="lastBatch">Whether a last batch the rows do not fill is kept smaller, dropped or padded.</param>
    /// <param name="shard">The part of each batch this process takes in data-parallel training (null: all of it).</param>
    public BatchSequence Batches(int batchSize, bool shuffle, long seed = 0, int prefetch = 0, LastBatch lastBatch = LastBatch.Partial, Shard? shard = null)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"must be positive; got {batchSize}");
        if (prefetch < 0) throw new ArgumentOutOfRangeException(nameof(prefetch), $"must be 0 or more; got {prefetch}");
        if (lastBatch == LastBatch.Drop && Count < batchSize) throw new ArgumentException($"{Count} rows do not fill one batch of {batchSize}, and the last batch is dropped: lower the batch size.", nameof(batchSize));
        var part = shard ?? Shard.Whole;
        if (part.Count > batchSize) throw new ArgumentException($"A batch of {batchSize} rows cannot be shared by {part.Count} processes: make the batch at least {part.Count}.", nameof(batchSize));
        return new BatchSequence(this, batchSize, shuffle, seed, prefetch, lastBatch, part);
    }

    /// <summary>
    /// The number of batches of <paramref name="batchSize"/> in one pass. Shared by <paramref name="processes"/>, a last
    /// batch with fewer rows than processes is dropped, since some process would have none.
    /// </summary>
    public long BatchCount(int batchSize, LastBatch lastBatch = LastBatch.Partial, int processes = 1)
    {
        long full = Count / batchSize, left = Count % batchSize;
        return lastBatch == LastBatch.Drop || left == 0 || left < processes ? full : full + 1;
    }

    /// <summary>Process <paramref name="shard"/>'s contiguous part of the rows, as views: what it evaluates of a split.</summary>
    public TensorDataset Part(Shard shard)
    {
        var (start, length) = shard.Of(Count);
        return new TensorDataset(Features.narrow(0, start, length), Targets.narrow(0, start, length));
    }

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

    /// <summary>This batch's rows over the rows of the whole batch the processes share: 1 for one process.</summary>
    public double Share { get; init; } = 1;
}

/// <summary>
/// The batches of one pass over a <see cref="TensorDataset"/>. With <paramref name="prefetch"/> &gt; 0
/// a background thread gathers up to that many batches ahead while the current step runs; the
/// order is the same either way (one producer, one queue).
/// </summary>
public sealed class BatchSequence(TensorDataset data, int batchSize, bool shuffle, long seed, int prefetch = 0, LastBatch lastBatch = LastBatch.Partial, Shard shard = default) : IEnumerable<Batch>
{
    public IEnumerator<Batch> GetEnumerator() => prefetch > 0
        ? new PrefetchingEnumerator(new BatchMaker(data, batchSize, shuffle, seed, lastBatch, shard), prefetch)
        : new Enumerator(new BatchMaker(data, batchSize, shuffle, seed, lastBatch, shard));

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Batch k of the pass: a view of the rows in storage order, or the shuffled rows gathered.</summary>
    private sealed class BatchMaker : IDisposable
    {
        private readonly TensorDataset _data;
        private readonly int _batchSize;
        private readonly torch.Tensor? _order;
        private readonly LastBatch _lastBatch;
        private readonly Shard _shard;

        public BatchMaker(TensorDataset data, int batchSize, bool shuffle, long seed, LastBatch lastBatch, Shard shard)
        {
            _data = data;
            _batchSize = batchSize;
            _lastBatch = lastBatch;
            // default(Shard) is a shard of no processes: the whole batch.
            _shard = shard.Count == 0 ? Shard.Whole : shard;
            if (shuffle)
            {
                _order = TensorDataset.Permutation(data.Count, seed, data.Features.device).DetachFromDisposeScope();
            }
        }

        public long Count => _data.BatchCount(_batchSize, _lastBatch, _shard.Count);

        public Batch Make(long index)
        {
            long start = index * _batchSize;
            bool padded = _data.Count - start < _batchSize && _lastBatch == LastBatch.Pad;
            long whole = padded ? _batchSize : Math.Min(_batchSize, _data.Count - start);
            // This process's rows of the whole batch: all of them for one process.
            var (offset, size) = _shard.Of(whole);
            start += offset;
            Batch batch;
            if (padded)
            {
                // The rows left, then the epoch's first rows again (wrapping round a dataset smaller than a batch).
                using var scope = torch.NewDisposeScope();
                var positions = torch.arange(start, start + size, device: _data.Features.device).remainder_(_data.Count);
                var rows = _order is null ? positions : _order.index_select(0, positions);
                batch = new Batch(_data.Features.index_select(0, rows).MoveToOuterDisposeScope(), _data.Targets.index_select(0, rows).MoveToOuterDisposeScope());
            }
            else if (_order is null)
            {
                batch = new Batch(_data.Features.narrow(0, start, size), _data.Targets.narrow(0, start, size));
            }
            else
            {
                using var rows = _order.narrow(0, start, size);
                batch = new Batch(_data.Features.index_select(0, rows), _data.Targets.index_select(0, rows));
            }
            batch.Input.DetachFromDisposeScope();
            batch.Target.DetachFromDisposeScope();
            return batch with { Share = (double)size / whole };
        }

        public void Dispose() => _order?.Dispose();
    }

    private static void Release(Batch batch)
    {
        batch.Input?.Dispose();
        batch.Target?.Dispose();
    }

    private sealed class Enumerator(BatchMaker maker) : IEnumerator<Batch>
    {
        private long _next;
        private Batch _current;

        public Batch Current => _current;

        object IEnumerator.Current => _current;

        public bool MoveNext()
        {
            Release(_current);
            _current = default;
            if (_next >= maker.Count) return false;
            _current = maker.Make(_next++);
            return true;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
            Release(_current);
            _current = default;
            maker.Dispose();
        }
    }

    private sealed class PrefetchingEnumerator : IEnumerator<Batch>
    {
        private readonly BatchMaker _maker;
        private readonly System.Collections.Concurrent.BlockingCollection<Batch> _queue;
        private readonly System.Threading.CancellationTokenSource _stop = new();
        private readonly System.Threading.Tasks.Task _producer;
        private Batch _current;

        public PrefetchingEnumerator(BatchMaker maker, int depth)
        {
            _maker = maker;
            _queue = new(boundedCapacity: depth);
            _producer = System.Threading.Tasks.Task.Run(() =>
            {
                try
                {
                    for (long i = 0; i < maker.Count && !_stop.IsCancellationRequested; i++)
                    {
                        var batch = maker.Make(i);
                        try
                        {
                            _queue.Add(batch, _stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            Release(batch);
                        }
                    }
                }
                finally
                {
                    _queue.CompleteAdding();
                }
            });
        }

        public Batch Current => _current;

        object IEnumerator.Current => _current;

        public bool MoveNext()
        {
            Release(_current);
            _current = default;
            if (_queue.TryTake(out var batch, System.Threading.Timeout.Infinite))
            {
                _current = batch;
                return true;
            }
            // The producer's own failure (say, out of memory) surfaces here, on the training thread.
            _producer.GetAwaiter().GetResult();
            return false;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
            _stop.Cancel();
            Release(_current);
            _current = default;
            try
            {
                _producer.Wait();
            }
            catch (AggregateException)
            {
                // Stopping early: a failure of a batch nobody will use does not matter.
            }
            while (_queue.TryTake(out var left)) Release(left);
            _queue.Dispose();
            _stop.Dispose();
            _maker.Dispose();
        }
    }
}
