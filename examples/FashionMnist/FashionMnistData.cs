using Sculpt;

namespace FashionMnist;

/// <summary>
/// Fashion-MNIST from Debian's <c>dataset-fashion-mnist</c>: 60,000 training images (5,000 held out
/// for validation, fixed by the seed, class shares kept) and the 10,000 test images, which only the
/// final test evaluation sees. Pixels are standardised with the training split's mean and
/// deviation. (Adding <c>[ImageAugmentation(CropPadding = 2, FlipHorizontal = true)]</c> gives
/// training batches random crops and flips; the accuracies in README are without it.) Elsewhere:
/// <c>--data FOLDER</c> with the four <c>*-ubyte.gz</c> files.
/// </summary>
[IdxDataset(
    Folder + "/train-images-idx3-ubyte.gz", Folder + "/train-labels-idx1-ubyte.gz",
    TestImages = Folder + "/t10k-images-idx3-ubyte.gz", TestLabels = Folder + "/t10k-labels-idx1-ubyte.gz",
    Shape = "1 28 28", Classes = Classes, Validation = 5_000 / 60_000.0)]
public partial class FashionMnistData
{
    public const int Classes = 10;
    public const string Folder = "/usr/share/datasets/fashion-mnist";
}
