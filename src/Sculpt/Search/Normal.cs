using System;

namespace Sculpt.Search;

/// <summary>The standard normal distribution, as the samplers need it.</summary>
internal static class Normal
{
    public static double Density(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);

    public static double Cdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    /// <summary>One draw (Box-Muller).</summary>
    public static double Draw(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Abramowitz and Stegun 7.1.26 (error below 1.5e-7), which is plenty for weighting a density or an expected improvement.</summary>
    private static double Erf(double x)
    {
        double sign = Math.Sign(x);
        x = Math.Abs(x);
        double t = 1 / (1 + 0.3275911 * x);
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}
