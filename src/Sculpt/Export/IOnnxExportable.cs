using System.Collections.Generic;

namespace Sculpt.Export;

/// <summary>
/// What the generator writes for every <see cref="ModelAttribute"/> class with one result: its forward body over
/// <see cref="OnnxValue"/>s and its declared input and output dims. <see cref="OnnxExport"/> uses it.
/// </summary>
public interface IOnnxExportable
{
    /// <summary>Why the model has no ONNX form (a layer kind or op without one, named), or null when it has one.</summary>
    string? OnnxProblem { get; }

    /// <summary>The forward's inputs: each parameter's name and declared dims (a size, or a name such as <c>"B"</c>).</summary>
    IReadOnlyList<(string Name, object[] Dims)> OnnxInputs { get; }

    /// <summary>The declared dims of the forward's result.</summary>
    object[] OnnxOutput { get; }

    /// <summary>The forward body run over graph values.</summary>
    OnnxValue OnnxForward(IReadOnlyList<OnnxValue> inputs);
}
