using System;
using System.Runtime.InteropServices;
using TorchSharp;
using static MPI.Unsafe;

namespace Sculpt.Distributed;

/// <summary>
/// The processes an MPI launcher started (<c>mpiexec -n N</c>, or with a hostfile across machines), through MPI.NET's
/// bindings. MPI.NET binds MS-MPI's library by name; MPICH and the MPIs built on it (Intel MPI, Cray MPICH, MVAPICH)
/// share MS-MPI's binary interface, so the binding is pointed at the MPICH-family library of this machine
/// (<see cref="LibraryVariable"/>, docs/decisions.md). Open MPI has another interface and cannot be used.
/// MPI is used from the thread that created the group only (<c>MPI_THREAD_FUNNELED</c>). Errors keep MPI's default
/// handler, which ends the whole job: a rank that dies or fails a collective never leaves the others waiting.
/// </summary>
public sealed class MpiProcessGroup : ProcessGroup
{
    /// <summary>The environment variable naming the MPI library to load (a file name or path), for a cluster whose MPI is not Debian's MPICH.</summary>
    public const string LibraryVariable = "SCULPT_MPI_LIBRARY";

    // MPICH's ABI, which MS-MPI shares: MPI_IN_PLACE is the address -1. MPI.NET does not expose it.
    private static readonly IntPtr InPlace = new(-1);

    // The most elements one call passes: MPI counts are 32-bit.
    private const int MaxCount = 1 << 30;

    private static readonly object Gate = new();
    private static bool _resolverSet;
    private static string? _loaded;
    private bool _finalized;

    /// <summary>The environment variable giving, in seconds, how long a collective may wait for the other processes (default <see cref="DefaultTimeout"/>).</summary>
    public const string TimeoutVariable = "SCULPT_COLLECTIVE_TIMEOUT";

    /// <summary>30 minutes, PyTorch's default for its process groups: longer than loading data or writing a checkpoint, which others wait through.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    private readonly TimeSpan _timeout;
    private readonly System.Threading.Timer? _watchdog;
    // When the collective in progress started (a Stopwatch timestamp), 0 between collectives.
    private long _waitingSince;
    private string _waitingIn = "";

