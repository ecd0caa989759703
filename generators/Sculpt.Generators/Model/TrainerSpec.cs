namespace Sculpt.Generators.Model;

internal enum LossKind
{
    CrossEntropy = 0,
    MeanSquaredError = 1,
    Dpo = 2,
    BradleyTerry = 3,
    Rloo = 4,
}

internal enum OptimizerKind
{
    AdamW = 0,
    Sgd = 1,
    Adam = 2,
    SgdNesterov = 3,
    Lion = 4,
}

/// <summary>What a trained model of the trainer predicts from, which decides the <c>LoadPredictor</c> it gets.</summary>
internal enum PredictorKind
{
    /// <summary>Data made in code: no predictor of its own.</summary>
    None,

    /// <summary>A <c>[CsvDataset]</c> record: new rows or records.</summary>
    Tabular,

    /// <summary>An image dataset (<c>IImageSource</c>): image files.</summary>
    Image,

    /// <summary>A text dataset (<c>ITextSource</c>): prompts.</summary>
    Text,
}

/// <summary>
/// A <c>[Trainer]</c> class and the model, data and hyperparameter types of its base, what its trained model predicts
/// from, and for <c>Loss.Rloo</c> the reward model it declares (null when it rewards by its own override).
/// </summary>
internal sealed record TrainerSpec(
    TypeTarget Target,
    string ModelType,
    string DataType,
    string ConfigType,
    LossKind Loss,
    OptimizerKind Optimizer,
    PredictorKind Predictor,
    string? RewardType = null);
