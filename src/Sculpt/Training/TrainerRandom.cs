using System;
using TorchSharp;

namespace Sculpt.Training;

/// <summary>
/// A trainer's own random stream, so that training changes no process-wide state. TorchSharp
/// 0.107's layer initialisation (<c>kaiming_uniform_</c>, <c>xavier_*</c>, the layers' own reset)
/// and dropout draw from libtorch's global CPU generator and take no generator argument, so the
/// trainer keeps its generator's state here and swaps it into the global generator only while its
/// own code draws (building the model, a training forward pass), then puts the caller's state back.
/// Starts from the state <c>torch.manual_seed(seed)</c> would give, so runs are unchanged by it.
/// Not thread-safe, as the global generator it borrows is not: nothing else may draw from it
/// while a trainer's step runs on another thread.
/// </summary>
internal sealed class TrainerRandom : IDisposable
{
    private torch.Tensor _state;
    private int _depth;

    public TrainerRandom(long seed)
    {
        using var generator = new torch.Generator(unchecked((ulong)seed));
        _state = generator.get_state().DetachFromDisposeScope();
    }

    /// <summary>The generator's state, as a checkpoint stores it.</summary>
    public byte[] State => _state.data<byte>().ToArray();

    /// <summary>Continues from a state <see cref="State"/> gave.</summary>
    public void Restore(byte[] state)
    {
        var next = torch.tensor(state).DetachFromDisposeScope();
        _state.Dispose();
        _state = next;
    }

    /// <summary>Starts the stream afresh from <paramref name="seed"/>, as the constructor does.</summary>
    public void Reseed(long seed)
    {
        using var generator = new torch.Generator(unchecked((ulong)seed));
        var next = generator.get_state().DetachFromDisposeScope();
        _state.Dispose();
        _state = next;
    }

    /// <summary>Makes this stream libtorch's global CPU generator until the lease is disposed.</summary>
    public Lease Use()
    {
        if (_depth++ > 0) return new Lease(this, null);
        var saved = torch.get_rng_state().DetachFromDisposeScope();
        torch.set_rng_state(_state);
        return new Lease(this, saved);
    }

    private void Return(torch.Tensor? saved)
    {
        _depth--;
        if (saved is null) return;
        var advanced = torch.get_rng_state().DetachFromDisposeScope();
        _state.Dispose();
        _state = advanced;
        torch.set_rng_state(saved);
        saved.Dispose();
    }

    public void Dispose() => _state.Dispose();

    public readonly struct Lease(TrainerRandom owner, torch.Tensor? saved) : IDisposable
    {
        public void Dispose() => owner.Return(saved);
    }
}
