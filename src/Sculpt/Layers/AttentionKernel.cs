using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// Scaled dot-product attention over queries <c>[B, H, T, d]</c> and keys and values
/// <c>[B, H, S, d]</c>, by whichever of two exact methods is faster where it runs: libtorch's fused
/// <c>scaled_dot_product_attention</c>, or the explicit products <c>softmax(q kᵀ / √d + mask) v</c>
/// as two batched matrix products.
/// </summary>
/// <remarks>
/// On CPU, libtorch's fused kernel works through the scores in small tiles, which pays off once the
/// <c>T x S</c> scores of a head no longer fit the caches and costs twice the explicit products
/// below that (forward and backward, 2 threads, d = 32: 0.45x at 64 x 64, 0.56x at 128 x 128, 0.94x
/// at 256 x 256, 0.99x at 512 x 512, 1.49x at 1024 x 1024). So CPU attention with at most
/// <see cref="ExplicitScoreLimit"/> scores per head uses the explicit products; longer sequences and
/// every other device (where the fused kernels are the fast ones) use libtorch's, as do half types and
/// batches whose scores would pass <see cref="ExplicitBatchScoreLimit"/>. Both compute the
/// same function; they differ in rounding only (a few 1e-7 on unit-scale inputs).
/// </remarks>
internal sealed class AttentionKernel : IDisposable
{
    /// <summary>The most scores per head (queries x keys) for which CPU attention uses explicit products.</summary>
    internal const long ExplicitScoreLimit = 256 * 256;

    /// <summary>
    /// The most scores over all heads of a batch for the explicit products, which hold them (and
    /// their softmax, kept for the backward pass) whole: 2^25 is 128 MiB of float32 each.
    /// </summary>
    internal const long ExplicitBatchScoreLimit = 1L << 25;

    // The additive causal mask (0 where a query may look, -inf above the diagonal), kept between
    // calls: a field of this type, unlike a tensor field, is not registered as the layer's buffer.
    // Replacing it when the length changes makes a layer unsafe to call from two threads at once,
    // as TorchSharp's modules are in general.
    private Tensor? _causalMask;

    /// <summary>
    /// Whether attention of <paramref name="queries"/> over <paramref name="keys"/> in
    /// <paramref name="batchHeads"/> heads over the batch uses the explicit products: on CPU, in
    /// float32 or float64 (half types would round the scores to their own precision, or overflow
    /// them, where libtorch's kernel keeps them in float), within both score limits.
    /// </summary>
    internal static bool UsesExplicitProducts(DeviceType device, ScalarType dtype, long batchHeads, long queries, long keys) =>
        device == DeviceType.CPU && (dtype is ScalarType.Float32 or ScalarType.Float64)
        && queries * keys <= ExplicitScoreLimit && batchHeads * queries * keys <= ExplicitBatchScoreLimit;

    /// <summary>
    /// Attends <paramref name="query"/> over <paramref name="key"/> and <paramref name="value"/>;
    /// <paramref name="causal"/> lets query <c>i</c> see keys <c>0..i</c> (libtorch's top-left
    /// alignment), <paramref name="dropout"/> drops attention weights (pass 0 outside training).
    /// <paramref name="keyPadding"/> (<c>[B, S]</c>, true where a key is padding, as PyTorch's
    /// <c>key_padding_mask</c>) hides those keys from every query; a query whose keys are all hidden gets NaN, as in PyTorch.
    /// </summary>
    public Tensor Attend(Tensor query, Tensor key, Tensor value, bool causal, double dropout, Tensor? keyPadding = null)
    {
        long batch = query.size(0), heads = query.size(1), queries = query.size(2), depth = query.size(3), keys = key.size(2), valueDepth = value.size(3);
        // [B, 1, 1, S], 0 where a key is seen and -inf where it is padding: added to every head's scores.
        using var padding = keyPadding is null ? null : PaddingMask(keyPadding, batch, keys, query);
        if (!UsesExplicitProducts(query.device_type, query.dtype, batch * heads, queries, keys))
        {
            if (padding is null) return nn.functional.scaled_dot_product_attention(query, key, value, p: dropout, is_casual: causal);
            using var mask = causal ? padding + CausalMask(queries, keys, padding) : padding.alias();
            return nn.functional.scaled_dot_product_attention(query, key, value, mask, p: dropout);
        }
        // Heads fold into the batch of the two products; the projections' views are copied once here.
        var q = query.reshape(batch * heads, queries, depth);
        var k = key.reshape(batch * heads, keys, depth);
        var v = value.reshape(batch * heads, keys, valueDepth);
        using var scale = (1.0 / Math.Sqrt(depth)).ToScalar();
        // In place on the product's own output: its backward needs q and k, not the scores.
        var scores = bmm(q, k.transpose(1, 2)).mul_(scale);
        if (causal) scores.add_(CausalMask(queries, keys, scores));
        if (padding is not null) scores = scores.view(batch, heads, queries, keys).add_(padding).view(batch * heads, queries, keys);
        var weights = scores.softmax(-1);
        if (dropout > 0) weights = nn.functional.dropout(weights, dropout, training: true);
        return bmm(weights, v).view(batch, heads, queries, valueDepth);
    }

    private static Tensor PaddingMask(Tensor keyPadding, long batch, long keys, Tensor like)
    {
        if (keyPadding.dim() != 2 || keyPadding.size(0) != batch || keyPadding.size(1) != keys)
            throw new ArgumentException($"A key padding mask is [B, S] = [{batch}, {keys}]; got [{string.Join(", ", keyPadding.shape)}].", nameof(keyPadding));
        using var hidden = keyPadding.dtype == ScalarType.Bool ? keyPadding.alias() : keyPadding.ne(0);
        using var minusInfinity = float.NegativeInfinity.ToScalar();
        return zeros(batch, 1, 1, keys, dtype: like.dtype, device: like.device).masked_fill_(hidden.view(batch, 1, 1, keys), minusInfinity);
    }

    private Tensor CausalMask(long queries, long keys, Tensor like)
    {
        if (_causalMask is { } kept && kept.size(0) == queries && kept.size(1) == keys && kept.dtype == like.dtype && kept.device_type == like.device_type && kept.device_index == like.device_index)
        {
            return kept;
        }
        _causalMask?.Dispose();
        using (no_grad())
        {
            using var above = ones(queries, keys, dtype: ScalarType.Bool, device: like.device).triu_(1);
            using var minusInfinity = float.NegativeInfinity.ToScalar();
            _causalMask = zeros(queries, keys, dtype: like.dtype, device: like.device).masked_fill_(above, minusInfinity).DetachFromDisposeScope();
        }
        return _causalMask;
    }

    public void Dispose()
    {
        _causalMask?.Dispose();
        _causalMask = null;
    }
}
