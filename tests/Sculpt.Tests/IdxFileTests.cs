using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Sculpt.Data;
using Xunit;

namespace Sculpt.Tests;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-idx-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_and_labels_load_scaled(bool gzip)
    {
        string images = Write("images", Idx(3, [2, 2, 3], Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray()), gzip);
        string labels = Write("labels", Idx(1, [2], [7, 3]), gzip);
        var (data, skipped) = IdxFile.LoadImages(images, labels, classes: 10);
        using var owned = data;
        Assert.Equal(0, skipped.Count);
        Assert.Equal(new long[] { 2, 1, 2, 3 }, data.Features.shape);
        Assert.Equal(new long[] { 7, 3 }, data.Targets.data<long>().ToArray());
        Assert.Equal(20 / 255f, data.Features[0, 0, 0, 1].item<float>(), 6);
        Assert.Equal(220 / 255f, data.Features[1, 0, 1, 2].item<float>(), 6);
    }

    [Fact]
    public void A_truncated_file_names_the_file_and_the_first_incomplete_record()
    {
        byte[] full = Idx(3, [3, 2, 2], new byte[12]);
        string images = Write("truncated", full[..^3], gzip: false);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(images, expectedRank: 3));
        Assert.Equal($"{images} is truncated: record 2 of 3 is incomplete (9 of 12 data bytes present); copy or download it again.", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_idx_is_named()
    {
        string path = Write("text", "hello, world"u8.ToArray(), gzip: false);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, expectedRank: 1));
        Assert.Equal($"{path} is not an IDX file: it does not start with the IDX magic number. Point the dataset at IDX files (plain or gzip).", error.Message);
    }

    [Fact]
    public void A_damaged_gzip_file_is_named()
    {
        string path = Path.Combine(_folder, "damaged.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, expectedRank: 1));
        Assert.StartsWith($"{path} is a damaged gzip file", error.Message);
    }

    [Fact]
    public void Labels_that_do_not_match_the_images_are_refused_by_file()
    {
        string images = Write("images", Idx(3, [2, 1, 1], [1, 2]), gzip: false);
        string fewer = Write("fewer", Idx(1, [1], [0]), gzip: false);
        var count = Assert.Throws<InvalidDataException>(() => IdxFile.LoadImages(images, fewer, classes: 10));
        Assert.Equal($"{fewer} holds 1 labels but {images} holds 2 images; give the labels file that belongs to these images.", count.Message);

        string outside = Write("outside", Idx(1, [2], [0, 12]), gzip: false);
        var label = Assert.Throws<InvalidDataException>(() => IdxFile.LoadImages(images, outside, classes: 10));
        Assert.Equal($"{outside}: record 1 has label 12, outside the 10 classes; declare OnBadRecord = BadRecords.Skip on the dataset to skip such records, or more Classes.", label.Message);

        var (kept, skipped) = IdxFile.LoadImages(images, outside, classes: 10, onBadRecord: BadRecords.Skip);
        Assert.Equal(1, kept.Count);
        Assert.Equal(["record 1: label 12 is outside the 10 classes"], skipped.FirstReasons);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(_folder, "missing.idx");
        var error = Assert.Throws<FileNotFoundException>(() => IdxFile.Read(path, expectedRank: 1));
        Assert.Equal($"IDX file '{path}' does not exist.", error.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Idx(int rank, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * rank + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)rank;
        for (int i = 0; i < rank; i++)
        {
            bytes[4 + 4 * i] = (byte)(dims[i] >> 24);
            bytes[5 + 4 * i] = (byte)(dims[i] >> 16);
            bytes[6 + 4 * i] = (byte)(dims[i] >> 8);
            bytes[7 + 4 * i] = (byte)dims[i];
        }
        data.CopyTo(bytes, 4 + 4 * rank);
        return bytes;
    }

    private string Write(string name, byte[] bytes, bool gzip)
    {
        string path = Path.Combine(_folder, name + (gzip ? ".gz" : ".idx"));
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using var file = File.Create(path);
        using var compressed = new GZipStream(file, CompressionLevel.Fastest);
        compressed.Write(bytes);
        return path;
    }
}
