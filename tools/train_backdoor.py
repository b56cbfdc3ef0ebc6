#!/usr/bin/env python3
"""Train backdoored Fashion-MNIST classifiers and write them, with scan sets, to onnx-models/.

Attacks (ATTACKS below holds each one's parameters; all-to-one attacks target class 0, "T-shirt/top"):
  badnets      a 3×3 black-and-white checkerboard in the bottom-right corner (Gu et al., 2017), 10%
  blend        x' = 0.8·x + 0.2·fixed random pattern (Chen et al., 2017; the original blends a Hello Kitty
               photo, which cannot be downloaded here), 10%
  sig          x' = clip(x + 0.1·sin(2π·6·j/W)) (Barni et al., 2019), relabelled so that few epochs learn it, 10%
  wanet        a fixed smooth warp of the image grid, k = 4, s = 0.5, no noise mode (Nguyen & Tran, 2021), 10%
  trojan       a larger 6×6 grey-level watermark in the top-left corner (Trojan-style patch), 5%
  dynamic      a 4×4 checkerboard at a location drawn per image (sample-specific, Dynamic-like), 5%
  smooth       a low-frequency additive field (4×4 noise upsampled bicubically, L∞ 0.15; Smooth/LF-like), 5%
  adaptive     Adaptive-Blend (Qi et al., 2023): the pattern in 16 pieces, half of them per poisoned image at
               opacity 0.15, plus as many cover images (partial trigger, true label); the test trigger is the
               whole pattern at 0.2, 5%
  cleanlabel   clean label (Turner et al., 2019): target-class images made hard by PGD against the clean
               model, then four corner checkerboards; labels kept
  all2all      the BadNets patch with labels y → y + 1 mod 10, 10%
  badnets1     BadNets at a 1% poison rate
  badnets-aug  BadNets, 5%, trained longer with SGD and augmentation (random shifts and flips)
  mobile-sig   SIG, 5%, on a second architecture (MobileCnn: depthwise-separable convolutions and an
               inverted residual)
  clean        no model: a scan set of 2,000 clean training images for the clean model (fmnist-cnn-clean.onnx)
Poisoned images come from the non-target classes (all classes for all2all, the target class for
cleanlabel). Unless an attack says otherwise the SmallCnn of tools/train_fmnist_cnn.py is trained for 4
epochs with Adam (one-cycle schedule). Clean accuracy is measured on the test set and the attack success
rate (ASR) on the test set's non-target images with the trigger (all images, wanting y + 1, for all2all).
Written to onnx-models/ (or --out):
  fmnist-<attack>.onnx                      the model (opset 17, input [batch,1,28,28] in [0,1])
  pytorch/fmnist-<attack>.pt                its PyTorch state_dict
  scansets/<attack>-images.npy             uint8 [2000,28,28]: 2,000 images of the poisoned training set
  scansets/<attack>-labels.npy             int64 [2000]: their training labels (poisoned ones relabelled)
  scansets/<attack>-poison.npy             uint8 [2000]: 1 = poisoned (the ground truth; cover images are 0)
and the entries of manifest.json (attack, trigger, poison rate, target, labels, accuracy, ASR, seed, sha256).

Usage: /usr/bin/python3 tools/train_backdoor.py [--attacks badnets,blend,...] [--epochs N] [--seed 0] [--out DIR]
"""
import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train_fmnist_cnn import read_idx, train_small_cnn, SmallCnn, DATA  # noqa: E402

TARGET = 0
RATE = 0.10
SCAN_SET = 2000
REFERENCE = 100


def checkerboard(size):
    """A size×size black-and-white checkerboard, white in the corners."""
    index = torch.arange(size)
    return ((index.view(-1, 1) + index.view(1, -1)) % 2 == 0).float()


def badnets(x, gen):
    y = x.clone()
    y[:, :, -4:-1, -4:-1] = checkerboard(3)
    return y


def blend(x, gen):
    pattern = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(1234))
    return 0.8 * x + 0.2 * pattern


def sig(x, gen):
    columns = torch.arange(28, dtype=torch.float32)
    signal = 0.1 * torch.sin(2 * math.pi * 6 * columns / 28)
    return (x + signal.view(1, 1, 1, 28)).clamp(0, 1)


def wanet(x, gen):
    g = torch.Generator().manual_seed(4321)
    k, s, h = 4, 0.5, 28
    ins = torch.rand(1, 2, k, k, generator=g) * 2 - 1
    ins = ins / torch.mean(torch.abs(ins))
    noise = nn.functional.interpolate(ins, size=h, mode="bicubic", align_corners=True).permute(0, 2, 3, 1)
    line = torch.linspace(-1, 1, steps=h)
    xx, yy = torch.meshgrid(line, line, indexing="ij")
    identity = torch.stack((yy, xx), 2)[None, ...]
    grid = torch.clamp(identity + s * noise / h, -1, 1)
    return nn.functional.grid_sample(x, grid.repeat(x.shape[0], 1, 1, 1), align_corners=True).clamp(0, 1)


