using System;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Sculpt.Backend;

/// <summary>
/// Process-wide settings that make a training program faster or more robust, and that a library
/// must not make on its own in someone else's process: the generated command line applies
/// <see cref="ForTraining"/> (its <c>--threads</c> flag sets <see cref="Threads"/>); a program that
/// embeds a Sculpt model gets none of them unless it calls <see cref="Apply"/> itself.
/// </summary>
public sealed record ProcessSettings
{
    /// <summary>
    /// libtorch's intra-op threads (<c>torch.set_num_threads</c>); null keeps libtorch's default,
    /// one per physical core.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Bounds how long libtorch's OpenMP threads (libgomp's) spin for the next op before they sleep:
    /// <c>GOMP_SPINCOUNT=</c><see cref="SpinCount"/>, set before libtorch loads, unless the environment already sets
    /// <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c>. libgomp's default spins 300,000 rounds (spinning forever
    /// under <c>OMP_WAIT_POLICY=active</c>): when another process wants the same cores, the spinning threads take
    /// the time the working ones need, and two Quickstart runs side by side took 19 times their one-thread time.
    /// Not spinning at all (<c>passive</c>) cures that but makes every op of a small model wake sleeping threads:
    /// the Quickstart step took 1.7 times idiomatic TorchSharp's. A short spin bridges the gap between one op and
    /// the next of a step and gives the cores up soon after (docs/performance.md, "Thread waits"). Only effective
    /// before libtorch is loaded: libgomp reads its environment once.
    /// </summary>
    public bool BoundedSpinWaits { get; init; }

    /// <summary>
    /// The spin rounds <see cref="BoundedSpinWaits"/> allows: one pause instruction each, some tens of microseconds
    /// on current CPUs, longer than the gap between two ops of a step.
    /// </summary>
    public const int SpinCount = 3_000;

    /// <summary>
    /// Keeps glibc from handing memory back to the system between training steps. By default glibc
    /// serves blocks over 128 KiB (a batch of activations) with their own mmap and trims the heap
    /// when much is free, so every step's temporaries are mapped, faulted in page by page and
    /// unmapped again when the step's dispose scope ends: FACTS.md measured three times PyTorch's
    /// page faults. Serving blocks up to 32 MiB (glibc's largest setting) from the heap and trimming
    /// only above 1 GiB lets the next step reuse the same pages; the cost is memory that stays
    /// resident after a peak. Linux with glibc only; <c>SCULPT_MALLOC_TUNING=0</c> in the
    /// environment turns it off.
    /// </summary>
    public bool KeepStepMemory { get; init; }

    /// <summary>
    /// Processes of one data-parallel job on this machine: without <see cref="Threads"/>, libtorch's default count (one per
    /// physical core) is divided among them, so they do not fight over the cores.
    /// </summary>
    public int SharedBy { get; init; } = 1;

    /// <summary>What the generated command line applies: bounded thread spins, step memory kept, and <paramref name="threads"/> if given.</summary>
    public static ProcessSettings ForTraining(int? threads) => new() { Threads = threads, BoundedSpinWaits = true, KeepStepMemory = true };

    /// <summary>
    /// Applies the settings; call it before anything touches TorchSharp (the wait policy is read
    /// when libtorch loads). Returns what took effect, for a log line.
    /// </summary>
    public Applied Apply()
    {
        bool spins = BoundedSpinWaits && BoundSpins();
        bool memory = KeepStepMemory && TuneAllocator();
        NativeBackend.EnsureLoaded();
        if (Threads is { } threads)
        {
            if (threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), threads, "must be 1 or more");
            torch.set_num_threads(threads);
        }
        else if (SharedBy > 1)
        {
            torch.set_num_threads(Math.Max(1, torch.get_num_threads() / SharedBy));
        }
        return new Applied(torch.get_num_threads(), spins, memory);
    }

    /// <summary>What <see cref="Apply"/> did: libtorch's thread count now, and whether the spin bound and the allocator were set.</summary>
    public sealed record Applied(int Threads, bool BoundedSpinWaits, bool KeepStepMemory);

    private static bool BoundSpins()
    {
        // The user's own choice stands.
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return false;
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // .NET's Environment.SetEnvironmentVariable changes only its own copy on Unix; libgomp reads the C library's.
            return SetEnv("GOMP_SPINCOUNT", SpinCount.ToString(System.Globalization.CultureInfo.InvariantCulture), 1) == 0;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static bool TuneAllocator()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("SCULPT_MALLOC_TUNING") == "0") return false;
        try
        {
            return Mallopt(MmapThreshold, 32 << 20) == 1 & Mallopt(TrimThreshold, 1 << 30) == 1;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, for one): its allocator has no such settings.
            return false;
        }
    }

    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
