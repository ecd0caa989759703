using System;
using System.Runtime.InteropServices;

namespace Sculpt.Backend;

/// <summary>
/// The single-precision matrix product of the MKL that libtorch's CPU library carries, called
/// directly. <c>Tensor.addmm_</c> ends in this same call after about a microsecond of dispatch,
/// checks and stride analysis; a loop of 99 products of 64 x 128 x 128 (the deep MLP's step) pays
/// that a hundred times. Callers must pass exactly the arguments libtorch would (see
/// <see cref="Training.DenseChain"/>) to get its bits; <see cref="Available"/> is false where the
/// library does not export the symbol, and callers then use <c>addmm_</c>.
/// </summary>
internal static class MklGemm
{
    private static readonly Lazy<bool> Probe = new(Works);

    /// <summary>Whether the product can be called and gives the right answer on a small case.</summary>
    public static bool Available => Probe.Value;

    [DllImport("libtorch_cpu.so", EntryPoint = "sgemm_", ExactSpelling = true)]
    private static extern void Sgemm(
        ref byte transposeA, ref byte transposeB, ref int m, ref int n, ref int k, ref float alpha,
        ref float a, ref int lda, ref float b, ref int ldb, ref float beta, ref float c, ref int ldc);

    /// <summary>
    /// Column-major <c>C = op(A) op(B) + beta C</c>, with <c>op(A)</c> m x k and <c>op(B)</c> k x n, as
    /// BLAS defines <c>sgemm</c>. Row-major callers pass their matrices swapped, as libtorch does.
    /// </summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        byte ta = transposeA ? (byte)'t' : (byte)'n', tb = transposeB ? (byte)'t' : (byte)'n';
        float alpha = 1f;
        Sgemm(ref ta, ref tb, ref m, ref n, ref k, ref alpha,
            ref MemoryMarshal.GetReference(a), ref lda, ref MemoryMarshal.GetReference(b), ref ldb,
            ref beta, ref MemoryMarshal.GetReference(c), ref ldc);
    }

    private static bool Works()
    {
        // Elsewhere (aarch64 builds route float32 products through oneDNN) addmm_ may not end in sgemm_.
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return false;
        try
        {
            NativeBackend.EnsureLoaded();
            // [1 2; 3 4] times [5 6; 7 8], column-major: [19 22; 43 50].
            float[] a = [1, 3, 2, 4], b = [5, 7, 6, 8], c = new float[4];
            Multiply(false, false, 2, 2, 2, a, 2, b, 2, 0f, c, 2);
            return c is [19, 43, 22, 50];
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
