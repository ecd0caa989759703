using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace Sculpt.Tests;

/// <summary>
/// <see cref="BlobTrainer"/>'s command line in a child process (<c>dotnet Sculpt.Tests.dll trainer ...</c>,
/// see <see cref="Program"/>), with its output read as it comes, so a test can kill it at a known point.
/// </summary>
internal sealed class TrainerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly BlockingCollection<string> _lines = new();

    private TrainerProcess(string workingDirectory, string[] args, int processes = 0, IReadOnlyDictionary<string, string>? environment = null)
    {
        string dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? host
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        // An MPI job: MPICH's launcher starts the processes (Debian's mpich; Open MPI's mpiexec cannot run them).
        var start = new ProcessStartInfo(processes > 0 ? "mpiexec.mpich" : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        // One thread: the model is tiny, two OpenMP threads on a busy machine made each step ten times
        // slower, and every process of a test must use the same count for their bits to compare.
        start.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        if (processes > 0)
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add(processes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(dotnet);
        }
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("trainer");
        foreach (string arg in args) start.ArgumentList.Add(arg);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.CompleteAdding();
                return;
            }
            lock (_output) _output.AppendLine(e.Data);
            _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_error) _error.AppendLine(e.Data);
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public string Error
    {
        get { lock (_error) return _error.ToString(); }
    }

    public static TrainerProcess Start(string workingDirectory, params string[] args) => new(workingDirectory, args);

    /// <summary>Runs to the end; the exit code and what it wrote.</summary>
    public static (int Code, string Output, string Error) Run(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        return process.WaitForExit(TimeSpan.FromMinutes(2));
    }

    /// <summary>Runs to the end with <paramref name="environment"/> added to the process's.</summary>
    public static (int Code, string Output, string Error) Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = new TrainerProcess(workingDirectory, args, environment: environment);
        return process.WaitForExit(TimeSpan.FromMinutes(2));
    }

    /// <summary>Runs <paramref name="processes"/> copies as one MPI job (<c>mpiexec.mpich -n N</c>) to the end.</summary>
    public static (int Code, string Output, string Error) RunDistributed(string workingDirectory, int processes, params string[] args) =>
        RunDistributed(workingDirectory, processes, new Dictionary<string, string>(), args);

    /// <summary>Runs <paramref name="processes"/> copies as one MPI job with <paramref name="environment"/> added.</summary>
    public static (int Code, string Output, string Error) RunDistributed(string workingDirectory, int processes, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = new TrainerProcess(workingDirectory, args, processes, environment);
        return process.WaitForExit(TimeSpan.FromMinutes(2));
    }

    /// <summary>Waits until the process prints <paramref name="line"/>; false when it ends or the time runs out first.</summary>
    public bool WaitForLine(string line, TimeSpan timeout) => WaitForLine(next => next == line, timeout);

    /// <summary>Waits until the process prints a line that <paramref name="matches"/>; false when it ends or the time runs out first.</summary>
    public bool WaitForLine(Func<string, bool> matches, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            try
            {
                if (!_lines.TryTake(out var next, timeout - deadline.Elapsed)) return false;
                if (matches(next)) return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: no handler, finalizer or flush runs.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public (int Code, string Output, string Error) WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            Kill();
            throw new TimeoutException($"The trainer process did not finish within {timeout}. Output so far:\n{Output}\n{Error}");
        }
        _process.WaitForExit(); // the asynchronous readers drain
        return (_process.ExitCode, Output, Error);
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        _lines.Dispose();
    }
}
