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
}
