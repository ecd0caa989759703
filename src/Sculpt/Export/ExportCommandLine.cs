using System;
using System.Collections.Generic;
using System.IO;
using Sculpt.Export;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Prediction;
using TorchSharp;

namespace Sculpt.Training;

public static partial class TrainerCommandLine
{
    private static readonly string[] ExportValueFlags = ["--onnx", "--run"];

    /// <summary>
    /// <c>export --onnx FILE [--run FOLDER]</c>: the model a training run left in its folder as an ONNX file (opset
    /// <see cref="OnnxGraph.Opset"/>, the declared symbolic dims as dynamic axes). Returns the exit code.
    /// </summary>
    public static int Export<TModel, TData, TConfig>(string trainerName, string[] args, TextWriter? output = null, TextWriter? error = null)
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        return SubCommand<TData>("export", args, ExportValueFlags, ExportHelp(trainerName), output, error, (flags, enter, written) =>
        {
            string target = flags.GetValueOrDefault("--onnx") ?? throw new HyperParameterException("export: name the file to write with --onnx FILE.");
            string run = flags.GetValueOrDefault("--run") ?? Path.Combine("runs", trainerName);
            enter(Phase.Checkpoint);
            var (model, _) = TrainedModel.Load<TModel, TConfig>(run);
            using (model)
            {
                enter(Phase.Usage);
                if (model is not IOnnxExportable exportable)
                    throw new HyperParameterException($"export: {typeof(TModel).Name} returns several tensors; ONNX export writes models with one result.");
                enter(Phase.Output);
                try
                {
                    OnnxExport.Save(exportable, target);
                }
                catch (NotSupportedException problem)
                {
                    // A part without an ONNX form: the model, not the disk, is at fault.
                    throw new HyperParameterException("export: " + problem.Message, problem);
                }
            }
            written.WriteLine($"exported the model of {run} to {target} (ONNX, opset {OnnxGraph.Opset})");
        });
    }

    private static string ExportHelp(string trainerName) =>
        $"usage: {trainerName} export --onnx FILE [--run FOLDER]\n\n" +
        "Writes the model a training run left in its folder (config.json and its weights) as an ONNX file: the forward\n" +
        "in evaluation mode, the weights inside, the declared symbolic dims (B, T) as named dynamic axes.\n\n" +
        "options:\n" +
        "  --onnx FILE      The file to write (replaced only once the new one is complete)\n" +
        $"  --run FOLDER     The training run whose model is exported (default runs/{trainerName})\n" +
        "  --verbose        Adds the stack trace to an error\n\n" +
        ExitCodes.Table;
}
