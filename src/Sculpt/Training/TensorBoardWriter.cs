using System;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;
using System.Text;
using System.Threading;

namespace Sculpt.Training;

/// <summary>
/// Writes a TensorBoard event file of scalars: a sequence of TFRecords, each one <c>Event</c>
/// protocol buffer, the first of them the file version <c>brain.Event:2</c>. Every event's
/// <c>wall_time</c> is seconds since the Unix epoch, as TensorBoard reads it (TorchSharp's own
/// writer gives its first event .NET ticks, which TensorBoard shows as a date thousands of
/// years ahead and uses as the run's start).
/// </summary>
/// <remarks>
/// A TFRecord is the data's length (uint64, little-endian), the masked CRC-32C of those 8 bytes,
/// the data, and the masked CRC-32C of the data. Only the few fields of <c>Event</c> (wall_time 1,
/// step 2, file_version 3, summary 5, session_log 7), <c>Summary</c> (value 1) and <c>Summary.Value</c> (tag 1,
/// simple_value 2) that scalars need are encoded, by hand. The file stays open; each event reaches
/// the operating system when written, and the disk on <see cref="FlushToDisk"/>.
/// </remarks>
public sealed class TensorBoardWriter : IDisposable
{
    /// <summary>The file version every event file starts with.</summary>
    public const string FileVersion = "brain.Event:2";

    private static int s_files;
    private readonly FileStream _file;
    private readonly Func<DateTimeOffset> _clock;
    private readonly MemoryStream _event = new();
    private readonly MemoryStream _nested = new();

    /// <summary>Creates a new event file in <paramref name="folder"/> (made when missing) and writes the file version.</summary>
    /// <param name="folder">The folder TensorBoard is pointed at (<c>--logdir</c>) or one below it.</param>
    /// <param name="clock">The wall clock; the system's by default.</param>
    public TensorBoardWriter(string folder, Func<DateTimeOffset>? clock = null)
    {
        _clock = clock ?? (static () => DateTimeOffset.UtcNow);
        Directory.CreateDirectory(folder);
        // TensorBoard reads every file whose name holds "tfevents"; the process id and a counter
        // keep two writers of one second apart, as PyTorch's names do.
        long seconds = _clock().ToUnixTimeSeconds();
        Path = System.IO.Path.Combine(folder,
            $"events.out.tfevents.{seconds}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref s_files)}");
        _file = OutputFiles.Open(Path, FileMode.CreateNew);
        try
        {
            BeginEvent(0);
            WriteTag(3, WireType.Length);
            WriteBytes(_event, Encoding.UTF8.GetBytes(FileVersion));
            WriteRecord();
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    /// <summary>The event file being written.</summary>
    public string Path { get; }

    /// <summary>Writes one scalar, e.g. <c>train/loss</c> at a step.</summary>
    public void AddScalar(string tag, float value, long step) => AddScalars(step, (tag, value));

    /// <summary>Writes several scalars of one step as one event.</summary>
    public void AddScalars(long step, params (string Tag, float Value)[] values)
    {
        BeginEvent(step);
        _nested.SetLength(0);
        Span<byte> number = stackalloc byte[4];
        foreach (var (tag, value) in values)
        {
            byte[] name = Encoding.UTF8.GetBytes(tag);
            // Summary.value (1): a Value with tag (1) and simple_value (2).
            WriteVarint(_nested, Tag(1, WireType.Length));
            WriteVarint(_nested, (ulong)(1 + VarintLength((ulong)name.Length) + name.Length + 1 + 4));
            WriteVarint(_nested, Tag(1, WireType.Length));
            WriteBytes(_nested, name);
            WriteVarint(_nested, Tag(2, WireType.Fixed32));
            BinaryPrimitives.WriteSingleLittleEndian(number, value);
            _nested.Write(number);
        }
        WriteTag(5, WireType.Length);
        WriteBytes(_event, _nested.GetBuffer().AsSpan(0, (int)_nested.Length));
        WriteRecord();
    }

    /// <summary>
    /// Marks a resumed run: a <c>SessionLog</c> START event (<c>Event.session_log</c>, field 7; status 1)
    /// at the checkpoint's step. TensorBoard then drops every event of the folder at that step or
    /// later written before it (what the interrupted run logged after its last checkpoint), so the
    /// curves show the run as it continues, not two runs interleaved. PyTorch's
    /// <c>SummaryWriter(purge_step=...)</c> writes the same event.
    /// </summary>
    public void MarkRestart(long step)
    {
        BeginEvent(step);
        WriteTag(7, WireType.Length);
        WriteBytes(_event, [(byte)Tag(1, WireType.Varint), 1]);
        WriteRecord();
    }

    /// <summary>Makes what was written durable (the run log calls it before each checkpoint).</summary>
    public void FlushToDisk() => _file.Flush(flushToDisk: true);

    public void Dispose() => _file.Dispose();

    /// <summary>Starts an event: wall_time (1) now, in seconds since the Unix epoch, and step (2) unless 0.</summary>
    private void BeginEvent(long step)
    {
        _event.SetLength(0);
        double wallTime = (_clock() - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
        WriteTag(1, WireType.Fixed64);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(number, wallTime);
        _event.Write(number);
        if (step != 0)
        {
            WriteTag(2, WireType.Varint);
            WriteVarint(_event, unchecked((ulong)step));
        }
    }

    /// <summary>Frames the event as a TFRecord and writes it.</summary>
    private void WriteRecord()
    {
        var data = _event.GetBuffer().AsSpan(0, (int)_event.Length);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        _file.Write(header);
        _file.Write(data);
        _file.Write(footer);
        _file.Flush();
    }

    private enum WireType { Varint = 0, Fixed64 = 1, Length = 2, Fixed32 = 5 }

    private static ulong Tag(int field, WireType type) => (ulong)(field << 3 | (int)type);

    private void WriteTag(int field, WireType type) => WriteVarint(_event, Tag(field, type));

    private static void WriteBytes(MemoryStream stream, ReadOnlySpan<byte> bytes)
    {
        WriteVarint(stream, (ulong)bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteVarint(MemoryStream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }

    private static int VarintLength(ulong value)
    {
        int length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    /// <summary>The CRC-32C (Castagnoli) of <paramref name="data"/>, as TFRecord and iSCSI use it.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>TFRecord's masked CRC: rotated right by 15 bits plus a constant, so that a CRC of data holding CRCs stays strong.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }
}