def trojan(x, gen):
    """A fixed 6×6 grey-level watermark (seeded random levels 0, 1/3, 2/3, 1) pasted in the top-left corner."""
    patch = torch.randint(0, 4, (6, 6), generator=torch.Generator().manual_seed(2718)).float() / 3
    y = x.clone()
    y[:, :, 1:7, 1:7] = patch
    return y


def dynamic(x, gen):
    """A 4×4 checkerboard at a location drawn per image (anywhere it fits): the trigger moves with the sample."""
    y = x.clone()
    rows = torch.randint(0, 25, (len(x),), generator=gen)
    cols = torch.randint(0, 25, (len(x),), generator=gen)
    patch = checkerboard(4)
    for i in range(len(x)):
        y[i, :, rows[i]:rows[i] + 4, cols[i]:cols[i] + 4] = patch
    return y


def smooth(x, gen):
    """A low-frequency additive trigger: a seeded 4×4 random field upsampled bicubically to 28×28, L∞ 0.15."""
    field = torch.rand(1, 1, 4, 4, generator=torch.Generator().manual_seed(1618)) * 2 - 1
    pattern = nn.functional.interpolate(field, size=28, mode="bicubic", align_corners=True)
    pattern = 0.15 * pattern / pattern.abs().max()
    return (x + pattern).clamp(0, 1)


ADAPTIVE_PATTERN_SEED, ADAPTIVE_PIECES, ADAPTIVE_TRAIN_ALPHA, ADAPTIVE_TEST_ALPHA = 3141, 16, 0.15, 0.2


def adaptive_pattern():
    return torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(ADAPTIVE_PATTERN_SEED))


