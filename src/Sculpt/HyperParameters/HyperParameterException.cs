using System;

namespace Sculpt.HyperParameters;

/// <summary>A hyperparameter could not be read or is out of range; the message names the flag or file.</summary>
public sealed class HyperParameterException(string message, Exception? inner = null) : Exception(message, inner);
