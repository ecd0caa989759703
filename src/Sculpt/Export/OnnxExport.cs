using System;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using TorchSharp;

namespace Sculpt.Export;

/// <summary>
/// Writes a model as an ONNX file (opset <see cref="OnnxGraph.Opset"/>): its forward in evaluation mode, its weights
/// as initializers, its declared symbolic dims (<c>B</c>, <c>T</c>) as named dynamic axes. What has no ONNX form is
/// known when the model is built (<see cref="IOnnxExportable.OnnxProblem"/>) and refused before anything is written.
/// </summary>
public static class OnnxExport
{
    /// <summary>The model file's bytes.</summary>
    /// <exception cref="NotSupportedException">The model, or a block it calls, has no ONNX form; the message says which part.</exception>
    public static byte[] ToBytes(IOnnxExportable model)
    {
        if (model.OnnxProblem is { } problem) throw new NotSupportedException(problem);
        // An adapter adds to its layer's output through a hook the graph would not see.
        if (model is torch.nn.Module module && module.modules().Any(m => m is Layers.LowRankAdapter))
            throw new NotSupportedException($"{model.GetType().Name} carries LoRA adapters, which ONNX export does not write; export the merged model (a LoRA run's merged.safetensors: export --run FOLDER).");
        var graph = new OnnxGraph();
        var inputs = model.OnnxInputs.Select(i => graph.Input(i.Name, i.Dims)).ToList();
        using (torch.no_grad())
        {
            var result = model.OnnxForward(inputs);
            graph.Output(result, "output", model.OnnxOutput);
        }
        return graph.ToBytes(typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "");
    }

    /// <summary>Writes the model to <paramref name="path"/> (whole, or not at all: an existing file is replaced only once the new one is complete).</summary>
    public static void Save(IOnnxExportable model, string path)
    {
        byte[] bytes = ToBytes(model);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
