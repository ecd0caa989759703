// An image classifier on a folder of images, one sub-folder per class: circles, squares or triangles?
//   dotnet run                         draws data/shapes/<class>/*.png on the first run, then trains
//   dotnet run -- --help               every option
//   dotnet run -- export --onnx model.onnx   the trained model as an ONNX file
//   dotnet run -- predict --input photo.png  the trained model on an image, or on every image of a folder
//   dotnet test SculptClassifier.Tests the project's tests
// Point the dataset at your own folder (same layout: one sub-folder per class) and set Classes.
using Sculpt;
using Sculpt.Training;
using SculptClassifier;
using static TorchSharp.torch;

ShapeImages.WriteIfMissing();
return ShapeTrainer.Run(args);

namespace SculptClassifier
{
    /// <summary>Every image under data/shapes, labelled by its sub-folder, resized to 28x28 grey.</summary>
    [ImageFolderDataset("data/shapes", Width = 28, Height = 28, Channels = 1, Validation = 0.2)]
    [ImageAugmentation(Translate = 0.1)]
    public partial class Shapes;

    [HyperParameters]
    public partial record ShapeConfig : TrainingHyperParameters
    {
        /// <summary>Filters of the first convolution (the second has twice as many).</summary>
        [Range(1, 512), SearchChoice(8, 16, 32)] public int Filters { get; init; } = 8;

        /// <summary>The number of sub-folders (classes) of the image folder.</summary>
        [Range(2, 1000)] public int Classes { get; init; } = 3;

        public override int Epochs { get; init; } = 10;
        public override double LearningRate { get; init; } = 3e-3;
    }

    /// <summary>Two convolutions with pooling, then a linear classifier: 28x28 becomes 7x7 feature maps.</summary>
    [Model(typeof(ShapeConfig), Exportable = true)]
    public partial class ShapeNet
    {
        [Conv2d(1, "Filters", 3, Padding = 1)] private partial Tensor Conv1(Tensor x);
        [Conv2d("Filters", "2*Filters", 3, Padding = 1)] private partial Tensor Conv2(Tensor x);
        [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
        [Linear("2*Filters*7*7", "Classes")] private partial Tensor Classify(Tensor x);

        [Forward("B 1 28 28 -> B Classes")]
        public Tensor Forward(Tensor image)
        {
            var x = Pool(Ops.Relu(Conv1(image)));
            x = Pool(Ops.Relu(Conv2(x)));
            return Classify(Ops.Flatten(x));
        }
    }

    [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
    public partial class ShapeTrainer : Trainer<ShapeNet, Shapes, ShapeConfig>;

    /// <summary>Draws data/shapes/{circle,square,triangle}/NNN.png in the working directory (the project folder under dotnet run): each shape at a random place and size. Replace it with your own images.</summary>
    public static class ShapeImages
    {
        public static string Folder => System.IO.Path.Combine("data", "shapes");

        public static void WriteIfMissing(int perClass = 400)
        {
            if (System.IO.Directory.Exists(Folder)) return;
            var random = new System.Random(11);
            string[] classes = ["circle", "square", "triangle"];
            foreach (string name in classes) System.IO.Directory.CreateDirectory(System.IO.Path.Combine(Folder, name));
            using var paint = new SkiaSharp.SKPaint { Color = SkiaSharp.SKColors.White, IsAntialias = true, Style = SkiaSharp.SKPaintStyle.Fill };
            for (int i = 0; i < perClass; i++)
            {
                for (int c = 0; c < classes.Length; c++)
                {
                    using var bitmap = new SkiaSharp.SKBitmap(28, 28);
                    using (var canvas = new SkiaSharp.SKCanvas(bitmap))
                    {
                        canvas.Clear(SkiaSharp.SKColors.Black);
                        float size = 6 + 6 * (float)random.NextDouble(), x = size + (28 - 2 * size) * (float)random.NextDouble(), y = size + (28 - 2 * size) * (float)random.NextDouble();
                        if (c == 0) canvas.DrawCircle(x, y, size, paint);
                        else if (c == 1) canvas.DrawRect(x - size, y - size, 2 * size, 2 * size, paint);
                        else
                        {
                            using var path = new SkiaSharp.SKPath();
                            path.MoveTo(x, y - size);
                            path.LineTo(x + size, y + size);
                            path.LineTo(x - size, y + size);
                            path.Close();
                            canvas.DrawPath(path, paint);
                        }
                    }
                    using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
                    using var png = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
                    using var file = System.IO.File.Create(System.IO.Path.Combine(Folder, classes[c], $"{i:D3}.png"));
                    png.SaveTo(file);
                }
            }
            System.Console.WriteLine($"drew {Folder}: {perClass} images of each of {classes.Length} shapes");
        }
    }
}
