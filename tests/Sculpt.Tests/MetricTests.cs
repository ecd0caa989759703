using System.Collections.Generic;
using System.Linq;
using Sculpt.Metrics;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public class MetricTests
{
    [Fact]
    public void Accuracy_and_top_k_count_hits_by_hand()
    {
        using var scores = tensor(new float[,] { { 0.1f, 0.7f, 0.2f }, { 0.5f, 0.3f, 0.2f }, { 0.2f, 0.3f, 0.5f }, { 0.4f, 0.35f, 0.25f } });
        using var targets = tensor(new long[] { 1, 1, 2, 2 });
        Assert.Equal(0.5, Classification.Accuracy(scores, targets));
        // Top-2: row 1 (0.5, 0.3) holds class 1; row 4 (0.4, 0.35) does not hold class 2.
        Assert.Equal(0.75, Classification.TopKAccuracy(scores, targets, 2));
        Assert.Equal(1.0, Classification.TopKAccuracy(scores, targets, 3));
    }

    [Fact]
    public void Precision_recall_and_f1_match_scikit_learns_documented_example()
    {
        // scikit-learn's f1_score docs: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1];
        // macro precision 0.222..., macro recall 0.333..., macro F1 0.2666...
        using var actual = tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        using var predicted = tensor(new long[] { 0, 2, 1, 0, 0, 1 });
        var confusion = Classification.ConfusionMatrix(predicted, actual, 3);
        Assert.Equal(new long[,] { { 2, 0, 0 }, { 1, 0, 1 }, { 0, 2, 0 } }, confusion);
        var report = ClassificationReport.From(confusion);
        Assert.Equal(2.0 / 9, report.MacroPrecision, 12);
        Assert.Equal(1.0 / 3, report.MacroRecall, 12);
        Assert.Equal(0.26666666666666666, report.MacroF1, 12);
        Assert.Equal(0.8, report.Classes[0].F1, 12);
        Assert.Equal(2, report.Classes[2].Support);
        Assert.Equal(1.0 / 3, report.Accuracy, 12);
    }

    [Fact]
    public void Regression_metrics_match_scikit_learns_documented_example()
    {
        // scikit-learn's docs: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8].
        using var actual = tensor(new float[] { 3, -0.5f, 2, 7 });
        using var predicted = tensor(new float[] { 2.5f, 0, 2, 8 });
        Assert.Equal(0.375, Regression.MeanSquaredError(predicted, actual), 12);
        Assert.Equal(0.5, Regression.MeanAbsoluteError(predicted, actual), 12);
        Assert.Equal(0.9486081370449679, Regression.RSquared(predicted, actual), 12);
        Assert.Equal(System.Math.E, LanguageModeling.Perplexity(1), 12);
    }

    [Fact]
    public void Bleu_matches_nltks_documented_scores()
    {
        // NLTK's corpus_bleu and sentence_bleu docs: 0.5920778868801042 and 0.5045666840058485.
        var hyp1 = Words("It is a guide to action which ensures that the military always obeys the commands of the party");
        var ref1a = Words("It is a guide to action that ensures that the military will forever heed Party commands");
        var ref1b = Words("It is the guiding principle which guarantees the military forces always being under the command of the Party");
        var ref1c = Words("It is the practical guide for the army always to heed the directions of the party");
        var hyp2 = Words("he read the book because he was interested in world history");
        var ref2a = Words("he was interested in world history because he read the book");
        Assert.Equal(0.5920778868801042, Bleu.Corpus([[ref1a, ref1b, ref1c], [ref2a]], [hyp1, hyp2]), 12);
        Assert.Equal(0.5045666840058485, Bleu.Sentence([ref1a, ref1b, ref1c], hyp1), 12);
        // A perfect match scores 1; no shared 4-gram scores 0.
        Assert.Equal(1.0, Bleu.Sentence([ref2a], ref2a), 12);
        Assert.Equal(0.0, Bleu.Sentence([ref2a], Words("history world in interested")));
    }

    private static IReadOnlyList<string> Words(string text) => text.Split(' ');
}
