using Sculpt.Generators.Model;

namespace Sculpt.Generators.Emit;

/// <summary>
/// Writes the training step, evaluation, optimizer and command line of a <c>[Trainer]</c> class:
/// the code that depends on the declared model, loss and optimizer. The fit loop, checkpoints and
/// resuming are the same for every trainer and live in <c>Sculpt.Training.Trainer</c>.
/// </summary>
internal static class TrainerEmitter
{
    private const string Torch = "global::TorchSharp.torch";
    private const string Tensor = "global::TorchSharp.torch.Tensor";
    private const string Training = "global::Sculpt.Training";

    public static string Emit(TrainerSpec spec)
    {
        var w = new SourceWriter();
        var target = spec.Target;
        string self = target.Type.Name;
        bool classification = spec.Loss == LossKind.CrossEntropy;
        bool preferences = spec.Loss == LossKind.Dpo;
        bool rewards = spec.Loss == LossKind.BradleyTerry;
        bool rollouts = spec.Loss == LossKind.Rloo;
        w.BeginType(target);
        w.Line(SourceWriter.GeneratedCode);
        w.Open($"partial {target.Type.Keyword} {self}");

        w.Line("/// <summary>Builds the model from <paramref name=\"config\"/> on <paramref name=\"device\"/> (the CPU when null).</summary>");
        string constructor = $"public {self}({spec.ConfigType} config, {Torch}.Device? device = null) : base(config, device)";
        if (spec.RewardType is { } rewardModel)
        {
            w.Open(constructor);
            w.Line("// The reward model scores whole sequences; its weights come from --reward-from (Trainer.Rlhf.cs).");
            w.Line($"UseRewardModel<{rewardModel}>();");
            w.Close();
        }
        else
        {
            w.Line(constructor);
            w.Line("{");
            w.Line("}");
        }
        w.Line();

        bool tabular = spec.Predictor == PredictorKind.Tabular;
        w.Line($"/// <summary>Trains as the command line says (<c>--help</c> lists the options) and saves the weights, or runs its <c>search</c>{(spec.Predictor == PredictorKind.None ? "" : ", <c>predict</c>")} or <c>export</c>; returns the exit code.</summary>");
        w.Line($"public static int Run(string[] args) =>");
        if (tabular)
            w.Line($"    args is [\"predict\", ..] ? {Training}.TrainerCommandLine.Predict<{spec.ModelType}, {spec.DataType}, {spec.ConfigType}>({SourceWriter.Quote(self)}, args[1..]) :");
        w.Line($"    {Training}.TrainerCommandLine.Run<{self}, {spec.ModelType}, {spec.DataType}, {spec.ConfigType}>({SourceWriter.Quote(self)}, args, static (config, device) => new {self}(config, device));");
        w.Line();
        const string Prediction = "global::Sculpt.Prediction";
        string defaultRun = SourceWriter.Quote("runs/" + self);
        switch (spec.Predictor)
        {
            case PredictorKind.Tabular:
                w.Line("/// <summary>The model a training run left in <paramref name=\"runFolder\"/>, ready to predict new rows or records (docs/prediction.md).</summary>");
                w.Line($"public static {Prediction}.TabularPredictor<{spec.ModelType}, {spec.DataType}, {spec.ConfigType}> LoadPredictor(string runFolder = {defaultRun}) =>");
                w.Line($"    {Prediction}.TabularPredictor<{spec.ModelType}, {spec.DataType}, {spec.ConfigType}>.Load(runFolder);");
                w.Line();
                break;
            case PredictorKind.Image:
                w.Line("/// <summary>The model a training run left in <paramref name=\"runFolder\"/>, ready to classify image files (docs/prediction.md).</summary>");
                w.Line($"public static {Prediction}.ImagePredictor<{spec.ModelType}, {spec.ConfigType}> LoadPredictor(string runFolder = {defaultRun}) =>");
                w.Line($"    {Prediction}.ImagePredictor<{spec.ModelType}, {spec.ConfigType}>.Load<{spec.DataType}>(runFolder);");
                w.Line();
                break;
            case PredictorKind.Text:
                w.Line("/// <summary>The model a training run left in <paramref name=\"runFolder\"/>, ready to continue prompts (docs/prediction.md).</summary>");
                w.Line($"public static {Prediction}.TextPredictor<{spec.ModelType}, {spec.ConfigType}> LoadPredictor(string runFolder = {defaultRun}) =>");
                w.Line($"    {Prediction}.TextPredictor<{spec.ModelType}, {spec.ConfigType}>.Load<{spec.DataType}>(runFolder);");
                w.Line();
                break;
        }

        if (preferences || rewards)
        {
            w.Line("/// <inheritdoc/>");
            w.Line("protected override bool TrainsOnPairs => true;");
            w.Line();
        }
        if (rollouts)
        {
            w.Line("/// <inheritdoc/>");
            w.Line("protected override bool SamplesCompletions => true;");
            w.Line();
        }
        if (preferences || rollouts)
        {
            w.Line("/// <inheritdoc/>");
            w.Line("protected override bool KeepsReference => true;");
            w.Line();
        }

        const string Optimization = "global::Sculpt.Optimization";
        w.Line("/// <inheritdoc/>");
        w.Line($"protected override {Optimization}.FusedOptimizer CreateOptimizer({Optimization}.FlatParameters parameters) =>");
        w.Line("    " + spec.Optimizer switch
        {
            OptimizerKind.Sgd => $"new {Optimization}.FusedSgd(parameters, Config.LearningRate, momentum: Config.Momentum, weightDecay: Config.WeightDecay);",
            OptimizerKind.SgdNesterov => $"new {Optimization}.FusedSgd(parameters, Config.LearningRate, momentum: Config.Momentum, nesterov: true, weightDecay: Config.WeightDecay);",
            OptimizerKind.Adam => $"new {Optimization}.FusedAdam(parameters, Config.LearningRate, weightDecay: Config.WeightDecay, decoupled: false);",
            OptimizerKind.Lion => $"new {Optimization}.FusedLion(parameters, Config.LearningRate, weightDecay: Config.WeightDecay);",
            _ => $"new {Optimization}.FusedAdam(parameters, Config.LearningRate, weightDecay: Config.WeightDecay);",
        });
        w.Line();

        w.Line("/// <inheritdoc/>");
        w.Open($"public override {Tensor} TrainStep({Tensor} input, {Tensor} target)");
        w.Line($"using global::TorchSharp.DisposeScope scope = {Torch}.NewDisposeScope();");
        w.Line($"{Tensor} loss;");
        w.Open("if (Config.AccumulateBatches <= 1)");
        if (preferences)
        {
            w.Line("// The policy's log-probabilities of both completions against the frozen reference's (Trainer.Preference.cs).");
            w.Line("loss = PreferenceLoss(input, target, TrainingForward);");
        }
        else if (rewards)
        {
            w.Line("// Each completion's score at its last token, chosen against rejected (Trainer.Preference.cs).");
            w.Line("loss = RewardLoss(input, target, TrainingForward);");
        }
        else if (rollouts)
        {
            w.Line("// Completions of each prompt sampled, rewarded and penalised by their KL from the reference (Trainer.Rlhf.cs).");
            w.Line("loss = RolloutLoss(input);");
        }
        else
        {
            w.Line($"{Tensor} output = TrainingForward(input);");
            w.Line($"loss = {LossCall(spec.Loss, "output", "target", sum: false)};");
        }
        w.Line("Backpropagate(loss);");
        w.Close();
        w.Open("else");
        w.Line(preferences
            ? "loss = AccumulateGradients(input, target, (model, part, partTarget) => PreferenceLoss(part, partTarget, model.call));"
            : rewards
            ? "loss = AccumulateGradients(input, target, (model, part, partTarget) => RewardLoss(part, partTarget, model.call));"
            : rollouts
            ? "loss = AccumulateGradients(input, target, (_, part, _) => RolloutLoss(part));"
            : $"loss = AccumulateGradients(input, target, static (model, part, partTarget) => {LossCall(spec.Loss, "model.call(part)", "partTarget", sum: false)});");
        w.Close();
        w.Line("if (Config.L1 > 0) FusedOptimizer.Parameters.AddL1Gradient(Config.L1);");
        w.Line("if (Config.ClipGradNorm > 0) FusedOptimizer.Parameters.ClipGradNorm(Config.ClipGradNorm);");
        w.Line("OptimizerStep();");
        w.Line("return loss.detach().MoveToOuterDisposeScope();");
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc/>");
        if (preferences || rewards || rollouts)
        {
            string evaluation = preferences ? "EvaluatePreferences" : rewards ? "EvaluateRewards" : "EvaluateRollouts";
            w.Line($"public override {Training}.Evaluation Evaluate(global::Sculpt.Data.TensorDataset data) => {evaluation}(data);");
            w.Close();
            w.EndType(target);
            return w.ToString();
        }
        w.Open($"public override {Training}.Evaluation Evaluate(global::Sculpt.Data.TensorDataset data)");
        w.Line("bool wasTraining = Model.training;");
        w.Line("Model.eval();");
        w.Line($"using global::System.IDisposable noGrad = {Torch}.no_grad();");
        w.Line($"using global::TorchSharp.DisposeScope scope = {Torch}.NewDisposeScope();");
        w.Line("global::Sculpt.Data.TensorDataset onDevice = data.To(Device);");
        w.Open("try");
        w.Line($"{Tensor} lossSum = {Torch}.zeros(global::System.Array.Empty<long>(), dtype: {Torch}.float64, device: Device);");
        if (classification) w.Line($"{Tensor} correct = {Torch}.zeros(global::System.Array.Empty<long>(), dtype: {Torch}.int64, device: Device);");
        w.Line("// Per target element: one per sample for a classifier, one per position for a sequence.");
        w.Line("long elements = 0;");
        w.Open("foreach (global::Sculpt.Data.Batch batch in onDevice.Batches(Config.BatchSize, shuffle: false))");
        w.Line($"using global::TorchSharp.DisposeScope batchScope = {Torch}.NewDisposeScope();");
        w.Line($"{Tensor} output = Model.call(batch.Input);");
        w.Line($"lossSum.add_({LossCall(spec.Loss, "output", "batch.Target", sum: true)});");
        if (classification) w.Line("correct.add_(output.argmax(-1).eq(batch.Target).sum());");
        w.Line("elements += batch.Target.numel();");
        w.Close();
        w.Line(classification
            ? $"return new {Training}.Evaluation(lossSum.item<double>() / elements, correct.item<long>() / (double)elements, data.Count);"
            : $"return new {Training}.Evaluation(lossSum.item<double>() / elements, null, data.Count);");
        w.Close();
        w.Open("finally");
        w.Line("// Leave the model in the mode it was in, so a hand-written loop can interleave TrainStep and Evaluate.");
        w.Line("if (wasTraining) TrainMode();");
        w.Close();
        w.Close();

        w.Close();
        w.EndType(target);
        return w.ToString();
    }

    private static string LossCall(LossKind loss, string output, string target, bool sum)
    {
        string reduction = sum ? $", {Torch}.nn.Reduction.Sum" : "";
        string name = loss == LossKind.CrossEntropy ? "CrossEntropy" : "MeanSquaredError";
        return $"{Training}.Losses.{name}({output}, {target}{reduction})";
    }
}
