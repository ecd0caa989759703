using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Sculpt;
using Sculpt.Data;
using Sculpt.Preference;
using Sculpt.Text;
using Sculpt.Training;
using static TorchSharp.torch;

namespace TinyGpt;

/// <summary>
/// Preference tuning with a judge that is a program, so no human is needed: of two completions of a fortune's opening,
/// the one with fewer letters 'e' (per character) is preferred. The pairs are sampled from the TinyGpt run the README
/// trains (its best checkpoint) and DPO tunes that model toward them: <c>dotnet run --project examples/TinyGpt -c Release -- prefer</c>.
/// Afterwards, on openings of the held-out tenth of the fortunes: the rule's win rate of the tuned model against the
/// starting one, the KL divergence from the starting model, and both models' validation perplexity (docs/preference-tuning.md).
/// </summary>
internal static class PreferenceTuning
{
    /// <summary>Characters of a fortune's opening given as the prompt, and of each sampled completion.</summary>
    internal const int PromptLength = 12, CompletionLength = 40;

    public static int Run(string[] args) =>
        TrainerCommandLine.Run<PreferenceTrainer, Gpt, LetterPreferences, GptConfig>(
            "TinyGpt-dpo", [.. Defaults(args, ("--output", Path.Combine("runs", "TinyGpt-dpo")), ("--learning-rate", "5e-5"), ("--beta", "0.3")), .. args],
            static (config, device) => new PreferenceTrainer(config, device), afterTraining: Report);

    /// <summary>A reward model on the same pairs, started from the language model's body with a fresh score head.</summary>
    public static int RunReward(string[] args) =>
        TrainerCommandLine.Run<RewardTrainer, RewardModel, LetterPreferences, GptConfig>(
            "TinyGpt-reward", [.. Defaults(args, ("--output", Path.Combine("runs", "TinyGpt-reward")), ("--learning-rate", "1e-3"), ("--fresh", "Score"), ("--epochs", "6")), .. args],
            static (config, device) => new RewardTrainer(config, device));

    /// <summary>The run's defaults and <paramref name="own"/>, each left out when the command line gives it.</summary>
    private static IEnumerable<string> Defaults(string[] args, params (string Flag, string Value)[] own)
    {
        (string Flag, string Value)[] defaults =
        [
            ("--init-from", Path.Combine(LetterPreferences.DefaultRun, "checkpoints", "best")),
            ("--epochs", "3"), ("--batch-size", "32"), ("--weight-decay", "0"), .. own,
        ];
        foreach (var (flag, value) in defaults.Reverse().DistinctBy(d => d.Flag))
        {
            if (args.Any(a => a == flag || a.StartsWith(flag + "=", StringComparison.Ordinal))) continue;
            // A resumed run keeps its own settings.
            if (args.Contains("--resume") && flag != "--output") continue;
            yield return flag;
            yield return value;
        }
    }

    /// <summary>
    /// <see cref="TokenSampling.Continue"/> over <paramref name="prompts"/> in batches of 200, which keeps the activations of
    /// a step small (sampling 1,200 at once took the process to 3.5 GB), with one generator drawing in order throughout.
    /// </summary>
    internal static long[][] Sample(nn.Module<Tensor, Tensor> model, IReadOnlyList<long[]> prompts, Generator generator, Device? device = null) =>
        prompts.Chunk(200).SelectMany(batch => TokenSampling.Continue(model, batch, CompletionLength, FortunesCorpus.Context, new Sampling(1.0), generator, device)).ToArray();

    /// <summary>The rule: the share of a completion's characters that are the letter 'e' (either case); lower is preferred.</summary>
    internal static double Score(string completion) => completion.Length == 0 ? 0 : completion.Count(c => c is 'e' or 'E') / (double)completion.Length;

    /// <summary>The openings of the fortunes in <paramref name="text"/>, <see cref="PromptLength"/> characters each.</summary>
    internal static List<string> Openings(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.TrimStart('\n'))
            .Where(f => f.Length >= PromptLength + CompletionLength && f.Take(PromptLength).All(c => c is >= ' ' and <= '~' or '\n'))
            .Select(f => f[..PromptLength]).ToList();

    private static void Report(PreferenceTrainer trainer, DataSplits data, TextWriter output) =>
        Compare(trainer.Model, trainer.Reference!, trainer.Config.Seed, trainer.Device, output);

