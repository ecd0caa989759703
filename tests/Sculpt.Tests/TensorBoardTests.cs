using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Sculpt.Training;
using Xunit;

namespace Sculpt.Tests;

public sealed class TensorBoardTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-tensorboard-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Crc32C_is_the_Castagnoli_checksum_and_the_mask_is_TFRecord_s()
    {
        // The check value of CRC-32C (RFC 3720, B.4).
        Assert.Equal(0xE3069283u, TensorBoardWriter.Crc32C("123456789"u8));
        foreach (int length in new[] { 0, 1, 7, 8, 9, 100 })
        {
            byte[] data = Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11)).ToArray();
            Assert.Equal(EventFile.Crc32C(data), TensorBoardWriter.Crc32C(data));
            uint crc = EventFile.Crc32C(data);
            Assert.Equal(unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u), TensorBoardWriter.MaskedCrc32C(data));
        }
    }

    [Fact]
    public void Every_event_has_its_wall_time_in_seconds_since_the_Unix_epoch()
    {
        var now = new DateTimeOffset(2026, 12, 3, 10, 20, 30, 250, TimeSpan.Zero);
        string path;
        using (var writer = new TensorBoardWriter(_folder, () => now))
        {
            path = writer.Path;
            writer.AddScalar("train/loss", 0.5f, 50);
            now = now.AddSeconds(1.5);
            writer.AddScalars(100, ("validation/loss", 0.25f), ("validation/accuracy", 0.875f));
        }
        Assert.StartsWith("events.out.tfevents.1796293230.", Path.GetFileName(path));
        var events = EventFile.Read(path);
        Assert.Equal(3, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(1796293230.25, events[0].WallTime);
        Assert.Equal(1796293230.25, events[1].WallTime);
        Assert.Equal(1796293231.75, events[2].WallTime);
        Assert.Equal(0, events[0].Step);
        Assert.Equal(50, events[1].Step);
        Assert.Equal([("train/loss", 0.5f)], events[1].Scalars);
        Assert.Equal(100, events[2].Step);
        Assert.Equal([("validation/loss", 0.25f), ("validation/accuracy", 0.875f)], events[2].Scalars);
    }

    [Fact]
    public void A_run_log_writes_its_scalars_with_the_current_time()
    {
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        using (var log = new RunLog(_folder))
        {
            log.FitStarted(1, 10, 5, 2, 0);
            log.Step(1, 0, 1, 1.25, 1e-3);
            log.CheckpointStarting(1);
        }
        double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var events = EventFile.Read(Directory.GetFiles(Path.Combine(_folder, "tensorboard")).Single());
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.All(events, e => Assert.InRange(e.WallTime, before - 1, after + 1));
        Assert.Equal([("train/loss_running", 1.25f), ("train/learning_rate", 1e-3f)], events[1].Scalars);
    }

    [Fact]
    public void A_resumed_run_marks_its_restart_so_TensorBoard_drops_what_came_after_the_checkpoint()
    {
        using (var log = new RunLog(_folder))
        {
            log.FitStarted(1, 10, 5, 2, 0);
            log.Step(1, 0, 1, 1.25, 1e-3);
        }
        using (var log = new RunLog(_folder))
        {
            log.FitStarted(1, 10, 5, 2, resumedAtStep: 40);
            log.Step(1, 0, 41, 0.5, 1e-3);
        }
        var files = Directory.GetFiles(Path.Combine(_folder, "tensorboard")).Select(EventFile.Read).ToList();
        Assert.Equal(2, files.Count);
        var first = files.Single(f => f.All(e => e.SessionStatus == 0));
        var resumed = files.Single(f => f.Any(e => e.SessionStatus != 0));
        Assert.Equal(2, first.Count);
        // After the file version: START (1) at the checkpoint's step, before any scalar of the resumed run.
        Assert.Equal((40L, 1), (resumed[1].Step, resumed[1].SessionStatus));
        Assert.Empty(resumed[1].Scalars);
        Assert.Equal(41, resumed[2].Step);
    }
}

/// <summary>
/// Reads TensorBoard event files independently of <see cref="TensorBoardWriter"/>: TFRecord frames
/// with both checksums verified, and the Event fields scalars use.
/// </summary>
internal static class EventFile
{
    /// <param name="SessionStatus">The <c>session_log</c>'s status (1 = START), or 0 without one.</param>
    public sealed record Event(double WallTime, long Step, string? FileVersion, List<(string Tag, float Value)> Scalars, int SessionStatus = 0);

    public static List<Event> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Assert.Equal(Masked(Crc32C(bytes.AsSpan(at, 8))), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            var data = bytes.AsSpan(at + 12, (int)length);
            Assert.Equal(Masked(Crc32C(data)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length)));
            events.Add(Parse(data.ToArray()));
            at += 12 + (int)length + 4;
        }
        return events;
    }

    private static Event Parse(byte[] data)
    {
        double wallTime = 0;
        long step = 0;
        string? version = null;
        int session = 0;
        var scalars = new List<(string, float)>();
        foreach (var (field, value) in Fields(data))
        {
            switch (field)
            {
                case 1: wallTime = BitConverter.Int64BitsToDouble((long)(ulong)value); break;
                case 2: step = (long)(ulong)value; break;
                case 3: version = Encoding.UTF8.GetString((byte[])value); break;
                case 7: session = Fields((byte[])value).Where(f => f.Field == 1).Select(f => (int)(ulong)f.Value).FirstOrDefault(); break;
                case 5:
                    foreach (var (_, item) in Fields((byte[])value))
                    {
                        string tag = "";
                        float number = float.NaN;
                        foreach (var (f, v) in Fields((byte[])item))
                        {
                            if (f == 1) tag = Encoding.UTF8.GetString((byte[])v);
                            if (f == 2) number = BitConverter.Int32BitsToSingle((int)(uint)v);
                        }
                        scalars.Add((tag, number));
                    }
                    break;
            }
        }
        return new Event(wallTime, step, version, scalars, session);
    }

    /// <summary>The fields of a protobuf message: varints and fixed numbers as their raw bits, length-delimited fields as bytes.</summary>
    private static IEnumerable<(int Field, object Value)> Fields(byte[] data)
    {
        int at = 0;
        while (at < data.Length)
        {
            ulong key = Varint(data, ref at);
            int field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0: yield return (field, Varint(data, ref at)); break;
                case 1: yield return (field, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at))); at += 8; break;
                case 2:
                    int length = (int)Varint(data, ref at);
                    yield return (field, data.AsSpan(at, length).ToArray());
                    at += length;
                    break;
                case 5: yield return (field, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at))); at += 4; break;
                default: throw new InvalidDataException($"wire type {key & 7}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    /// <summary>CRC-32C bit by bit (reflected polynomial 0x82F63B78).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    private static uint Masked(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}
