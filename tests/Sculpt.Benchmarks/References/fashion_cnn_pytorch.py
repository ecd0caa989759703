"""The Fashion-MNIST CNN example trained end to end the way PyTorch users write it, for the memory comparison.

    python3 fashion_cnn_pytorch.py [--epochs N] [--folder DIR] [--threads N]

Reads Debian's dataset-fashion-mnist IDX files, holds the images as float32 scaled to [0, 1] and standardised
with the training split's mean and deviation (as the Sculpt example's [IdxDataset] does), holds out 5,000 of the
60,000 training images for validation, trains the example's CNN (two 3x3 convolutions with ReLU and 2x2 max
pooling, FC 128 with dropout 0.3, 10 classes) with AdamW (lr 1e-3, weight decay 0.01) in batches of 128, evaluates
validation and test, and prints one line: "peak_rss_mib steady_rss_mib seconds test_accuracy".
"""
import argparse
import gzip
import resource
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return torch.frombuffer(bytearray(data[4 + 4 * rank:]), dtype=torch.uint8).reshape(dims)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.hidden = nn.Linear(7 * 7 * 64, 128)
        self.drop = nn.Dropout(0.3)
        self.classify = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.classify(self.drop(F.relu(self.hidden(x.flatten(1)))))


def resident_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def evaluate(model, images, labels):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(images), 1024):
            correct += (model(images[start:start + 1024]).argmax(1) == labels[start:start + 1024]).sum().item()
    model.train()
    return correct / len(images)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--folder", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    started = time.time()
    images = read_idx(f"{args.folder}/train-images-idx3-ubyte.gz").unsqueeze(1).float().div_(255)
    labels = read_idx(f"{args.folder}/train-labels-idx1-ubyte.gz").long()
    test_images = read_idx(f"{args.folder}/t10k-images-idx3-ubyte.gz").unsqueeze(1).float().div_(255)
    test_labels = read_idx(f"{args.folder}/t10k-labels-idx1-ubyte.gz").long()
    order = torch.randperm(len(images))
    train_images, validation_images = images[order[5000:]], images[order[:5000]]
    train_labels, validation_labels = labels[order[5000:]], labels[order[:5000]]
    del images, labels
    mean, std = train_images.mean(), train_images.std()
    for part in (train_images, validation_images, test_images):
        part.sub_(mean).div_(std)
    model = Cnn()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    for _ in range(args.epochs):
        for batch in torch.randperm(len(train_images)).split(128):
            optimizer.zero_grad()
            F.cross_entropy(model(train_images[batch]), train_labels[batch]).backward()
            optimizer.step()
        evaluate(model, validation_images, validation_labels)
    accuracy = evaluate(model, test_images, test_labels)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{peak:.1f} {resident_mib():.1f} {time.time() - started:.1f} {accuracy:.4f}")


if __name__ == "__main__":
    main()