    /// <summary>
    /// RLHF against the reward model of <c>reward</c>: RLOO from the TinyGpt run's best checkpoint with a KL penalty to it,
    /// then the same comparison as after DPO.
    /// </summary>
    public static int RunRlhf(string[] args) =>
        TrainerCommandLine.Run<RlhfTrainer, Gpt, FortuneOpenings, GptConfig>(
            "TinyGpt-rlhf",
            [.. Defaults(args, ("--output", Path.Combine("runs", "TinyGpt-rlhf")), ("--reward-from", Path.Combine("runs", "TinyGpt-reward", "model.dat")),
                ("--epochs", "4"), ("--batch-size", "16"), ("--learning-rate", "2e-5"), ("--completion-tokens", CompletionLength.ToString(CultureInfo.InvariantCulture)),
                ("--samples-per-prompt", "4"), ("--kl-coefficient", "0.05")), .. args],
            static (config, device) => new RlhfTrainer(config, device),
            afterTraining: static (trainer, _, output) => Compare(trainer.Model, trainer.Reference!, trainer.Config.Seed, trainer.Device, output));

    /// <summary>
    /// The tuned model against the starting one on openings of held-out fortunes: the rule's win rate, the share of 'e',
    /// the KL from the starting model, and both models' validation perplexity.
    /// </summary>
    private static void Compare(nn.Module<Tensor, Tensor> policy, nn.Module<Tensor, Tensor> reference, int seed, Device? device, TextWriter output)
    {
        string text = FortunesCorpus.ReadText();
        var heldOut = Openings(text[(text.Length * 9 / 10)..]).Take(200).ToList();
        var prompts = heldOut.Select(p => FortunesCorpus.Vocabulary.Encode(p)).ToList();
        // The same draws for both models: each samples with a generator of the same seed.
        long[][] Drawn(nn.Module<Tensor, Tensor> model)
        {
            using var generator = new Generator((ulong)seed + 1);
            return Sample(model, prompts, generator, device);
        }
        var tuned = Drawn(policy);
        var before = Drawn(reference);
        double wins = 0;
        for (int i = 0; i < prompts.Count; i++)
        {
            double a = Score(FortunesCorpus.Vocabulary.Decode(tuned[i])), b = Score(FortunesCorpus.Vocabulary.Decode(before[i]));
            wins += a < b ? 1 : a == b ? 0.5 : 0;
        }
        double kl = KlFromReference(policy, reference, prompts, tuned, device);
        output.WriteLine(FormattableString.Invariant($"on {prompts.Count} held-out openings, sampled at temperature 1 with the same draws:"));
        output.WriteLine(FormattableString.Invariant($"  share of 'e' in completions: {Mean(before):P2} before, {Mean(tuned):P2} after tuning"));
        output.WriteLine(FormattableString.Invariant($"  win rate of the tuned model against the starting one by the rule: {wins / prompts.Count:P1} (ties count half)"));
        output.WriteLine(FormattableString.Invariant($"  KL(tuned || starting) per completion: {kl:F3} nats"));
        output.WriteLine(FormattableString.Invariant($"  validation perplexity on the fortunes: {Perplexity(reference, device):F2} before, {Perplexity(policy, device):F2} after tuning"));
        output.WriteLine($"a tuned completion: \"{heldOut[0]}{FortunesCorpus.Vocabulary.Decode(tuned[0])}\"");
    }

    private static double Mean(long[][] completions) => completions.Average(c => Score(FortunesCorpus.Vocabulary.Decode(c)));

    /// <summary>A Monte Carlo estimate of KL(tuned || starting) over completions: the mean of log p_tuned(y) - log p_start(y) for y the tuned model drew.</summary>
    private static double KlFromReference(nn.Module<Tensor, Tensor> policy, nn.Module<Tensor, Tensor> reference, List<long[]> prompts, long[][] completions, Device? device)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rows = prompts.Zip(completions, (p, c) => p.Concat(c).ToArray()).ToArray();
        var tokens = tensor(rows.SelectMany(r => r).ToArray(), device: device).view(rows.Length, -1);
        var input = tokens.narrow(1, 0, tokens.size(1) - 1);
        var targets = tokens.narrow(1, 1, tokens.size(1) - 1);
        var mask = zeros_like(targets, dtype: float32);
        mask.narrow(1, PromptLength - 1, CompletionLength).fill_(1);
        bool wasTraining = policy.training;
        policy.eval();
        var tuned = PreferenceLosses.SequenceLogProbs(policy.call(input), targets, mask);
        var start = PreferenceLosses.SequenceLogProbs(reference.call(input), targets, mask);
        if (wasTraining) policy.train();
        return (tuned - start).mean().item<float>();
    }

    /// <summary>Perplexity per character on the fortunes' validation windows (the last tenth), as the TinyGpt run reports it.</summary>
    private static double Perplexity(nn.Module<Tensor, Tensor> model, Device? device)
    {
        device ??= CPU;
        var windows = FortunesCorpus.Splits(FortunesCorpus.ReadText()).Validation;
        bool wasTraining = model.training;
        model.eval();
        using var noGrad = no_grad();
        double sum = 0;
        long count = 0;
        foreach (var batch in windows.Batches(128, shuffle: false))
        {
            using var scope = NewDisposeScope();
            sum += Losses.CrossEntropy(model.call(batch.Input.to(device)), batch.Target.to(device), nn.Reduction.Sum).item<float>();
            count += batch.Target.numel();
        }
        if (wasTraining) model.train();
        return Math.Exp(sum / count);
    }
}

