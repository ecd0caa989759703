using System;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// Sculpt's pooling against libtorch's <c>max_pool1d</c>, <c>max_pool2d</c> and <c>avg_pool2d</c>: the same values and the same
/// gradients, bit for bit, including ties, NaNs, infinities, odd sizes and strided inputs.
/// </summary>
public class PoolingTests
{
    public static TheoryData<long[]> Shapes => new()
    {
        new long[] { 64, 6, 28, 28 },   // LeNet-5's first pooling: full vectors and no tail
        new long[] { 3, 16, 10, 10 },   // five windows a row: four-window vectors and one scalar window
        new long[] { 2, 3, 7, 37 },     // odd sizes: the last row and column are left out
        new long[] { 5, 9, 34 },        // no batch dim
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Values_and_gradients_match_libtorch_bit_for_bit(long[] shape)
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(3);
        // Rounded values make ties in most windows (whole zero windows among them, as after a
        // ReLU); ties are where the gradient's routing shows.
        using var rounded = randn(shape).mul_(1.5).round_().relu_();
        using var pool = new Sculpt.Layers.MaxPool2d(2);
        AssertSameAsLibtorch(pool, rounded);
    }

    [Fact]
    public void NaNs_and_infinities_go_where_libtorch_sends_them()
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(4);
        const int Width = 44;
        using var random = randn(2, 3, 8, Width);
        var values = random.data<float>().ToArray();
        // Windows with one NaN, two NaNs (the gradient goes to the last), NaN after the maximum,
        // all -inf, and +inf ties; in the eight-window vectors (columns < 32), the four-window ones
        // (32-39) and the scalar tail (40-43).
        foreach (int column in new[] { 0, 10, 33, 41 })
        {
            values[column] = float.NaN;
            values[Width + column + 1] = float.NaN;
            values[2 * Width + column + 1] = float.NaN;
            values[3 * Width + column] = float.NaN;
            values[4 * Width + column + 1] = float.NaN;
            values[5 * Width + column] = float.NegativeInfinity;
            values[5 * Width + column + 1] = float.NegativeInfinity;
            values[6 * Width + column] = float.NegativeInfinity;
            values[6 * Width + column + 1] = float.NegativeInfinity;
            values[Width * 8 + column] = float.PositiveInfinity;
            values[Width * 9 + column + 1] = float.PositiveInfinity;
        }
        using var x = tensor(values).view(2, 3, 8, Width);
        using var pool = new Sculpt.Layers.MaxPool2d(2);
        AssertSameAsLibtorch(pool, x);
    }

    [Fact]
    public void Strided_and_offset_inputs_and_no_grad_mode_give_the_same_values()
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(5);
        using var wide = randn(4, 3, 40, 24);
        using var transposed = wide.transpose(2, 3);
        Assert.False(transposed.is_contiguous());
        using var pool = new Sculpt.Layers.MaxPool2d(2);
        AssertSameAsLibtorch(pool, transposed);
        // A contiguous view that starts inside its storage.
        using var offset = wide.narrow(0, 1, 2);
        Assert.True(offset.is_contiguous());
        AssertSameAsLibtorch(pool, offset);
        using (no_grad())
        {
            using var input = randn(4, 3, 40, 24).requires_grad_();
            using var ours = pool.call(input);
            using var theirs = nn.functional.max_pool2d(input, 2);
            Assert.True(ours.equal(theirs).all().item<bool>());
            Assert.False(ours.requires_grad);
        }
    }

    [Theory]
    [InlineData(3, 3, 0)]
    [InlineData(2, 1, 0)]
    [InlineData(2, 2, 1)]
    [InlineData(3, 2, 1)]
    public void Other_windows_give_libtorchs_results(long kernel, long stride, long padding)
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(6);
        using var x = randn(2, 4, 11, 13);
        using var pool = new Sculpt.Layers.MaxPool2d(kernel, stride, padding);
        using var ours = pool.call(x);
        using var theirs = nn.functional.max_pool2d(x, kernel, stride, padding);
        Assert.Equal(theirs.shape, ours.shape);
        Assert.True(ours.equal(theirs).all().item<bool>());
    }

    public static TheoryData<long[]> Rows => new()
    {
        new long[] { 8, 16, 64 },   // whole vectors
        new long[] { 3, 5, 27 },    // four-window vectors, a scalar tail and a column left out
        new long[] { 6, 11 },       // no batch dim
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void One_dimensional_values_and_gradients_match_libtorch_bit_for_bit(long[] shape)
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(7);
        using var random = randn(shape).mul_(1.5).round_();
        var values = random.data<float>().ToArray();
        values[1] = float.NaN;
        values[2] = float.NaN;
        values[3] = float.NaN;
        values[5] = float.NegativeInfinity;
        values[4] = float.NegativeInfinity;
        using var x = tensor(values).view(shape);
        using var pool = new Sculpt.Layers.MaxPool1d(2);
        AssertSameAsLibtorch(pool, x, input => nn.functional.max_pool1d(input, 2));
    }

    [Theory]
    [InlineData(3, 3, 0)]
    [InlineData(2, 1, 1)]
    public void Other_one_dimensional_windows_give_libtorchs_results(long kernel, long stride, long padding)
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        using var x = randn(2, 4, 19);
        using var pool = new Sculpt.Layers.MaxPool1d(kernel, stride, padding);
        using var ours = pool.call(x);
        using var theirs = nn.functional.max_pool1d(x, kernel, stride, padding);
        Assert.True(ours.equal(theirs).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Average_pooling_matches_libtorch_bit_for_bit(long[] shape)
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(8);
        using var random = randn(shape);
        var values = random.data<float>().ToArray();
        // A NaN, an infinity, -inf + inf and signed zeros, in the vector part and the tail.
        values[0] = float.NaN;
        values[3] = float.PositiveInfinity;
        values[5] = float.PositiveInfinity;
        values[5 + shape[^1]] = float.NegativeInfinity;
        values[^1] = -0f;
        values[^2] = -0f;
        values[values.Length - (int)shape[^1] - 1] = -0f;
        values[values.Length - (int)shape[^1] - 2] = -0f;
        using var x = tensor(values).view(shape);
        using var pool = new Sculpt.Layers.AvgPool2d(2);
        AssertSameAsLibtorch(pool, x, input => nn.functional.avg_pool2d(input, 2));
        using var transposed = x.transpose(-1, -2);
        AssertSameAsLibtorch(pool, transposed, input => nn.functional.avg_pool2d(input, 2));
        using (no_grad())
        {
            using var ours = pool.call(x);
            using var theirs = nn.functional.avg_pool2d(x, 2);
            Assert.Equal(Bits(theirs), Bits(ours));
        }
    }

    [Fact]
    public void Average_pooling_has_a_second_derivative_as_libtorchs_does()
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(9);
        using var scope = NewDisposeScope();
        using var pool = new Sculpt.Layers.AvgPool2d(2);
        var input = randn(2, 3, 8, 8);
        var weights = randn(2, 3, 4, 4);
        Tensor SecondOrder(Func<Tensor, Tensor> pooling)
        {
            var x = input.detach().requires_grad_();
            var first = autograd.grad([pooling(x).pow(2).mul(weights).sum()], [x], retain_graph: true, create_graph: true)[0];
            return autograd.grad([first.pow(2).sum()], [x])[0];
        }
        Assert.Equal(Bits(SecondOrder(x => nn.functional.avg_pool2d(x, 2))), Bits(SecondOrder(pool.call)));
    }

    [Theory]
    [InlineData(3, 3, 0)]
    [InlineData(2, 2, 1)]
    public void Other_average_windows_give_libtorchs_results(long kernel, long stride, long padding)
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        using var x = randn(2, 4, 11, 13);
        using var pool = new Sculpt.Layers.AvgPool2d(kernel, stride, padding);
        using var ours = pool.call(x);
        using var theirs = nn.functional.avg_pool2d(x, kernel, stride, padding);
        Assert.True(ours.equal(theirs).all().item<bool>());
    }

    [Fact]
    public void Pooling_with_and_without_gradients_leaves_no_tensor_behind()
    {
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        using var images = randn(4, 3, 12, 10).requires_grad_();
        using var rows = randn(4, 3, 18).requires_grad_();
        using var max2d = new Sculpt.Layers.MaxPool2d(2);
        using var max1d = new Sculpt.Layers.MaxPool1d(2);
        using var avg2d = new Sculpt.Layers.AvgPool2d(2);
        void Round()
        {
            using var scope = NewDisposeScope();
            images.grad = null;
            rows.grad = null;
            (max2d.call(images).sum() + avg2d.call(images).sum() + max1d.call(rows).sum()).backward();
            using var noGrad = no_grad();
            max2d.call(images);
            avg2d.call(images);
            max1d.call(rows);
        }
        for (int i = 0; i < 5; i++) Round();
        long before = LiveTensors.Settled();
        for (int i = 0; i < 100; i++) Round();
        long after = LiveTensors.Settled();
        Assert.True(after <= before, $"{after - before} tensors more after 100 rounds");
    }

    private static void AssertSameAsLibtorch(nn.Module<Tensor, Tensor> pool, Tensor input) =>
        AssertSameAsLibtorch(pool, input, x => nn.functional.max_pool2d(x, 2));

    private static void AssertSameAsLibtorch(nn.Module<Tensor, Tensor> pool, Tensor input, Func<Tensor, Tensor> reference)
    {
        using var scope = NewDisposeScope();
        var ours = input.detach().requires_grad_();
        var theirs = input.detach().requires_grad_();
        var pooled = pool.call(ours);
        var expected = reference(theirs);
        Assert.Equal(expected.shape, pooled.shape);
        // equal() is false where both hold NaN, so compare the bits.
        Assert.Equal(Bits(expected), Bits(pooled));
        var upstream = randn(expected.shape);
        // Negative zeros: libtorch adds gradients into zeroed memory, which turns them into +0.
        upstream.view(-1).narrow(0, 0, 3).fill_(-0.0);
        pooled.backward([upstream]);
        expected.backward([upstream]);
        Assert.Equal(Bits(theirs.grad!), Bits(ours.grad!));
        // Without gradients the kernels write the values themselves.
        using var noGrad = no_grad();
        Assert.Equal(Bits(reference(input)), Bits(pool.call(input)));
    }

    private static int[] Bits(Tensor t) =>
        Array.ConvertAll(t.detach().contiguous().data<float>().ToArray(), BitConverter.SingleToInt32Bits);
}
