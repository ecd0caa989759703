using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Sculpt.Checkpoints;

/// <summary>The name, dtype and shape of one tensor in a file.</summary>
public sealed record TensorEntry(string Name, ScalarType DType, long[] Shape)
{
    public override string ToString() => $"{Name} {DType} [{string.Join(", ", Shape)}]";
}

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw little-endian bytes. Reading
/// only parses JSON and copies bytes, so a file can never run code. Every length, range and
/// dtype is checked against the file before anything is read: a truncated or altered file is
/// refused with a message naming the file and the tensor. (TorchSharp.PyBridge's reader trusts the
/// header, which is why Sculpt keeps this small format to itself.)
/// </summary>
public static class SafeTensorsFile
{
    private const long MaxHeader = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> (on any device) and <paramref name="metadata"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                long length = tensor.numel() * tensor.element_size();
                json.WriteStartObject(name);
                json.WriteString("dtype", Code(tensor.dtype, name));
                json.WriteStartArray("shape");
                foreach (long dim in tensor.shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }
            json.WriteEndObject();
        }
        byte[] header = buffer.ToArray();
        // The format pads the header with spaces so the data starts on an 8-byte boundary.
        int padding = (8 - header.Length % 8) % 8;
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write((ulong)(header.Length + padding));
        writer.Write(header);
        writer.Write(Enumerable.Repeat((byte)' ', padding).ToArray());
        foreach (var (_, tensor) in tensors)
        {
            // detach(), cpu() and contiguous() each make a new tensor (on the CPU and when already
            // contiguous too); the scope frees them all, and never the caller's, made outside it.
            using var scope = NewDisposeScope();
            writer.Write(tensor.detach().cpu().contiguous().bytes);
        }
        writer.Flush();
    }

    /// <summary>The entries of a file, checked; <paramref name="path"/> names the file in errors.</summary>
    public static IReadOnlyList<TensorEntry> ReadEntries(Stream stream, string path) => ReadHeader(stream, path).Entries.Select(e => e.Entry).ToList();

    /// <summary>The metadata strings of a file.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(Stream stream, string path) => ReadHeader(stream, path).Metadata;

    /// <summary>Every tensor of a file, on the CPU.</summary>
    public static Dictionary<string, Tensor> Read(Stream stream, string path)
    {
        var header = ReadHeader(stream, path);
        var result = new Dictionary<string, Tensor>();
        foreach (var (entry, start, end) in header.Entries)
        {
            stream.Position = header.DataStart + start;
            var bytes = new byte[end - start];
            stream.ReadExactly(bytes);
            var tensor = empty(entry.Shape, dtype: entry.DType);
            tensor.bytes = bytes;
            result[entry.Name] = tensor;
        }
        return result;
    }

    private sealed record Header(List<(TensorEntry Entry, long Start, long End)> Entries, Dictionary<string, string> Metadata, long DataStart);

    private static Header ReadHeader(Stream stream, string path)
    {
        long fileLength = stream.Length;
        stream.Position = 0;
        if (fileLength < 8) throw Corrupt(path, $"it has {fileLength} bytes, fewer than the 8 of a header length");
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeader || 8 + (long)headerLength > fileLength)
            throw Corrupt(path, $"its header claims {headerLength} bytes but the file has {fileLength}");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        var entries = new List<(TensorEntry, long, long)>();
        var metadata = new Dictionary<string, string>();
        long dataLength = fileLength - 8 - (long)headerLength;
        try
        {
            using var document = JsonDocument.Parse(json);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var item in property.Value.EnumerateObject()) metadata[item.Name] = item.Value.GetString() ?? "";
                    continue;
                }
                var dtype = DType(property.Value.GetProperty("dtype").GetString(), path, property.Name);
                var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                long expected = shape.Aggregate(1L, (p, d) => d < 0 ? -1 : p * d) * ElementSize(dtype);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                    throw Corrupt(path, $"tensor '{property.Name}' claims bytes {string.Join("..", offsets)} of a {dataLength}-byte data section");
                if (offsets[1] - offsets[0] != expected)
                    throw Corrupt(path, $"tensor '{property.Name}' ({dtype} [{string.Join(", ", shape)}]) needs {expected} bytes but its range holds {offsets[1] - offsets[0]}");
                entries.Add((new TensorEntry(property.Name, dtype, shape), offsets[0], offsets[1]));
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw Corrupt(path, "its header is not valid safetensors JSON (" + error.Message + ")");
        }
        return new Header(entries, metadata, 8 + (long)headerLength);
    }

    private static string Code(ScalarType dtype, string name) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"Tensor '{name}' is {dtype}, which safetensors cannot hold."),
    };

    private static ScalarType DType(string? code, string path, string name) => code switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw Corrupt(path, $"tensor '{name}' has dtype '{code}', which Sculpt does not read"),
    };

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private static InvalidDataException Corrupt(string path, string reason) => new($"'{path}' is not a valid safetensors file: {reason}.");
}
