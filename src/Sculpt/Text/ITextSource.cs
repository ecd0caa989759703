using Sculpt.Data;

namespace Sculpt.Text;

/// <summary>
/// A data source of token windows for a causal language model, so that a prompt can be tokenized as its
/// text was: what <c>predict --prompt</c> needs. Generated for <c>[TextDataset]</c>; a hand-written source
/// implements it the same way.
/// </summary>
public interface ITextSource : IDataSource
{
    /// <summary>The tokenizer its text was cut with.</summary>
    TextTokenizer Tokenizer { get; }

    /// <summary>Tokens per training window: the most the model is shown at once when it generates.</summary>
    int Context { get; }
}
