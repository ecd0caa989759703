using System;
using System.IO;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Sculpt.Backend;

/// <summary>Loads libtorch once, and turns a failure into an error that names the real cause.</summary>
public static class NativeBackend
{
    private static readonly Lazy<bool> Loaded = new(Load);

    /// <summary>
    /// Makes sure the native backend is loaded. Generated models call this before touching
    /// TorchSharp, so a broken install fails here, with the loader's own words.
    /// </summary>
    /// <exception cref="NativeBackendException">libtorch could not be loaded.</exception>
    public static void EnsureLoaded() => _ = Loaded.Value;

    private static bool Load()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return true;
        }
        catch (Exception error) when (error is NotSupportedException or TypeInitializationException or DllNotFoundException)
        {
            throw new NativeBackendException(Explain(AppContext.BaseDirectory), error);
        }
    }

    /// <summary>
    /// Says why libLibTorchSharp.so under <paramref name="directory"/> does not load, in the
    /// dynamic loader's words (TorchSharp's own message blames a missing package reference).
    /// </summary>
    public static string Explain(string directory)
    {
        string? library = FindLibTorchSharp(directory);
        if (library is null)
        {
            return $"libLibTorchSharp.so was not found under {directory}. Reference the package 'libtorch-cpu-linux-x64' (Sculpt does this for you) and rebuild.";
        }
        string? loaderError = LoaderError(library);
        if (loaderError is null)
        {
            return $"{library} loads on its own, but TorchSharp failed to initialise libtorch; run with LD_DEBUG=libs for details.";
        }
        string hint = loaderError.Contains("GLIBCXX_", StringComparison.Ordinal)
            ? " This host's libstdc++ is older than the one libtorch was built against; rebuild with Sculpt's build logic (it marks that requirement weak), or set SculptPatchLibTorchSharp=always when publishing for an older host."
            : "";
        return $"libtorch failed to load: {loaderError}.{hint}";
    }

    private static string? FindLibTorchSharp(string directory)
    {
        foreach (string candidate in new[]
                 {
                     Path.Combine(directory, "libLibTorchSharp.so"),
                     Path.Combine(directory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
                 })
        {
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The loader's error for <paramref name="library"/>, or null when it loads.</summary>
    public static string? LoaderError(string library)
    {
        // NativeLibrary.Load (unlike TryLoad) carries dlerror's text in its exception.
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return null;
        }
        catch (DllNotFoundException error)
        {
            // .NET puts advice first and dlerror's own text on the last line.
            string message = error.Message.Trim();
            int lastLine = message.LastIndexOf('\n');
            return (lastLine >= 0 ? message[(lastLine + 1)..] : message).Trim().TrimEnd('.');
        }
        catch (BadImageFormatException error)
        {
            return error.Message.Trim().TrimEnd('.');
        }
    }
}

/// <summary>libtorch could not be loaded; the message names the loader's reason.</summary>
public sealed class NativeBackendException(string message, Exception inner) : Exception(message, inner);
