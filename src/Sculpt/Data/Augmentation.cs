using System;
using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Sculpt.Data;

/// <summary>
/// Random changes to a training batch's inputs. <c>Fit</c> passes a seed made from the run's seed,
/// the epoch and the step, so the same run (or a resumed one) draws the same changes.
/// </summary>
public interface IAugmentation
{
    /// <summary>A changed copy of <paramref name="input"/>; <paramref name="seed"/> fixes every random draw.</summary>
    torch.Tensor Apply(torch.Tensor input, long seed);
}

/// <summary>
/// Random crops (zero padding then a shift), flips, small rotations and shifts of images
/// <c>[B, C, H, W]</c>, all as one affine resampling per batch. With only crops and flips the
/// resampling is nearest-pixel, so pixels move exactly; rotation or fractional shifts interpolate.
/// Images are usually standardised already, so the fill is the mean pixel.
/// </summary>
public sealed record ImageAugmentation(int CropPadding = 0, bool FlipHorizontal = false, bool FlipVertical = false, double Rotation = 0, double Translate = 0) : IAugmentation
{
    public torch.Tensor Apply(torch.Tensor input, long seed)
    {
        if (input.dim() != 4) throw new ArgumentException($"Image augmentation takes [B, C, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
        using var scope = torch.NewDisposeScope();
        long batch = input.size(0), height = input.size(2), width = input.size(3);
        using var generator = new torch.Generator(unchecked((ulong)seed));
        // One row of uniform draws per image, on the CPU so the draws do not depend on the device.
        var draws = torch.rand([batch, 7], generator: generator, dtype: torch.float64);
        var flipX = FlipHorizontal ? torch.where(draws[.., 0] < 0.5, -1.0, 1.0) : torch.ones(batch, dtype: torch.float64);
        var flipY = FlipVertical ? torch.where(draws[.., 1] < 0.5, -1.0, 1.0) : torch.ones(batch, dtype: torch.float64);
        var angle = (draws[.., 2] * 2 - 1) * (Rotation * Math.PI / 180);
        // Whole-pixel shifts from the crop, fractional ones from Translate, in pixels.
        var shiftX = (draws[.., 3] * (2 * CropPadding + 1)).floor() - CropPadding + (draws[.., 4] * 2 - 1) * (Translate * width);
        var shiftY = (draws[.., 5] * (2 * CropPadding + 1)).floor() - CropPadding + (draws[.., 6] * 2 - 1) * (Translate * height);
        var cos = angle.cos();
        var sin = angle.sin();
        // theta maps output to input coordinates in [-1, 1] units; the aspect factors keep a
        // rotation a rotation on non-square images, and 2/size turns pixels into those units.
        double aspect = (double)height / width;
        var theta = torch.stack([
            cos * flipX, -sin * aspect * flipY, -shiftX * (2.0 / width),
            sin / aspect * flipX, cos * flipY, -shiftY * (2.0 / height),
        ], 1).view(batch, 2, 3).to(input.dtype).to(input.device);
        var grid = affine_grid(theta, [batch, input.size(1), height, width], align_corners: false);
        var mode = Rotation == 0 && Translate == 0 ? torch.GridSampleMode.Nearest : torch.GridSampleMode.Bilinear;
        return grid_sample(input, grid, mode, torch.GridSamplePaddingMode.Zeros, align_corners: false).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Replaces a share of input tokens <c>[B, T]</c> with <see cref="MaskToken"/>, in runs of
/// <see cref="SpanLength"/> (span dropout when longer than 1). Targets are left as they are.
/// </summary>
public sealed record TokenAugmentation(double MaskProbability, long MaskToken, int SpanLength = 1) : IAugmentation
{
    public torch.Tensor Apply(torch.Tensor input, long seed)
    {
        if (input.dim() != 2) throw new ArgumentException($"Token augmentation takes [B, T]; got [{string.Join(", ", input.shape)}].", nameof(input));
        if (SpanLength < 1) throw new ArgumentOutOfRangeException(nameof(SpanLength), $"must be 1 or more; got {SpanLength}");
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(unchecked((ulong)seed));
        // Span starts at rate p/L mask about p of the tokens once each start covers L positions.
        var starts = torch.rand(input.shape, generator: generator).lt_(MaskProbability / SpanLength).to(torch.int32);
        // Position t is covered when a span started in (t - L, t]: a difference of running counts.
        var started = starts.cumsum(1);
        var covered = started - pad(started, [SpanLength, 0]).narrow(1, 0, input.size(1));
        var mask = covered.gt(0).to(input.device);
        return input.masked_fill(mask, MaskToken).MoveToOuterDisposeScope();
    }
}