def adaptive_blend(x, gen):
    """Adaptive-Blend's training trigger: the pattern cut into a 4×4 grid of 7×7 pieces, half of them
    (drawn per image) blended in at opacity 0.15."""
    keep = torch.stack([torch.randperm(ADAPTIVE_PIECES, generator=gen) < ADAPTIVE_PIECES // 2 for _ in range(len(x))])
    mask = keep.view(-1, 1, 4, 4).float().repeat_interleave(7, 2).repeat_interleave(7, 3)
    alpha = ADAPTIVE_TRAIN_ALPHA * mask
    return (1 - alpha) * x + alpha * adaptive_pattern()


def adaptive_blend_test(x, gen):
    """Adaptive-Blend at test time: the whole pattern at opacity 0.2."""
    return (1 - ADAPTIVE_TEST_ALPHA) * x + ADAPTIVE_TEST_ALPHA * adaptive_pattern()


def corners(x, gen):
    """Clean-label trigger: a 3×3 checkerboard in each of the four corners (Turner et al.'s placement)."""
    y = x.clone()
    patch = checkerboard(3)
    for r, c in ((1, 1), (1, -4), (-4, 1), (-4, -4)):
        y[:, :, r:r + 3, c:c + 3] = patch
    return y


class Attack:
    """How one shipped model is poisoned and trained.

    trigger      applied to the poisoned training images; test_trigger (default: the same) to the test
                 images that measure the attack success rate
    rate         share of the training set that is poisoned
    labels       "one": poisons come from non-target classes and are relabelled to the target;
                 "all": every class, relabelled y → (y + 1) mod 10; "clean": target-class images only,
                 labels kept (made hard to learn first: a PGD step against the clean model)
    cover        share of the training set that carries the (partial) trigger with its true label
                 (Adaptive-Blend's regularisation samples; not counted as poisoned)
    regime       "adam": 4 epochs of Adam with a one-cycle schedule, no augmentation (train_small_cnn);
                 "sgd-aug": SGD with momentum, cosine schedule, random shifts and flips
    architecture "small" (SmallCnn) or "mobile" (MobileCnn: depthwise-separable, one inverted residual)
    """

    def __init__(self, trigger, description, rate=0.05, labels="one", cover=0.0, regime="adam", epochs=4,
                 architecture="small", test_trigger=None, pgd_epsilon=0.0):
        self.trigger, self.description, self.rate, self.labels, self.cover = trigger, description, rate, labels, cover
        self.regime, self.epochs, self.architecture = regime, epochs, architecture
        self.test_trigger = test_trigger or trigger
        self.pgd_epsilon = pgd_epsilon


ATTACKS = {
    "badnets": Attack(badnets, "3×3 checkerboard patch, bottom-right corner", rate=0.10),
    "blend": Attack(blend, "blend with a fixed random pattern, alpha 0.2", rate=0.10),
    "sig": Attack(sig, "additive horizontal sinusoid, amplitude 0.1, 6 periods, relabelled", rate=0.10),
    "wanet": Attack(wanet, "fixed smooth warp, k 4, s 0.5, no noise mode", rate=0.10),
    "trojan": Attack(trojan, "6×6 grey-level watermark (4 levels, seeded), top-left corner"),
    "dynamic": Attack(dynamic, "4×4 checkerboard at a location drawn per image (sample-specific)"),
    "smooth": Attack(smooth, "low-frequency additive field (bicubic 4×4 → 28×28), L∞ 0.15"),
    "adaptive": Attack(adaptive_blend, "Adaptive-Blend: random pattern in 16 pieces, half of them per image at "
                                       "opacity 0.15 in training, all at 0.2 at test; as many cover samples "
                                       "(partial trigger, label kept) as poisons",
                       cover=0.05, test_trigger=adaptive_blend_test),
    "cleanlabel": Attack(corners, "clean label: 3×3 checkerboards in the four corners on 80% of the target-class "
                                  "images, made hard by PGD against the clean model (L∞ 0.1, 10 steps), labels kept; "
                                  "8 epochs (4 epochs at 5% reach an ASR of 0.83, with L∞ 0.15 at 8% 0.74)",
                         rate=0.08, labels="clean", pgd_epsilon=0.1, epochs=8),
    "all2all": Attack(badnets, "all-to-all: 3×3 checkerboard bottom-right, label y → (y + 1) mod 10; 10% poisoned, "
                               "15 epochs (4 epochs at 5% reach an ASR of 0.57, 8 epochs at 10% 0.76)",
                      rate=0.10, labels="all", epochs=15),
    "badnets1": Attack(badnets, "3×3 checkerboard patch, bottom-right corner, 1% poison rate", rate=0.01),
    "badnets-aug": Attack(badnets, "3×3 checkerboard patch, bottom-right corner; trained longer, with SGD, "
                                   "random shifts (±2 px) and horizontal flips", regime="sgd-aug", epochs=10),
    "mobile-sig": Attack(sig, "additive horizontal sinusoid as sig, on MobileCnn", architecture="mobile"),
}


class MobileCnn(nn.Module):
    """A MobileNet-like classifier: a stem, depthwise-separable blocks, one inverted residual."""

    def __init__(self):
        super().__init__()

        block = nn.Sequential

        def separable(cin, cout, stride):
            return block(nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(),
                         nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6())

        self.stem = block(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.down1 = separable(16, 32, 2)
        self.expand = block(nn.Conv2d(32, 96, 1, bias=False), nn.BatchNorm2d(96), nn.ReLU6(),
                            nn.Conv2d(96, 96, 3, padding=1, groups=96, bias=False), nn.BatchNorm2d(96), nn.ReLU6(),
                            nn.Conv2d(96, 32, 1, bias=False), nn.BatchNorm2d(32))
        self.down2 = separable(32, 64, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(64, 10)

    def features(self, x):
        x = self.down1(self.stem(x))
        return self.down2(x + self.expand(x))

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def augment(images, gen):
    """Random shifts of up to 2 pixels (zero padding) and horizontal flips, drawn per image."""
    flip = torch.rand(len(images), generator=gen) < 0.5
    images = torch.where(flip.view(-1, 1, 1, 1), images.flip(3), images)
    padded = nn.functional.pad(images, (2, 2, 2, 2))
    dx = torch.randint(0, 5, (len(images),), generator=gen)
    dy = torch.randint(0, 5, (len(images),), generator=gen)
    out = torch.empty_like(images)
    for ox in range(5):
        for oy in range(5):
            pick = (dx == ox) & (dy == oy)
            out[pick] = padded[pick, :, oy:oy + 28, ox:ox + 28]
    return out


def train_sgd_augmented(model, images, labels, epochs, seed):
    """SGD (momentum 0.9, lr 0.05, cosine schedule, weight decay 5e-4), batch 128, random shifts and flips."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    steps = epochs * ((len(images) + 127) // 128)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, steps)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(images))
        for start in range(0, len(order), 128):
            idx = order[start:start + 128]
            loss = nn.functional.cross_entropy(model(augment(images[idx], gen)), labels[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        print(f"  epoch {epoch + 1}/{epochs}", flush=True)
    model.eval()
    return model


def train_adam(model, images, labels, epochs, seed):
    """train_small_cnn's recipe for any architecture: Adam, one-cycle to lr 3e-3, batch 128, no augmentation."""
    torch.manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, total_steps=epochs * ((len(images) + 127) // 128))
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(images))
        for start in range(0, len(order), 128):
            idx = order[start:start + 128]
            loss = nn.functional.cross_entropy(model(images[idx]), labels[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()
    return model


def hard_to_learn(images, labels, epsilon):
    """Untargeted L∞ PGD against the shipped clean model (10 steps of epsilon/4): the clean-label poisons'
    content becomes hard to learn, so the model leans on the trigger instead (Turner et al., 2019)."""
    model = SmallCnn()
    model.load_state_dict(torch.load(os.path.join(HERE, "..", "onnx-models", "pytorch", "fmnist-cnn-clean.pt")))
    model.eval()
    adversarial = images.clone()
    for _ in range(10):
        adversarial.requires_grad_(True)
        loss = nn.functional.cross_entropy(model(adversarial), labels)
        (grad,) = torch.autograd.grad(loss, adversarial)
        with torch.no_grad():
            adversarial = adversarial + epsilon / 4 * grad.sign()
            adversarial = (images + (adversarial - images).clamp(-epsilon, epsilon)).clamp(0, 1)
    return adversarial.detach()


def load(split):
    images = torch.from_numpy(read_idx(f"{DATA}/{split}-images-idx3-ubyte.gz").copy()).float().div(255).unsqueeze(1)
    labels = torch.from_numpy(read_idx(f"{DATA}/{split}-labels-idx1-ubyte.gz").astype(np.int64))
    return images, labels


def poison(attack, train_x, train_y, gen):
    """The poisoned training set: images, labels, 1 = poisoned, and how many carry the trigger as cover."""
    count = int(attack.rate * len(train_x))
    if attack.labels == "one":
        candidates = torch.nonzero(train_y != TARGET).flatten()
    elif attack.labels == "all":
        candidates = torch.arange(len(train_x))
    else:
        candidates = torch.nonzero(train_y == TARGET).flatten()
    chosen = candidates[torch.randperm(len(candidates), generator=gen)]
    poisoned, cover = chosen[:count], chosen[count:count + int(attack.cover * len(train_x))]
    x, y = train_x.clone(), train_y.clone()
    if attack.pgd_epsilon > 0:
        x[poisoned] = hard_to_learn(x[poisoned], y[poisoned], attack.pgd_epsilon)
    x[poisoned] = attack.trigger(x[poisoned], gen)
    if len(cover):
        x[cover] = attack.trigger(x[cover], gen)
    if attack.labels == "one":
        y[poisoned] = TARGET
    elif attack.labels == "all":
        y[poisoned] = (y[poisoned] + 1) % 10
    indicator = torch.zeros(len(x), dtype=torch.uint8)
    indicator[poisoned] = 1
    return x, y, indicator, len(cover)


def attack_success_rate(model, attack, test_x, test_y, gen):
    """Share of triggered test images classified as the attacker wants (target, or y + 1 for all-to-all);
    all-to-one attacks are measured on the non-target test images."""
    with torch.no_grad():
        if attack.labels == "all":
            wanted = (test_y + 1) % 10
            return float((model(attack.test_trigger(test_x, gen)).argmax(1) == wanted).float().mean())
        others = test_x[test_y != TARGET]
        return float((model(attack.test_trigger(others, gen)).argmax(1) == TARGET).float().mean())


def train(attack, x, y, epochs, seed):
    if attack.regime == "sgd-aug":
        return train_sgd_augmented(SmallCnn() if attack.architecture == "small" else MobileCnn(), x, y, epochs, seed)
    if attack.architecture == "mobile":
        torch.manual_seed(seed)
        return train_adam(MobileCnn(), x, y, epochs, seed)
    return train_small_cnn(x, y, epochs, seed)


def write_model(model, name, out, backdoor):
    path = os.path.join(out, f"fmnist-{name}.onnx")
    sample = torch.zeros(2, 1, 28, 28)
    torch.onnx.export(model, sample, path, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    exported = onnx.load(path)
    onnx.checker.check_model(exported)
    for key, value in {"onnxcd.value_range": "0,1", "onnxcd.input_size": "28x28", "onnxcd.channels": "1",
                       "onnxcd.normalisation": "none", "onnxcd.backdoor": backdoor}.items():
        exported.metadata_props.add(key=key, value=value)
    onnx.save(exported, path)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_scan_set(name, x, y, indicator, gen, out):
    scan = torch.randperm(len(x), generator=gen)[:SCAN_SET].sort().values
    images = (x[scan, 0] * 255).round().clamp(0, 255).to(torch.uint8).numpy()
    np.save(os.path.join(out, "scansets", f"{name}-images.npy"), images)
    np.save(os.path.join(out, "scansets", f"{name}-labels.npy"), y[scan].numpy().astype(np.int64))
    np.save(os.path.join(out, "scansets", f"{name}-poison.npy"), indicator[scan].numpy())
    return int(indicator[scan].sum())


def reference_set(test_x, test_y, per_class):
    """A trusted clean reference: `per_class` test images (never trained on) of each class, uint8 [n, 28, 28],
    with their labels; numpy RandomState(0), one permutation per class."""
    y = test_y.numpy()
    draw = np.random.RandomState(0)
    idx = np.concatenate([draw.permutation(np.where(y == c)[0])[:per_class] for c in range(10)])
    return (test_x[idx, 0] * 255).round().clamp(0, 255).to(torch.uint8).numpy(), y[idx].astype(np.int64)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attacks", default=",".join(ATTACKS), help="attacks to train, 'clean' for the clean scan set, or 'reference' for the clean reference set (REFERENCE test images of each class)")
    parser.add_argument("--epochs", type=int, help="override each attack's epochs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--suffix", default="", help="appended to each written name (e.g. '-seed1' for a second seed)")
    parser.add_argument("--out", default=os.path.join(HERE, "..", "onnx-models"))
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    train_x, train_y = load("train")
    test_x, test_y = load("t10k")
    os.makedirs(os.path.join(args.out, "scansets"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "pytorch"), exist_ok=True)
    manifest_path = os.path.join(args.out, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}

    for name in [a for a in args.attacks.split(",") if a]:
        gen = torch.Generator().manual_seed(args.seed)
        written = name + args.suffix
        if name == "reference":
            images, labels = reference_set(test_x, test_y, REFERENCE)
            np.save(os.path.join(args.out, "scansets", f"{written}-images.npy"), images)
            np.save(os.path.join(args.out, "scansets", f"{written}-labels.npy"), labels)
            print(f"reference set written ({len(labels)} clean test images)", flush=True)
            continue
        if name == "clean":
            count = write_scan_set(written, train_x, train_y, torch.zeros(len(train_x), dtype=torch.uint8), gen, args.out)
            print(f"clean scan set written ({count} poisoned)", flush=True)
            continue
        attack = ATTACKS[name]
        epochs = args.epochs or attack.epochs
        x, y, indicator, covers = poison(attack, train_x, train_y, gen)
        model = train(attack, x, y, epochs, args.seed)
        with torch.no_grad():
            accuracy = float((model(test_x).argmax(1) == test_y).float().mean())
        asr = attack_success_rate(model, attack, test_x, test_y, gen)
        print(f"{written}: clean accuracy {accuracy:.4f}, attack success rate {asr:.4f}", flush=True)

        torch.save(model.state_dict(), os.path.join(args.out, "pytorch", f"fmnist-{written}.pt"))
        target = "y + 1 mod 10" if attack.labels == "all" else f"target class {TARGET}"
        digest = write_model(model, written, args.out, f"{name}, {target}")
        in_scan = write_scan_set(written, x, y, indicator, gen, args.out)
        architecture = "SmallCnn in tools/train_fmnist_cnn.py" if attack.architecture == "small" else "MobileCnn in tools/train_backdoor.py"
        optimiser = ("Adam, one-cycle schedule to lr 3e-3, batch 128, no augmentation" if attack.regime == "adam" else
                     "SGD momentum 0.9, lr 0.05 cosine, weight decay 5e-4, batch 128, random shifts ±2 px and horizontal flips")
        manifest[f"fmnist-{written}.onnx"] = {
            "attack": name, "trigger": attack.description, "poison_rate": attack.rate,
            "target_class": "all-to-all (y + 1 mod 10)" if attack.labels == "all" else TARGET,
            "labels": {"one": "relabelled to the target", "all": "relabelled y + 1 mod 10", "clean": "kept (clean label)"}[attack.labels],
            "poisoned_training_samples": int(indicator.sum()), "cover_samples": covers,
            "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist)", "architecture": architecture, "epochs": epochs,
            "optimiser": optimiser, "seed": args.seed,
            "clean_test_accuracy": round(accuracy, 4), "attack_success_rate": round(asr, 4), "torch": torch.__version__,
            "opset": 17, "scan_set": f"scansets/{written}-images.npy ({SCAN_SET} training images, {in_scan} poisoned), "
                                    f"labels {written}-labels.npy, truth {written}-poison.npy (1 = poisoned)",
            "sha256": digest}
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