/// <summary>
/// Preference pairs judged by <see cref="PreferenceTuning.Score"/>: for each fortune opening of the training nine tenths,
/// two completions sampled from the TinyGpt run in <see cref="DataFolder"/> (its best checkpoint); the one with the lower
/// share of 'e' is chosen, and pairs the rule cannot tell apart are left out. A tenth of the pairs is held out.
/// </summary>
public sealed class LetterPreferences : IFileDataSource
{
    /// <summary>The run whose model is sampled, as the README's TinyGpt command leaves it.</summary>
    public static readonly string DefaultRun = Path.Combine("runs", "TinyGpt");

    /// <summary>The TinyGpt run folder to sample from (<c>--data</c>); <see cref="DefaultRun"/> by default.</summary>
    public string? DataFolder { get; set; }

    public DataSplits Load(int seed)
    {
        string run = DataFolder ?? DefaultRun;
        string weights = Path.Combine(run, "checkpoints", "best");
        if (!Directory.Exists(weights))
            throw new DirectoryNotFoundException($"{weights} does not exist: train TinyGpt first (dotnet run --project examples/TinyGpt -c Release), or name its run folder with --data.");
        var config = GptConfig.Load(Path.Combine(run, "config.json"));
        using var model = Gpt.Create(config);
        model.LoadWeights(weights);
        string text = FortunesCorpus.ReadText();
        var openings = PreferenceTuning.Openings(text[..(text.Length * 9 / 10)]).Take(600).ToList();
        var prompts = openings.Select(o => FortunesCorpus.Vocabulary.Encode(o)).ToList();
        using var generator = new Generator((ulong)seed);
        // Two draws per opening: the first and second half of one batch.
        var drawn = PreferenceTuning.Sample(model, [.. prompts, .. prompts], generator);
        var records = new List<PreferenceRecord>();
        for (int i = 0; i < prompts.Count; i++)
        {
            long[] a = drawn[i], b = drawn[prompts.Count + i];
            double scoreA = PreferenceTuning.Score(FortunesCorpus.Vocabulary.Decode(a)), scoreB = PreferenceTuning.Score(FortunesCorpus.Vocabulary.Decode(b));
            if (scoreA == scoreB) continue;
            var (chosen, rejected) = scoreA < scoreB ? (a, b) : (b, a);
            records.Add(new PreferenceRecord(prompts[i].Select(t => (int)t).ToArray(), chosen.Select(t => (int)t).ToArray(), rejected.Select(t => (int)t).ToArray()));
        }
        using var all = PreferencePairs.Create(records, FortunesCorpus.Context, $"pairs sampled from {weights}");
        var (train, validation) = all.Split(0.1, seed);
        return new DataSplits(train, validation);
    }
}

/// <summary>
/// Prompts for RLHF: the openings of the first 320 fortunes of the training nine tenths (each epoch's 20 updates of 16),
/// and of the next 32, held out for each epoch's evaluation. The last tenth stays for the comparison afterwards.
/// </summary>
public sealed class FortuneOpenings : IDataSource
{
    public DataSplits Load(int seed)
    {
        string text = FortunesCorpus.ReadText();
        var openings = PreferenceTuning.Openings(text[..(text.Length * 9 / 10)]).Select(o => FortunesCorpus.Vocabulary.Encode(o).Select(t => (int)t).ToArray()).ToList();
        return new DataSplits(Prompts.Create(openings.Take(320).ToList(), "fortune openings"), Prompts.Create(openings.Skip(320).Take(32).ToList(), "held-out fortune openings"));
    }
}
