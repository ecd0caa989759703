using System.Linq;
using Sculpt.Layers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// Attention's explicit products against libtorch's fused <c>scaled_dot_product_attention</c>:
/// outputs and gradients, causal and not, queries and keys of different lengths, both dtypes.
/// </summary>
public class AttentionTests
{
    [Theory]
    [InlineData(2, 4, 16, 16, 8, true, ScalarType.Float32)]
    [InlineData(2, 4, 16, 16, 8, false, ScalarType.Float32)]
    [InlineData(3, 2, 5, 11, 8, false, ScalarType.Float32)]
    [InlineData(3, 2, 11, 5, 8, true, ScalarType.Float32)]
    [InlineData(2, 4, 64, 64, 32, true, ScalarType.Float64)]
    public void Explicit_products_match_libtorchs_fused_kernel_forward_and_backward(int batch, int heads, int queries, int keys, int depth, bool causal, ScalarType dtype)
    {
        Assert.True(AttentionKernel.UsesExplicitProducts(DeviceType.CPU, dtype, batch * heads, queries, keys));
        manual_seed(7);
        using var scope = NewDisposeScope();
        var (q, k, v) = RandomHeads(batch, heads, queries, keys, depth, dtype);
        foreach (var t in new[] { q, k, v }) t.requires_grad_(true);
        var outputGradient = randn(batch, heads, queries, depth, dtype: dtype);

        using var kernel = new AttentionKernel();
        var ours = kernel.Attend(q, k, v, causal, dropout: 0);
        var oursGradients = autograd.grad([ours], [q, k, v], [outputGradient]);
        var fused = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal);
        var fusedGradients = autograd.grad([fused], [q, k, v], [outputGradient]);

        double tolerance = dtype == ScalarType.Float64 ? 1e-12 : 2e-6;
        Assert.Equal(fused.shape, ours.shape);
        Assert.True(fused.allclose(ours, rtol: tolerance, atol: tolerance), $"outputs differ by {(fused - ours).abs().max().ToDouble()}");
        foreach (var (expected, actual) in fusedGradients.Zip(oursGradients))
        {
            Assert.True(expected.allclose(actual, rtol: tolerance, atol: tolerance), $"gradients differ by {(expected - actual).abs().max().ToDouble()}");
        }
    }

    [Fact]
    public void The_causal_mask_follows_the_length_and_dtype_from_call_to_call_and_outlives_each_calls_scope()
    {
        manual_seed(3);
        using var kernel = new AttentionKernel();
        foreach (var (length, dtype) in new[] { (9, ScalarType.Float32), (4, ScalarType.Float32), (4, ScalarType.Float64), (9, ScalarType.Float64), (9, ScalarType.Float64), (12, ScalarType.Float32) })
        {
            // One scope per call, as a layer's forward has: the kept mask must survive it.
            using var scope = NewDisposeScope();
            var (q, k, v) = RandomHeads(2, 2, length, length, 8, dtype);
            var fused = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
            var ours = kernel.Attend(q, k, v, causal: true, dropout: 0);
            Assert.Equal(dtype, ours.dtype);
            Assert.True(fused.allclose(ours, rtol: 2e-6, atol: 2e-6), $"length {length}, {dtype}");
        }
    }

    [Fact]
    public void Long_sequences_and_other_devices_use_libtorchs_fused_kernel()
    {
        Assert.True(AttentionKernel.UsesExplicitProducts(DeviceType.CPU, ScalarType.Float32, 64, 256, 256));
        Assert.False(AttentionKernel.UsesExplicitProducts(DeviceType.CPU, ScalarType.Float32, 64, 257, 256));
        Assert.False(AttentionKernel.UsesExplicitProducts(DeviceType.CUDA, ScalarType.Float32, 64, 64, 64));
        // Half types keep libtorch's kernel, which holds their scores in float.
        Assert.False(AttentionKernel.UsesExplicitProducts(DeviceType.CPU, ScalarType.Float16, 64, 64, 64));
        Assert.False(AttentionKernel.UsesExplicitProducts(DeviceType.CPU, ScalarType.BFloat16, 64, 64, 64));
        // So do batches whose scores together would pass 2^25 (128 MiB of float32).
        Assert.True(AttentionKernel.UsesExplicitProducts(DeviceType.CPU, ScalarType.Float32, 512, 256, 256));
        Assert.False(AttentionKernel.UsesExplicitProducts(DeviceType.CPU, ScalarType.Float32, 513, 256, 256));

        // Past the limit the kernel is libtorch's: the same bits.
        manual_seed(5);
        using var scope = NewDisposeScope();
        var (q, k, v) = RandomHeads(1, 2, 300, 300, 8);
        using var kernel = new AttentionKernel();
        Assert.True(nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true).eq(kernel.Attend(q, k, v, causal: true, dropout: 0)).all().item<bool>());
    }

    [Fact]
    public void Dropout_drops_attention_weights_only_when_asked()
    {
        manual_seed(11);
        using var scope = NewDisposeScope();
        var (q, k, v) = RandomHeads(2, 2, 16, 16, 8);
        using var kernel = new AttentionKernel();
        var clean = kernel.Attend(q, k, v, causal: true, dropout: 0);
        var dropped = kernel.Attend(q, k, v, causal: true, dropout: 0.5);
        Assert.False(clean.allclose(dropped));
        // Query 0 sees key 0 alone: its weight is 1, dropped to 0 or scaled to 2.
        var first = dropped[.., .., 0] / v[.., .., 0];
        Assert.True(first.isclose(zeros_like(first)).logical_or(first.isclose(full_like(first, 2.0))).all().item<bool>());
    }

    [Fact]
    public void A_self_attention_layer_computes_what_its_parameters_say()
    {
        manual_seed(13);
        using var scope = NewDisposeScope();
        using var layer = new SelfAttention(32, 4, causal: true);
        var parameters = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var x = randn(3, 10, 32);
        var qkv = nn.functional.linear(x, parameters["Qkv.weight"], parameters["Qkv.bias"]).view(3, 10, 3, 4, 8).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], is_casual: true).transpose(1, 2).reshape(3, 10, 32);
        var expected = nn.functional.linear(attended, parameters["Proj.weight"], parameters["Proj.bias"]);
        Assert.True(expected.allclose(layer.call(x), rtol: 2e-6, atol: 2e-6));
    }

    /// <summary>Queries <c>[B, H, T, d]</c>, keys and values <c>[B, H, S, d]</c> from the global generator.</summary>
    private static (Tensor Q, Tensor K, Tensor V) RandomHeads(long batch, long heads, long queries, long keys, long depth, ScalarType dtype = ScalarType.Float32) =>
        (randn(batch, heads, queries, depth, dtype: dtype), randn(batch, heads, keys, depth, dtype: dtype), randn(batch, heads, keys, depth, dtype: dtype));
}