    private MpiProcessGroup(int rank, int size, int localSize, TimeSpan timeout)
    {
        Rank = rank;
        Size = size;
        LocalSize = localSize;
        _timeout = timeout;
        // A process that died ends the job through the launcher; one that hangs (stuck, or far slower) would not, so a
        // collective that waits past the timeout ends it from here.
        if (size > 1)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond * 10));
            _watchdog = new System.Threading.Timer(_ => Watch(), null, period, period);
        }
    }

    /// <summary>The wait a collective may take, from <see cref="TimeoutVariable"/> or the default; a bad value is refused by name.</summary>
    private static TimeSpan Timeout()
    {
        string? text = Environment.GetEnvironmentVariable(TimeoutVariable);
        if (string.IsNullOrWhiteSpace(text)) return DefaultTimeout;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0))
            throw new DistributedException($"{TimeoutVariable} must be a number of seconds above 0; got '{text}'.");
        return TimeSpan.FromSeconds(seconds);
    }

    private void Watch()
    {
        long since = System.Threading.Interlocked.Read(ref _waitingSince);
        if (since == 0 || System.Diagnostics.Stopwatch.GetElapsedTime(since) < _timeout) return;
        Console.Error.WriteLine(FormattableString.Invariant(
            $"error: rank {Rank} of {Size} waited {_timeout.TotalSeconds:0.#} s in {_waitingIn} for the other processes; one of them stopped without ending (stuck, or far slower), so the job ends here. {TimeoutVariable} sets the wait in seconds."));
        Console.Error.Flush();
        Environment.Exit(WatchdogExitCode);
    }

    // Training failed (Training.ExitCodes.TrainingFailed); this layer does not depend on the command line's.
    private const int WatchdogExitCode = 1;

    public override int Rank { get; }
    public override int Size { get; }
    public override int LocalSize { get; }

    /// <summary>The MPI library that was loaded, for a log line.</summary>
    public static string? LibraryName => _loaded;

    /// <summary>
    /// Joins the job this process was launched in (a process started without a launcher is a group of one).
    /// Call once per process, before any other MPI use.
    /// </summary>
    /// <exception cref="DistributedException">No MPICH-compatible library loads, or the process was started by Open MPI's launcher.</exception>
    public static unsafe MpiProcessGroup Join()
    {
        if (Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null)
            throw new DistributedException("this process was started by Open MPI's mpiexec, whose library Sculpt cannot use; start it with an MPICH-family launcher (Debian: mpiexec.mpich).");
        SetResolver();
        int argc = 0;
        byte** argv = null;
        try
        {
            Check(MPI_Init_thread(ref argc, ref argv, MPI_THREAD_FUNNELED, out _), "MPI_Init_thread");
        }
        catch (DllNotFoundException problem)
        {
            throw new DistributedException(
                $"--distributed needs an MPICH-family MPI library ({string.Join(", ", Candidates())}), and none loads ({problem.Message.Split('\n')[0]}). Install Debian's mpich, or set {LibraryVariable} to your cluster's MPICH-compatible library.", problem);
        }
        Check(MPI_Comm_rank(MPI_COMM_WORLD, out int rank), "MPI_Comm_rank");
        Check(MPI_Comm_size(MPI_COMM_WORLD, out int size), "MPI_Comm_size");
        // Hydra, the launcher of MPICH and Intel MPI, says how many ranks share this machine.
        int local = int.TryParse(Environment.GetEnvironmentVariable("MPI_LOCALNRANKS"), out int n) && n > 0 ? n : 1;
        return new MpiProcessGroup(rank, size, Math.Min(local, size), Timeout());
    }

    public override void SumInPlace(torch.Tensor tensor) =>
        Apply(tensor, (address, count, type) => MPI_Allreduce(InPlace, address, count, type, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");

    public override void Broadcast(torch.Tensor tensor, int root = 0) =>
        Apply(tensor, (address, count, type) => MPI_Bcast(address, count, type, root, MPI_COMM_WORLD), "MPI_Bcast");

    public override void Abort(int exitCode)
    {
        _watchdog?.Dispose();
        // Not MPI_Abort, which adds lines of its own to the one error line: a process that ends with an error before
        // MPI_Finalize makes the launcher end the whole job (MPICH's and Intel MPI's do; Slurm's srun with --kill-on-bad-exit).
        _finalized = true;
        Environment.Exit(exitCode);
    }

    public override void Dispose()
    {
        _watchdog?.Dispose();
        if (_finalized) return;
        _finalized = true;
        MPI_Finalize();
    }

    private void Apply(torch.Tensor tensor, Func<IntPtr, int, int, int> call, string what)
    {
        if (Size == 1) return;
        if (tensor.device_type != DeviceType.CPU) throw new NotSupportedException($"{what} of a tensor on {tensor.device}: this group moves CPU memory only (docs/distributed.md, the GPU path).");
        if (!tensor.is_contiguous()) throw new ArgumentException($"{what} needs a contiguous tensor.", nameof(tensor));
        int type = tensor.dtype == torch.float32 ? MPI_FLOAT
            : tensor.dtype == torch.float64 ? MPI_DOUBLE
            : tensor.dtype == torch.int64 ? MPI_LONG_LONG
            : throw new NotSupportedException($"{what} of {tensor.dtype}: float32, float64 and int64 only.");
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        _waitingIn = what;
        System.Threading.Interlocked.Exchange(ref _waitingSince, started);
        long total = tensor.numel();
        IntPtr start = Backend.TensorMemory.Address(tensor);
        long size = tensor.element_size();
        for (long done = 0; done < total; done += MaxCount)
        {
            int count = (int)Math.Min(MaxCount, total - done);
            Check(call(start + (nint)(done * size), count, type), what);
        }
        System.Threading.Interlocked.Exchange(ref _waitingSince, 0);
        Spent(started);
    }

    private static void Check(int code, string what)
    {
        // MPI_SUCCESS is 0; with the default handler a failure ends the job before this is reached.
        if (code != 0) throw new DistributedException($"{what} failed with MPI error {code}.");
    }

    private static string[] Candidates()
    {
        string? chosen = Environment.GetEnvironmentVariable(LibraryVariable);
        // MPICH's soname, then Intel MPI's (the same ABI under another name).
        return string.IsNullOrWhiteSpace(chosen) ? ["libmpich.so.12", "libmpi.so.12"] : [chosen];
    }

    private static void SetResolver()
    {
        lock (Gate)
        {
            if (_resolverSet) return;
            _resolverSet = true;
            NativeLibrary.SetDllImportResolver(typeof(MPI.Unsafe).Assembly, static (name, _, _) =>
            {
                if (!name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
                foreach (string candidate in Candidates())
                {
                    if (NativeLibrary.TryLoad(candidate, out var handle))
                    {
                        _loaded = candidate;
                        return handle;
                    }
                }
                return IntPtr.Zero;
            });
        }
    }
}

/// <summary>Distributed training cannot start or continue: no MPI library, a launcher Sculpt cannot use, a failed collective.</summary>
public sealed class DistributedException(string message, Exception? inner = null) : Exception(message, inner);
