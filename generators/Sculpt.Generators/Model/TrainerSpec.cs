namespace Sculpt.Generators.Model;

internal enum LossKind
{
    CrossEntropy = 0,
    MeanSquaredError = 1,
}

internal enum OptimizerKind
{
    AdamW = 0,
    Sgd = 1,
    Adam = 2,
    SgdNesterov = 3,
    Lion = 4,
}

/// <summary>A <c>[Trainer]</c> class and the model, data and hyperparameter types of its base; <c>TabularData</c>: the data type is a <c>[CsvDataset]</c> record, so the command line predicts.</summary>
internal sealed record TrainerSpec(
    TypeTarget Target,
    string ModelType,
    string DataType,
    string ConfigType,
    LossKind Loss,
    OptimizerKind Optimizer,
    bool TabularData);
