using System;
using Sculpt.Data;
using TorchSharp;

namespace Quickstart;

/// <summary>
/// Noisy 16x16 outlines of circles, squares, plus signs and crosses at random places and sizes,
/// drawn deterministically from the seed: nothing to download.
/// </summary>
public sealed class SyntheticShapes : IDataSource
{
    public const int Classes = 4;
    public const int Side = 16;
    public static readonly string[] ClassNames = ["circle", "square", "plus", "cross"];

    public int TrainSamples { get; init; } = 40_000;
    public int ValidationSamples { get; init; } = 2_000;

    public DataSplits Load(int seed) =>
        new(Generate(TrainSamples, seed), Generate(ValidationSamples, seed + 1));

    /// <summary><paramref name="count"/> images <c>[N, 1, 16, 16]</c> with class labels <c>[N]</c>.</summary>
    public static TensorDataset Generate(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * Side * Side];
        var labels = new long[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % Classes;
            labels[n] = label;
            Draw(pixels.AsSpan(n * Side * Side, Side * Side), label, random);
        }
        return new TensorDataset(
            torch.tensor(pixels, [count, 1, Side, Side]),
            torch.tensor(labels));
    }

    private static void Draw(Span<float> image, int label, Random random)
    {
        double cx = 5 + random.NextDouble() * 6;
        double cy = 5 + random.NextDouble() * 6;
        double r = 2.5 + random.NextDouble() * 2.5;
        float intensity = 0.6f + 0.4f * (float)random.NextDouble();
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                double dx = x - cx, dy = y - cy;
                bool on = label switch
                {
                    0 => Math.Abs(Math.Sqrt(dx * dx + dy * dy) - r) < 0.7,
                    1 => Math.Abs(Math.Max(Math.Abs(dx), Math.Abs(dy)) - r) < 0.6,
                    2 => (Math.Abs(dx) < 0.7 && Math.Abs(dy) <= r) || (Math.Abs(dy) < 0.7 && Math.Abs(dx) <= r),
                    _ => Math.Abs(Math.Abs(dx) - Math.Abs(dy)) < 0.8 && Math.Abs(dx) <= r,
                };
                image[y * Side + x] = (on ? intensity : 0f) + (float)(Gaussian(random) * 0.25);
            }
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
