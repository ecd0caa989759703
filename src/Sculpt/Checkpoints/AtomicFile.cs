using System;
using System.IO;
using System.Text;

namespace Sculpt.Checkpoints;

/// <summary>
/// Writes a file whole or not at all: into <c>NAME.tmp-PID</c> beside it, flushed to disk, then
/// renamed over it. A crash leaves the previous file (and at worst a temporary that
/// <see cref="Checkpoint.RemoveStaleTemporaries"/> or the next write of the same name removes).
/// </summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string text) => Write(path, stream =>
    {
        var bytes = Utf8.GetBytes(text);
        stream.Write(bytes, 0, bytes.Length);
    });

    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = Training.OutputFiles.Open(temporary, FileMode.Create))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
