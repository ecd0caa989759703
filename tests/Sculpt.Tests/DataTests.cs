using System;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.Text;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public sealed class DataTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"sculpt-tokens-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_cache)) Directory.Delete(_cache, recursive: true);
    }

    [Fact]
    public void A_stratified_split_keeps_each_class_share_and_is_fixed_by_the_seed()
    {
        // 100 rows: class 0 x 70, class 1 x 20, class 2 x 10.
        var labels = Enumerable.Repeat(0L, 70).Concat(Enumerable.Repeat(1L, 20)).Concat(Enumerable.Repeat(2L, 10)).ToArray();
        using var data = new TensorDataset(arange(100, dtype: float32).unsqueeze(1), tensor(labels));
        var (train, validation) = data.StratifiedSplit(0.2, seed: 3);
        Assert.Equal(new long[] { 14, 4, 2 }, validation.Targets.bincount(null, 3).data<long>().ToArray());
        Assert.Equal(new long[] { 56, 16, 8 }, train.Targets.bincount(null, 3).data<long>().ToArray());
        // Every row lands in exactly one part.
        var rows = train.Features.flatten().data<float>().Concat(validation.Features.flatten().data<float>()).Order();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), rows);
        var (_, again) = data.StratifiedSplit(0.2, seed: 3);
        Assert.Equal(validation.Features.data<float>().ToArray(), again.Features.data<float>().ToArray());
        var (_, other) = data.StratifiedSplit(0.2, seed: 4);
        Assert.NotEqual(validation.Features.data<float>().ToArray(), other.Features.data<float>().ToArray());
    }

    [Theory]
    // Five classes of two rows: each class's share of 0.4 rounds to 0, yet two rows must go.
    [InlineData(new long[] { 2, 2, 2, 2, 2 }, 0.2, new long[] { 1, 1, 0, 0, 0 })]
    // One row per class: each share rounds to 1, yet one row must stay for training.
    [InlineData(new long[] { 1, 1, 1, 1 }, 0.8, new long[] { 1, 1, 1, 0 })]
    // A large class and two tiny ones: 10% of 23 is 2 rows, the remainders decide where.
    [InlineData(new long[] { 20, 2, 1 }, 0.1, new long[] { 2, 0, 0 })]
    [InlineData(new long[] { 9, 3, 3 }, 0.5, new long[] { 5, 2, 1 })]
    public void A_stratified_split_of_tiny_classes_leaves_neither_part_empty(long[] classSizes, double fraction, long[] expected)
    {
        var labels = classSizes.SelectMany((size, label) => Enumerable.Repeat((long)label, (int)size)).ToArray();
        using var data = new TensorDataset(arange(labels.Length, dtype: float32).unsqueeze(1), tensor(labels));
        var (train, validation) = data.StratifiedSplit(fraction, seed: 1);
        long total = Math.Clamp((long)Math.Round(labels.Length * fraction), 1, labels.Length - 1);
        Assert.Equal(total, validation.Count);
        Assert.Equal(labels.Length - total, train.Count);
        Assert.Equal(expected, validation.Targets.bincount(null, classSizes.Length).data<long>().ToArray());
    }

    [Fact]
    public void A_split_of_two_rows_keeps_one_in_each_part()
    {
        using var data = new TensorDataset(arange(2, dtype: float32).unsqueeze(1), tensor(new long[] { 0, 1 }));
        var (train, validation) = data.Split(0.9, seed: 1);
        Assert.Equal((1L, 1L), (train.Count, validation.Count));
        Assert.Throws<InvalidOperationException>(() => new TensorDataset(zeros(1, 1), tensor(new long[] { 0 })).Split(0.5, seed: 1));
    }

    [Fact]
    public void Gpt2_byte_pair_encoding_gives_the_published_ids_and_round_trips()
    {
        var tokenizer = TextTokenizer.Gpt2;
        Assert.Equal(50257, tokenizer.VocabularySize);
        // "Hello world" is [15496, 995] in GPT-2's vocabulary.
        Assert.Equal(new long[] { 15496, 995 }, tokenizer.Encode("Hello world"));
        const string text = "Sculpt declares models in C#; shapes line up at build time.";
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void A_token_stream_is_cached_and_the_second_load_does_not_tokenize()
    {
        string text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 200));
        var first = TokenStream.Load(text, TextTokenizer.Gpt2, _cache, out bool firstFromCache);
        var second = TokenStream.Load(text, TextTokenizer.Gpt2, _cache, out bool secondFromCache);
        Assert.False(firstFromCache);
        Assert.True(secondFromCache);
        Assert.Equal(first, second);
        Assert.Single(Directory.GetFiles(_cache, "gpt2-*.tokens"));

        // A cut cache file is rewritten, not trusted.
        string cached = Directory.GetFiles(_cache).Single();
        File.WriteAllBytes(cached, File.ReadAllBytes(cached)[..10]);
        Assert.Equal(first, TokenStream.Load(text, TextTokenizer.Gpt2, _cache, out bool afterDamage));
        Assert.False(afterDamage);

        using var windows = TokenStream.Windows(first, 16);
        Assert.Equal(new long[] { (first.Length - 1) / 16, 16 }, windows.Features.shape);
        Assert.Equal(first[1..17], windows.Targets[0].data<long>().ToArray());
    }

    [Fact]
    public void Prefetched_batches_come_in_the_same_order_and_training_is_unchanged()
    {
        using var data = Blobs.Make(200, 1);
        var plain = data.Batches(32, shuffle: true, seed: 9).Select(b => b.Target.data<long>().ToArray()).ToList();
        var prefetched = data.Batches(32, shuffle: true, seed: 9, prefetch: 3).Select(b => b.Target.data<long>().ToArray()).ToList();
        Assert.Equal(plain, prefetched);
        // Stopping after two batches releases the ones already prepared.
        using (var batches = data.Batches(32, shuffle: true, seed: 9, prefetch: 3).GetEnumerator())
        {
            Assert.True(batches.MoveNext());
            Assert.True(batches.MoveNext());
        }

        var config = new MlpConfig { Hidden = 8, Epochs = 2, BatchSize = 32, LearningRate = 1e-2, Seed = 2 };
        var splits = new Blobs().Load(config.Seed);
        double[] Losses(int prefetch)
        {
            using var trainer = new BlobTrainer(config);
            var result = trainer.Fit(splits.Train, splits.Validation, Sculpt.Training.SilentProgress.Instance, new Sculpt.Training.FitOptions { Prefetch = prefetch });
            return result.Epochs.Select(e => e.TrainLoss).ToArray();
        }
        Assert.Equal(Losses(0), Losses(2));
    }

    [Theory]
    [InlineData(3000, 3, 20)]   // images: per channel, over more samples than one float64 chunk holds
    [InlineData(5000, 7, 0)]    // a table: per column
    public void Normalization_statistics_measured_in_chunks_equal_the_whole_dataset_s_in_float64(int samples, int features, int side)
    {
        manual_seed(5);
        using var data = side > 0 ? randn(samples, features, side, side) * 3 + 1.5 : randn(samples, features) * 0.25 - 40;
        var normalization = FeatureNormalization.Measure(data, Enumerable.Range(0, features).Select(i => $"f{i}").ToArray());
        using var perFeature = data.transpose(0, 1).reshape(features, -1).to(float64);
        var mean = perFeature.mean([1]).data<double>().ToArray();
        var std = perFeature.std(1, unbiased: false).data<double>().ToArray();
        for (int f = 0; f < features; f++)
        {
            Assert.Equal((float)mean[f], normalization.Mean[f], 1e-6f);
            Assert.Equal((float)std[f], normalization.Std[f], 1e-6f);
        }
        Assert.Equal(side > 0 ? new long[] { features, 1, 1 } : new long[] { features }, normalization.Shape);
    }
}
