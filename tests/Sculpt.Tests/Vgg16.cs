using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>VGG-16 (Simonyan and Zisserman, 2014, configuration D) with 1000 classes: 138,357,544 parameters.</summary>
[Model]
public partial class Vgg16
{
    [Conv2d(3, 64, 3, Padding = 1)] private partial Tensor Conv1(Tensor x);
    [Conv2d(64, 64, 3, Padding = 1)] private partial Tensor Conv2(Tensor x);
    [Conv2d(64, 128, 3, Padding = 1)] private partial Tensor Conv3(Tensor x);
    [Conv2d(128, 128, 3, Padding = 1)] private partial Tensor Conv4(Tensor x);
    [Conv2d(128, 256, 3, Padding = 1)] private partial Tensor Conv5(Tensor x);
    [Conv2d(256, 256, 3, Padding = 1)] private partial Tensor Conv6(Tensor x);
    [Conv2d(256, 256, 3, Padding = 1)] private partial Tensor Conv7(Tensor x);
    [Conv2d(256, 512, 3, Padding = 1)] private partial Tensor Conv8(Tensor x);
    [Conv2d(512, 512, 3, Padding = 1)] private partial Tensor Conv9(Tensor x);
    [Conv2d(512, 512, 3, Padding = 1)] private partial Tensor Conv10(Tensor x);
    [Conv2d(512, 512, 3, Padding = 1)] private partial Tensor Conv11(Tensor x);
    [Conv2d(512, 512, 3, Padding = 1)] private partial Tensor Conv12(Tensor x);
    [Conv2d(512, 512, 3, Padding = 1)] private partial Tensor Conv13(Tensor x);
    [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
    [AdaptiveAvgPool2d(7)] private partial Tensor AvgPool(Tensor x);
    [Linear(512 * 7 * 7, 4096)] private partial Tensor Fc1(Tensor x);
    [Linear(4096, 4096)] private partial Tensor Fc2(Tensor x);
    [Linear(4096, 1000)] private partial Tensor Fc3(Tensor x);
    [Dropout(0.5)] private partial Tensor Drop(Tensor x);

    [Forward("B 3 H W -> B 1000")]
    public Tensor Forward(Tensor image)
    {
        var x = image;
        x = Ops.Relu(Conv1(x));
        x = Ops.Relu(Conv2(x));
        x = Pool(x);
        x = Ops.Relu(Conv3(x));
        x = Ops.Relu(Conv4(x));
        x = Pool(x);
        x = Ops.Relu(Conv5(x));
        x = Ops.Relu(Conv6(x));
        x = Ops.Relu(Conv7(x));
        x = Pool(x);
        x = Ops.Relu(Conv8(x));
        x = Ops.Relu(Conv9(x));
        x = Ops.Relu(Conv10(x));
        x = Pool(x);
        x = Ops.Relu(Conv11(x));
        x = Ops.Relu(Conv12(x));
        x = Ops.Relu(Conv13(x));
        x = Pool(x);
        x = Ops.Flatten(AvgPool(x));
        x = Drop(Ops.Relu(Fc1(x)));
        x = Drop(Ops.Relu(Fc2(x)));
        return Fc3(x);
    }
}
