using System;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Sculpt.Backend;

/// <summary>Where a tensor's elements lie, for libraries that take a raw buffer (MPI's collectives).</summary>
internal static partial class TensorMemory
{
    /// <summary>The address of the first element of <paramref name="tensor"/> (on its device); keep the tensor alive while it is used.</summary>
    public static IntPtr Address(torch.Tensor tensor)
    {
        // TorchSharp 0.107 has no public data pointer; this is the native function its own accessors call.
        IntPtr address = THSTensor_data(tensor.Handle);
        if (address == IntPtr.Zero && tensor.numel() > 0) torch.CheckForErrors();
        return address;
    }

    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr tensor);
}
