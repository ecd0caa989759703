using System.IO;
using Sculpt.Checkpoints;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Training;
using TorchSharp;

namespace Sculpt.Prediction;

/// <summary>The model a training run left in its folder: what predictors and exports start from.</summary>
public static class TrainedModel
{
    /// <summary>
    /// Builds the model from the folder's <c>config.json</c> and loads its weights (<c>merged.safetensors</c> of a LoRA
    /// run, else <c>model.dat</c>), in evaluation mode. The model's initialisers draw from a generator of their own, so
    /// loading leaves libtorch's global one as it was.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="InvalidDataException">A file of the folder cannot be read, or does not fit the model.</exception>
    public static (TModel Model, TConfig Config) Load<TModel, TConfig>(string runFolder)
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        Backend.NativeBackend.EnsureLoaded();
        string configPath = Path.Combine(runFolder, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"'{runFolder}' is not a run folder: it has no config.json (train first, or name the folder a run wrote with --run).", configPath);
        var config = TConfig.FromJson(File.ReadAllText(configPath), configPath);
        TModel model;
        using (new TrainerRandom(config.Seed).Use()) model = TModel.Create(config);
        try
        {
            string merged = Path.Combine(runFolder, "merged.safetensors"), weights = Path.Combine(runFolder, "model.dat");
            if (File.Exists(merged)) model.LoadWeights(merged);
            else if (File.Exists(weights)) WeightFiles.Load(model, weights);
            else throw new FileNotFoundException($"'{runFolder}' holds no trained weights (model.dat): the run did not finish; finish it with --resume.", weights);
            model.eval();
            return (model, config);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
