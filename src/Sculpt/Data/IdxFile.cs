using System;
using System.IO;
using System.IO.Compression;
using TorchSharp;

namespace Sculpt.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (plain or gzip). Errors name the file and,
/// for a truncated file, the first record that is incomplete.
/// </summary>
public static class IdxFile
{
    /// <summary>Images <c>[N, 1, H, W]</c> scaled to [0, 1] and standardised with <paramref name="mean"/> and <paramref name="std"/>, with their labels <c>[N]</c>.</summary>
    public static TensorDataset LoadImages(string imagesPath, string labelsPath, int classes, float mean = 0f, float std = 1f)
    {
        var (imageDims, pixels) = Read(imagesPath, expectedRank: 3);
        var (labelDims, labels) = Read(labelsPath, expectedRank: 1);
        if (labelDims[0] != imageDims[0])
        {
            throw new InvalidDataException($"{labelsPath} holds {labelDims[0]} labels but {imagesPath} holds {imageDims[0]} images.");
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes) throw new InvalidDataException($"{labelsPath}: record {i} has label {labels[i]}, outside the {classes} classes.");
        }
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(pixels, torch.uint8).reshape(imageDims[0], 1, imageDims[1], imageDims[2])
            .to(torch.float32).div_(255f).sub_(mean).div_(std);
        var targets = torch.tensor(labels, torch.uint8).to(torch.int64);
        return new TensorDataset(images.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }

    /// <summary>The dims and the raw bytes of an unsigned-byte IDX file.</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int expectedRank)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        byte[] bytes = ReadMaybeGzip(path);
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new InvalidDataException($"{path} is not an IDX file: it does not start with the IDX magic number.");
        }
        if (bytes[2] != 0x08) throw new InvalidDataException($"{path} holds IDX type 0x{bytes[2]:x2}; only unsigned bytes (0x08) are supported.");
        int rank = bytes[3];
        if (rank != expectedRank) throw new InvalidDataException($"{path} has {rank} dims; expected {expectedRank}.");
        if (bytes.Length < 4 + 4 * rank) throw new InvalidDataException($"{path} is truncated inside its header.");
        var dims = new int[rank];
        long recordSize = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = (bytes[4 + 4 * i] << 24) | (bytes[5 + 4 * i] << 16) | (bytes[6 + 4 * i] << 8) | bytes[7 + 4 * i];
            if (dims[i] <= 0) throw new InvalidDataException($"{path}: dim {i} is {dims[i]}.");
            if (i > 0) recordSize *= dims[i];
        }
        long header = 4 + 4 * rank;
        long expected = recordSize * dims[0];
        long available = bytes.Length - header;
        if (available < expected)
        {
            throw new InvalidDataException($"{path} is truncated: record {available / recordSize} of {dims[0]} is incomplete ({available} of {expected} data bytes present).");
        }
        var data = new byte[expected];
        Array.Copy(bytes, header, data, 0, expected);
        return (dims, data);
    }

    private static byte[] ReadMaybeGzip(string path)
    {
        using var file = File.OpenRead(path);
        int first = file.ReadByte(), second = file.ReadByte();
        file.Position = 0;
        if (first != 0x1f || second != 0x8b) return File.ReadAllBytes(path);
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            gzip.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"{path} is a damaged gzip file: {error.Message}", error);
        }
    }
}
