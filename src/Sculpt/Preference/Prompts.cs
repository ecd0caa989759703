using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Data;
using static TorchSharp.torch;

namespace Sculpt.Preference;

/// <summary>
/// Prompts as a <see cref="TensorDataset"/> a <c>Loss.Rloo</c> trainer continues: features <c>[N, P]</c> of tokens (one
/// length, since a batch of rollouts is sampled together), targets unused (zeros <c>[N]</c>).
/// </summary>
public static class Prompts
{
    /// <summary>The dataset of <paramref name="prompts"/>.</summary>
    /// <exception cref="InvalidDataException">There are none, one is empty, or they differ in length; the message names the prompt in <paramref name="source"/>.</exception>
    public static TensorDataset Create(IReadOnlyList<int[]> prompts, string source = "prompts")
    {
        if (prompts.Count == 0) throw new InvalidDataException($"{source} holds no prompts.");
        int length = prompts[0].Length;
        if (length == 0) throw new InvalidDataException($"{source}, prompt 1: empty; the model needs at least one token to continue.");
        for (int i = 1; i < prompts.Count; i++)
        {
            if (prompts[i].Length != length)
                throw new InvalidDataException($"{source}, prompt {i + 1}: {prompts[i].Length} tokens, but prompt 1 has {length}; rollouts are sampled a batch at a time, so prompts are of one length (cut or pad them).");
        }
        var tokens = tensor(prompts.SelectMany(p => p.Select(t => (long)t)).ToArray()).view(prompts.Count, length);
        return new TensorDataset(tokens, zeros(prompts.Count));
    }
}
