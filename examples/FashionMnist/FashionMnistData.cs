using System;
using System.IO;
using Sculpt.Data;

namespace FashionMnist;

/// <summary>
/// Fashion-MNIST: 60,000 training images (5,000 of them held out for validation, fixed by the
/// seed) and the 10,000 test images, which only the final test evaluation sees.
/// </summary>
public sealed class FashionMnistData : IDataSource
{
    public const int Classes = 10;
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    // The training set's pixel mean and standard deviation.
    private const float Mean = 0.2860f;
    private const float Std = 0.3530f;

    public DataSplits Load(int seed)
    {
        string folder = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? DebianFolder;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST was not found in {folder}. Install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or set FASHION_MNIST_DIR to a folder with the four *-ubyte.gz files.");
        }
        using var all = IdxFile.LoadImages(
            Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"), Classes, Mean, Std);
        var (train, validation) = all.Split(5_000 / 60_000.0, seed);
        var test = IdxFile.LoadImages(
            Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), Classes, Mean, Std);
        return new DataSplits(train, validation, test);
    }
}
