using System;
using System.Collections.Generic;
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
    /// <summary>
    /// Images <c>[N, 1, H, W]</c> scaled to [0, 1] with their labels <c>[N]</c>. A label outside the
    /// <paramref name="classes"/> stops the load, naming the file and record, or is skipped and
    /// counted; a file whose images are not <paramref name="shape"/> (<c>[1, H, W]</c>, when given) is refused.
    /// </summary>
    public static (TensorDataset Data, SkippedRecords Skipped) LoadImages(
        string imagesPath, string labelsPath, int classes, long[]? shape = null, BadRecords onBadRecord = BadRecords.Error)
    {
        var (imageDims, pixels) = Read(imagesPath, expectedRank: 3);
        if (shape is { Length: 3 } && (shape[0] != 1 || shape[1] != imageDims[1] || shape[2] != imageDims[2]))
        {
            throw new InvalidDataException($"{imagesPath} holds {imageDims[1]}x{imageDims[2]} grey images [1, {imageDims[1]}, {imageDims[2]}]; the dataset declares [{string.Join(", ", shape)}].");
        }
        var (labelDims, labels) = Read(labelsPath, expectedRank: 1);
        if (labelDims[0] != imageDims[0])
        {
            throw new InvalidDataException($"{labelsPath} holds {labelDims[0]} labels but {imagesPath} holds {imageDims[0]} images; give the labels file that belongs to these images.");
        }
        var kept = new List<long>(labels.Length);
        var reasons = new List<string>();
        int skipped = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < classes)
            {
                kept.Add(i);
                continue;
            }
            string reason = $"{labelsPath}: record {i} has label {labels[i]}, outside the {classes} classes";
            if (onBadRecord == BadRecords.Error) throw new InvalidDataException(reason + "; declare OnBadRecord = BadRecords.Skip on the dataset to skip such records, or more Classes.");
            if (reasons.Count < SkippedRecords.ReasonsKept) reasons.Add($"record {i}: label {labels[i]} is outside the {classes} classes");
            skipped++;
        }
        if (kept.Count == 0) throw new InvalidDataException($"{labelsPath}: no record has a label inside the {classes} classes.");
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(pixels, torch.uint8).reshape(imageDims[0], 1, imageDims[1], imageDims[2]);
        var targets = torch.tensor(labels, torch.uint8);
        if (skipped > 0)
        {
            var rows = torch.tensor(kept.ToArray());
            images = images.index_select(0, rows);
            targets = targets.index_select(0, rows);
        }
        var data = new TensorDataset(images.to(torch.float32).div_(255f).MoveToOuterDisposeScope(), targets.to(torch.int64).MoveToOuterDisposeScope());
        return (data, new SkippedRecords(labelsPath, skipped, reasons));
    }

    /// <summary>The dims and the raw bytes of an unsigned-byte IDX file.</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int expectedRank)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        // Streamed straight into the data array: a gzip file is inflated once, with no intermediate copies.
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        int first = file.ReadByte(), second = file.ReadByte();
        file.Position = 0;
        using Stream stream = first == 0x1f && second == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            var magic = new byte[4];
            if (Fill(stream, magic) < 4 || magic[0] != 0 || magic[1] != 0)
            {
                throw new InvalidDataException($"{path} is not an IDX file: it does not start with the IDX magic number. Point the dataset at IDX files (plain or gzip).");
            }
            if (magic[2] != 0x08) throw new InvalidDataException($"{path} holds IDX type 0x{magic[2]:x2}; only unsigned bytes (0x08) are supported.");
            int rank = magic[3];
            if (rank != expectedRank) throw new InvalidDataException($"{path} has {rank} dims; expected {expectedRank} ({(expectedRank == 1 ? "a labels file" : "an images file")}): are the images and labels files swapped?");
            var header = new byte[4 * rank];
            if (Fill(stream, header) < header.Length) throw new InvalidDataException($"{path} is truncated inside its header; copy or download it again.");
            var dims = new int[rank];
            long recordSize = 1;
            for (int i = 0; i < rank; i++)
            {
                dims[i] = (header[4 * i] << 24) | (header[4 * i + 1] << 16) | (header[4 * i + 2] << 8) | header[4 * i + 3];
                if (dims[i] <= 0) throw new InvalidDataException($"{path}: dim {i} is {dims[i]}.");
                if (i > 0) recordSize *= dims[i];
            }
            long expected = recordSize * dims[0];
            if (expected > Array.MaxLength) throw new InvalidDataException($"{path} holds {expected:N0} bytes of data, more than one array can hold.");
            var data = GC.AllocateUninitializedArray<byte>((int)expected);
            long available = Fill(stream, data);
            if (available < expected)
            {
                throw new InvalidDataException($"{path} is truncated: record {available / recordSize} of {dims[0]} is incomplete ({available} of {expected} data bytes present); copy or download it again.");
            }
            return (dims, data);
        }
        catch (InvalidDataException error) when (stream is GZipStream && !error.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is a damaged gzip file ({error.Message.TrimEnd('.')}); copy or download it again.", error);
        }
    }

    /// <summary>Reads until <paramref name="target"/> is full or the stream ends; the number of bytes read.</summary>
    private static int Fill(Stream stream, byte[] target)
    {
        int total = 0;
        while (total < target.Length)
        {
            int read = stream.Read(target, total, target.Length - total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }
}
