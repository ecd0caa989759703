#!/usr/bin/python3
"""Weights moving between PyTorch and Sculpt, checked with real PyTorch (Debian's python3-torch).

    /usr/bin/python3 tests/Sculpt.Tests/References/pytorch_interop.py make FOLDER
        trains nothing: builds TunedNet's PyTorch twin with seeded weights and batch-norm statistics, and writes its
        state dict as FOLDER/tuned.pt (torch.save) and FOLDER/tuned.safetensors, and its eval-mode outputs on fixed
        inputs as FOLDER/tuned.json. FineTuningTests loads both files into the Sculpt declaration and compares.

    /usr/bin/python3 tests/Sculpt.Tests/References/pytorch_interop.py check WEIGHTS INPUTS_AND_OUTPUTS.json
        loads a safetensors file Sculpt wrote into the twin and prints the largest difference between the twin's
        outputs and those Sculpt recorded in the JSON file.

The twin names its components as the Sculpt model does (Body, Norm, Head), so the state dicts match name for name.
"""
import json
import struct
import sys

import torch


class TunedNet(torch.nn.Module):
    def __init__(self, classes=3):
        super().__init__()
        self.Body = torch.nn.Linear(12, 16)
        self.Norm = torch.nn.BatchNorm1d(16)
        self.Head = torch.nn.Linear(16, classes)

    def forward(self, x):
        return self.Head(torch.relu(self.Norm(self.Body(torch.flatten(x, 1)))))


def inputs():
    # A closed formula, so both sides build the same float32 inputs without sharing a generator.
    values = [((i * 37) % 101) / 50.0 - 1.0 for i in range(5 * 12)]
    return torch.tensor(values, dtype=torch.float64).to(torch.float32).reshape(5, 3, 2, 2)


def write_safetensors(path, tensors):
    header = {}
    offset = 0
    blobs = []
    for name, tensor in tensors.items():
        tensor = tensor.detach().contiguous().cpu()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[tensor.dtype]
        blob = tensor.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    result = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[entry["dtype"]]
        result[name] = torch.frombuffer(bytearray(data[start:end]), dtype=dtype).reshape(entry["shape"])
    return result


def make(folder):
    torch.manual_seed(7)
    model = TunedNet()
    with torch.no_grad():
        model.Norm.weight.uniform_(0.5, 1.5)
        model.Norm.bias.uniform_(-0.2, 0.2)
        model.Norm.running_mean.uniform_(-0.5, 0.5)
        model.Norm.running_var.uniform_(0.5, 2.0)
    model.eval()
    with torch.no_grad():
        outputs = model(inputs())
    torch.save(model.state_dict(), f"{folder}/tuned.pt")
    write_safetensors(f"{folder}/tuned.safetensors", model.state_dict())
    with open(f"{folder}/tuned.json", "w") as f:
        json.dump({"outputs": outputs.reshape(-1).tolist(), "shape": list(outputs.shape), "torch": torch.__version__}, f)


def check(weights, recorded):
    with open(recorded) as f:
        expected = json.load(f)
    model = TunedNet(expected["shape"][1])
    state = read_safetensors(weights)
    # PyTorch counts batch-norm steps; a file without the counter leaves it as it is.
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not name.endswith("num_batches_tracked") for name in missing):
        raise SystemExit(f"the file does not fit the twin: missing {missing}, unexpected {unexpected}")
    model.eval()
    with torch.no_grad():
        outputs = model(inputs()).reshape(-1)
    difference = (outputs - torch.tensor(expected["outputs"])).abs().max().item()
    print(json.dumps({"max_difference": difference}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
