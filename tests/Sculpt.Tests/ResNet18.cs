using static TorchSharp.torch;

namespace Sculpt.Tests;

// ResNet-18 (He et al., 2015) declared with Sculpt, to check the published 11,689,512 parameters.

[Model]
public partial class Basic64
{
    [Conv2d(64, 64, 3, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(64)] private partial Tensor Bn1(Tensor x);
    [Conv2d(64, 64, 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(64)] private partial Tensor Bn2(Tensor x);

    [Forward("B 64 H W -> B 64 H W")]
    public Tensor Forward(Tensor x) => Ops.Relu(x + Bn2(Conv2(Ops.Relu(Bn1(Conv1(x))))));
}
[Model]
public partial class Basic128
{
    [Conv2d(128, 128, 3, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(128)] private partial Tensor Bn1(Tensor x);
    [Conv2d(128, 128, 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(128)] private partial Tensor Bn2(Tensor x);

    [Forward("B 128 H W -> B 128 H W")]
    public Tensor Forward(Tensor x) => Ops.Relu(x + Bn2(Conv2(Ops.Relu(Bn1(Conv1(x))))));
}
[Model]
public partial class Basic256
{
    [Conv2d(256, 256, 3, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(256)] private partial Tensor Bn1(Tensor x);
    [Conv2d(256, 256, 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(256)] private partial Tensor Bn2(Tensor x);

    [Forward("B 256 H W -> B 256 H W")]
    public Tensor Forward(Tensor x) => Ops.Relu(x + Bn2(Conv2(Ops.Relu(Bn1(Conv1(x))))));
}
[Model]
public partial class Basic512
{
    [Conv2d(512, 512, 3, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(512)] private partial Tensor Bn1(Tensor x);
    [Conv2d(512, 512, 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(512)] private partial Tensor Bn2(Tensor x);

    [Forward("B 512 H W -> B 512 H W")]
    public Tensor Forward(Tensor x) => Ops.Relu(x + Bn2(Conv2(Ops.Relu(Bn1(Conv1(x))))));
}
/// <summary>A basic block that halves the resolution, with a 1x1 strided shortcut.</summary>
[Model]
public partial class Down128
{
    [Conv2d(64, 128, 3, Stride = 2, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(128)] private partial Tensor Bn1(Tensor x);
    [Conv2d(128, 128, 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(128)] private partial Tensor Bn2(Tensor x);
    [Conv2d(64, 128, 1, Stride = 2, Bias = false)] private partial Tensor Shortcut(Tensor x);
    [BatchNorm2d(128)] private partial Tensor ShortcutBn(Tensor x);

    [Forward("B 64 H W -> B 128 P Q")]
    public Tensor Forward(Tensor x) => Ops.Relu(ShortcutBn(Shortcut(x)) + Bn2(Conv2(Ops.Relu(Bn1(Conv1(x))))));
}
/// <summary>A basic block that halves the resolution, with a 1x1 strided shortcut.</summary>
[Model]
public partial class Down256
{
    [Conv2d(128, 256, 3, Stride = 2, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(256)] private partial Tensor Bn1(Tensor x);
    [Conv2d(256, 256, 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(256)] private partial Tensor Bn2(Tensor x);
    [Conv2d(128, 256, 1, Stride = 2, Bias = false)] private partial Tensor Shortcut(Tensor x);
    [BatchNorm2d(256)] private partial Tensor ShortcutBn(Tensor x);

    [Forward("B 128 H W -> B 256 P Q")]
    public Tensor Forward(Tensor x) => Ops.Relu(ShortcutBn(Shortcut(x)) + Bn2(Conv2(Ops.Relu(Bn1(Conv1(x))))));
}
/// <summary>A basic block that halves the resolution, with a 1x1 strided shortcut.</summary>
[Model]
public partial class Down512
{
    [Conv2d(256, 512, 3, Stride = 2, Padding = 1, Bias = false)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(512)] private partial Tensor Bn1(Tensor x);
    [Conv2d(512, 512, 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(512)] private partial Tensor Bn2(Tensor x);
    [Conv2d(256, 512, 1, Stride = 2, Bias = false)] private partial Tensor Shortcut(Tensor x);
    [BatchNorm2d(512)] private partial Tensor ShortcutBn(Tensor x);

    [Forward("B 256 H W -> B 512 P Q")]
    public Tensor Forward(Tensor x) => Ops.Relu(ShortcutBn(Shortcut(x)) + Bn2(Conv2(Ops.Relu(Bn1(Conv1(x))))));
}

[Model]
public partial class ResNet18
{
    [Conv2d(3, 64, 7, Stride = 2, Padding = 3, Bias = false)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(64)] private partial Tensor Bn1(Tensor x);
    [MaxPool2d(3, Stride = 2, Padding = 1)] private partial Tensor Pool(Tensor x);
    [Submodel(Repeat = 2)] private partial TorchSharp.Modules.ModuleList<Basic64> Layer1 { get; }
    [Submodel] private partial Down128 Layer2Down { get; }
    [Submodel] private partial Basic128 Layer2 { get; }
    [Submodel] private partial Down256 Layer3Down { get; }
    [Submodel] private partial Basic256 Layer3 { get; }
    [Submodel] private partial Down512 Layer4Down { get; }
    [Submodel] private partial Basic512 Layer4 { get; }
    [AdaptiveAvgPool2d(1)] private partial Tensor AvgPool(Tensor x);
    [Linear(512, 1000)] private partial Tensor Fc(Tensor x);

    [Forward("B 3 H W -> B 1000")]
    public Tensor Forward(Tensor image)
    {
        var x = Pool(Ops.Relu(Bn1(Conv1(image))));
        foreach (var block in Layer1) x = block.call(x);
        x = Layer2.call(Layer2Down.call(x));
        x = Layer3.call(Layer3Down.call(x));
        x = Layer4.call(Layer4Down.call(x));
        return Fc(Ops.Flatten(AvgPool(x)));
    }
}
