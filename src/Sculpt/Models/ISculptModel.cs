namespace Sculpt.Models;

/// <summary>What the generator writes for every <see cref="ModelAttribute"/> class.</summary>
public interface ISculptModel
{
    /// <summary>The number of trainable parameters, computed from the declaration.</summary>
    long ParameterCount { get; }

    /// <summary>
    /// The layer table, without running a forward pass. Give sizes for symbols to see concrete
    /// shapes, e.g. <c>Summary(("B", 32))</c>.
    /// </summary>
    ModelSummary Summary(params (string Symbol, long Size)[] sizes);

    /// <summary>
    /// Loads a weights file (safetensors, or a PyTorch state dict) into the model by name, after the model's
    /// <c>[RenameWeights]</c> rules; nothing is copied unless every tensor fits, those of <paramref name="fresh"/>
    /// components apart (see <see cref="Checkpoints.PublishedWeights.Load"/>).
    /// </summary>
    Checkpoints.WeightLoadReport LoadWeights(string path, bool allowMissing = false, System.Collections.Generic.IReadOnlyCollection<string>? fresh = null);
}

/// <summary>A model built from a hyperparameter record.</summary>
public interface ISculptModel<TSelf, TConfig> : ISculptModel where TSelf : ISculptModel<TSelf, TConfig>
{
    TConfig Config { get; }

    static abstract TSelf Create(TConfig config);

    /// <summary>The parameter count for <paramref name="config"/>, without building the model.</summary>
    static abstract long CountParameters(TConfig config);

    /// <summary>
    /// Every way <paramref name="config"/> breaks the forward body's shapes (a size that meets
    /// another it differs from with these values), found without building the model; empty when it
    /// fits. Trainers refuse such a config before any tensor exists.
    /// </summary>
    static abstract System.Collections.Generic.IReadOnlyList<string> ShapeErrors(TConfig config);
}
