namespace Sculpt.Data.Images;

/// <summary>The size every image of a dataset is read at: <c>[Channels, Height, Width]</c>, one sample's shape.</summary>
/// <param name="Channels">1 for grey (BT.601 luma), 3 for RGB.</param>
/// <param name="Height">Rows of pixels.</param>
/// <param name="Width">Columns of pixels.</param>
public readonly record struct ImageLayout(int Channels, int Height, int Width)
{
    /// <summary>Values of one image: channels x height x width.</summary>
    public int Size => Channels * Height * Width;

    public override string ToString() => $"{Width}x{Height} {(Channels == 1 ? "grey" : "RGB")}";
}

/// <summary>
/// A data source of images, so that an image file can be read as one of its samples: what <c>predict</c> needs
/// to take an image path. Generated for <c>[ImageFolderDataset]</c>, and for <c>[IdxDataset]</c> when its
/// <c>Shape</c> is <c>"C H W"</c> with 1 or 3 channels; a hand-written source implements it the same way.
/// </summary>
public interface IImageSource : IDataSource
{
    /// <summary>The size and channels its samples have.</summary>
    ImageLayout Layout { get; }
}
